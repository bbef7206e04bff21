"""The deployment files in deploy/ (SPEC 13), checked by the tools that read them: nginx runs the
site configuration in front of `crm serve` (TLS with a throwaway certificate, the redirect from
http, HSTS from the app), `systemd-analyze verify` accepts the unit, and the app starts with the
example environment file."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests
import urllib3

from crm_server import REPO_ROOT, CRMServer, crm_binary, free_port

DEPLOY = REPO_ROOT / "deploy"


def test_nginx_serves_the_app_over_tls_with_the_shipped_site_configuration():
    crm = CRMServer(env={"PUBLIC_BASE_URL": "https://crm.example.org", "TRUSTED_PROXIES": "127.0.0.1/32",
                         "CALENDLY_WEBHOOK_SECRET": "deployment-test-signing-key-0123456789"})
    tmp = Path(tempfile.mkdtemp(prefix="crm-nginx."))
    nginx = None
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=crm.example.org",
                        "-keyout", tmp / "privkey.pem", "-out", tmp / "fullchain.pem"], check=True, capture_output=True)
        http_port, tls_port = free_port(), free_port()
        site = (DEPLOY / "nginx-personal-crm.conf").read_text()
        site = site.replace("/etc/letsencrypt/live/crm.example.org", str(tmp))
        # Never out of turn: a rolling restart would otherwise take every instance out (test_rolling_restart.py).
        assert "server 127.0.0.1:8080 max_fails=0;" in site
        site = site.replace("server 127.0.0.1:8080 ", f"server 127.0.0.1:{crm.port} ")
        site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # loopback IPv4 only here
        site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
        (tmp / "site.conf").write_text(site)
        (tmp / "nginx.conf").write_text(f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
                                        f"http {{ access_log off; include {tmp}/site.conf; }}\n")
        checked = subprocess.run(["nginx", "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        deadline = time.monotonic() + 10
        while True:
            try:
                health = requests.get(f"https://127.0.0.1:{tls_port}/api/health", verify=False, timeout=2)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, (tmp / "error.log").read_text()
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.headers["Strict-Transport-Security"] == "max-age=31536000"
        page = requests.get(f"https://127.0.0.1:{tls_port}/sign-in", verify=False, timeout=5)
        assert page.status_code == 200 and "Sign in" in page.text
        # The webhook's own location reaches the app: an unsigned delivery is refused by it.
        webhook = requests.post(f"https://127.0.0.1:{tls_port}/api/calendar/webhook/calendly", data=b"{}", verify=False, timeout=5,
                                headers={"Content-Type": "application/json"})
        assert webhook.status_code == 401 and webhook.headers["Content-Type"].startswith("application/"), webhook.text
        redirect = requests.get(f"http://127.0.0.1:{http_port}/students", allow_redirects=False, timeout=5)
        assert redirect.status_code == 301
        assert redirect.headers["Location"].startswith("https://") and redirect.headers["Location"].endswith("/students")
    finally:
        if nginx:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=10)
        crm.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_systemd_accepts_the_unit():
    tmp = Path(tempfile.mkdtemp(prefix="crm-unit."))
    try:
        unit = (DEPLOY / "personal-crm.service").read_text()
        # The paths of an installed app, pointed at this checkout so verify can check they exist.
        unit = unit.replace("/opt/personal-crm/crm", str(crm_binary())).replace("WorkingDirectory=/opt/personal-crm", f"WorkingDirectory={REPO_ROOT}")
        unit = unit.replace("/etc/personal-crm/crm.env", str(DEPLOY / "crm.env.example")).replace("/var/lib/personal-crm", str(tmp))
        (tmp / "personal-crm.service").write_text(unit)
        verified = subprocess.run(["systemd-analyze", "verify", str(tmp / "personal-crm.service")], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "personal-crm.service" not in verified.stderr, verified.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_the_app_starts_with_the_example_environment_file():
    tmp = Path(tempfile.mkdtemp(prefix="crm-env."))
    try:
        env = {"PATH": os.environ["PATH"]}
        for line in (DEPLOY / "crm.env.example").read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip()
        assert env["DATABASE_URL"].startswith("sqlite:") and env["PUBLIC_BASE_URL"].startswith("https://")
        env["DATABASE_URL"] = f"sqlite:{tmp}/crm.sqlite"
        migrated = subprocess.run([str(crm_binary()), "migrate"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
