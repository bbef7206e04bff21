"""Several instances (SPEC 13): three `crm serve` processes on one PostgreSQL, nginx in front
(round robin, on loopback). Through nginx, the storm ends exactly at the sandbox's truth. An edit
made through one instance is in the next answer of every other, and so are a revoked token, a
signed-out session, the sign-in throttle and a used one-time code. The periodic reconcile runs on
one instance at a time, as the sandbox's request log shows."""
import re
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp
import requests

from crm_server import OWNER_EMAIL, OWNER_PASSWORD, CRMServer, free_port
from harness import (SANDBOX_TOKEN, SIGNING_KEY, SOAK, Collector, Sandbox, compare_with_truth, deliver, generate_traffic, report,
                     storm_order)
from test_storm import collected

OPERATIONS = 2_000 if SOAK else 300


def moment(stamp: str) -> datetime:
    """An ISO 8601 time as the sandbox writes it."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class Nginx:
    """nginx from Debian, round robin over `ports`, with its own configuration in a temporary folder."""

    def __init__(self, ports: list[int]):
        self.dir = Path(tempfile.mkdtemp(prefix="crm-nginx."))
        self.port = free_port()
        # As deploy/nginx-personal-crm.conf: a stopped instance is not taken out of turn (max_fails=0),
        # and an idle connection is let go of after 4 s, before the app's idle time-out.
        upstream = "".join(f"    server 127.0.0.1:{port} max_fails=0;\n" for port in ports)
        (self.dir / "nginx.conf").write_text(f"""pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{}}
http {{
  access_log off;
  upstream crm {{
{upstream}    keepalive 32;
    keepalive_timeout 4s;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    client_max_body_size 6m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    location / {{
      proxy_pass http://crm;
    }}
    # As deploy/nginx-personal-crm.conf: a webhook may be retried on another instance.
    location = /api/calendar/webhook/calendly {{
      proxy_pass http://crm;
      proxy_next_upstream error timeout http_503 non_idempotent;
    }}
  }}
}}
""")
        self.process = subprocess.Popen(["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"{self.base}/api/health", timeout=5)
                return
            except requests.RequestException:
                assert time.monotonic() < deadline, (self.dir / "error.log").read_text()
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Front:
    """What the harness's helpers need of a server: a base address and an API session."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {token}"


class Browser:
    """A cookie session that sends each form with the CSRF token of the last page it read."""

    def __init__(self, forwarded_for: str | None = None):
        self.session = requests.Session()
        self.csrf = ""
        if forwarded_for:  # the instances trust loopback as a proxy: this is the client's address
            self.session.headers["X-Forwarded-For"] = forwarded_for

    def get(self, url: str) -> requests.Response:
        answer = self.session.get(url, allow_redirects=False, timeout=30)
        found = re.search(r'name="csrf_token" value="([^"]+)"', answer.text) or re.search(r'<meta name="csrf-token" content="([^"]+)"', answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def post(self, url: str, fields: dict) -> requests.Response:
        answer = self.session.post(url, data={**fields, "csrf_token": self.csrf}, allow_redirects=False, timeout=30)
        found = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def sign_in(self, base: str, password: str = OWNER_PASSWORD) -> requests.Response:
        self.get(f"{base}/sign-in")
        return self.post(f"{base}/sign-in", {"email": OWNER_EMAIL, "password": password, "next": "/calendar"})


def instance_env(sandbox: Sandbox, database_url: str) -> dict:
    return {"DATABASE_URL": database_url, "CALENDLY_API_KEY": SANDBOX_TOKEN, "CALENDLY_API_BASE_URL": sandbox.base,
            "CALENDLY_WIDGET_SCRIPT_URL": f"{sandbox.base}/assets/external/widget.js",
            "CALENDLY_WIDGET_CSS_URL": f"{sandbox.base}/assets/external/widget.css",
            "CALENDLY_WEBHOOK_SECRET": SIGNING_KEY, "CALENDLY_SYNC_INTERVAL": "1", "TRUSTED_PROXIES": "127.0.0.1/32"}


def test_three_instances_behind_nginx_act_as_one(postgres_url):
    sandbox, collector = Sandbox(), Collector()
    instances: list[CRMServer] = []
    nginx = None
    try:
        collector.subscribe(sandbox)
        done = generate_traffic(sandbox, OPERATIONS)
        bodies = collected(sandbox, collector, sum(done.values()) + done["reschedules"])
        env = instance_env(sandbox, postgres_url)
        first = CRMServer(env=env)
        instances = [first] + [CRMServer(env=env, token=first.token) for _ in range(2)]
        a, b, c = (instance.base for instance in instances)
        nginx = Nginx([instance.port for instance in instances])
        front = Front(nginx.base, first.token)
        # The start-up reconcile (one instance's) finishes before the storm, which then runs alone.
        deadline = time.monotonic() + 60
        while "crm_reconcile_last_success_timestamp_seconds 0.0" in requests.get(f"{a}/metrics", headers=front.api.headers).text:
            assert time.monotonic() < deadline, "no start-up reconcile"
            time.sleep(0.3)

        # The storm, through nginx: every instance takes a share; the end state is the truth.
        sent = storm_order(bodies)
        started = time.monotonic()
        statuses = deliver(front, sent, concurrency=32)
        elapsed = time.monotonic() - started
        # The start-up reconcile brought in every booking already; the storm's deliveries came after.
        checked, problems = compare_with_truth(front, sandbox.truth())
        bad = [s for s in statuses if s != 200]
        report("storm through nginx, 3 instances on PostgreSQL", checked - len(problems) if not bad else 0, len(problems) + len(bad), [
            f"generated {done}", f"sent {len(sent)} deliveries 32 at once in {elapsed:.1f} s",
            f"answers: {len(statuses) - len(bad)} x 200, {len(bad)} other ({sorted(set(bad))})",
            f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences", *problems[:20]])
        assert not bad and not problems

        # An edit through one instance is in the next answer of every other.
        student = requests.post(f"{a}/api/students", json={"name": "Kofi Mensah", "email": "kofi@student.example"},
                                headers=front.api.headers).json()
        when = (datetime.now(timezone.utc) + timedelta(hours=3)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        meeting = requests.post(f"{a}/api/consultations", headers=front.api.headers, json={
            "student_id": student["id"], "type": "Mentoring", "topic": "First topic", "consultation_date": when, "duration": 30}).json()
        for base in (a, b, c):  # every instance has the list cached now
            topics = [m["topic"] for m in requests.get(f"{base}/api/calendar/meetings/upcoming?limit=100", headers=front.api.headers).json()["meetings"]]
            assert "First topic" in topics
        assert requests.patch(f"{b}/api/consultations/{meeting['id']}", json={"topic": "Changed on B"}, headers=front.api.headers).status_code == 200
        for base in (a, c):
            topics = [m["topic"] for m in requests.get(f"{base}/api/calendar/meetings/upcoming?limit=100", headers=front.api.headers).json()["meetings"]]
            assert "Changed on B" in topics and "First topic" not in topics, base
        owner = Browser()
        assert owner.sign_in(a).status_code == 303
        assert "Changed on B" in owner.get(f"{c}/calendar").text

        # A token revoked through one instance is refused by every other at its next request.
        extra = first.run("token", "create", "--name", "script").strip().splitlines()[-1]
        for base in (a, b, c):
            assert requests.get(f"{base}/api/students", headers={"Authorization": f"Bearer {extra}"}).status_code == 200
        security = owner.get(f"{a}/settings/security").text
        token_id = re.search(r'<td>script</td>.*?name="id" value="([0-9A-F-]{36})"', security, re.S).group(1)
        assert owner.post(f"{a}/settings/tokens/revoke", {"id": token_id}).status_code == 303
        for base in (b, c):
            assert requests.get(f"{base}/api/students", headers={"Authorization": f"Bearer {extra}"}).status_code == 401, base

        # A session signed out through one instance is signed out on every other.
        laptop = Browser()
        assert laptop.sign_in(b).status_code == 303
        assert laptop.get(f"{c}/students").status_code == 200
        owner.get(f"{b}/settings/security")
        assert owner.post(f"{b}/settings/sessions/end-others", {}).status_code == 303
        for base in (a, c):
            answer = laptop.get(f"{base}/students")
            assert answer.status_code == 303 and answer.headers["Location"].startswith("/sign-in"), base
        assert owner.get(f"{c}/students").status_code == 200

        # A one-time code used through one instance is refused by another.
        owner.get(f"{a}/settings/security")
        started_setup = owner.post(f"{a}/settings/two-factor", {"password": OWNER_PASSWORD}).text
        secret = re.search(r'data-secret="([A-Z2-7]+)"', started_setup).group(1)
        totp = pyotp.TOTP(secret)
        assert owner.post(f"{b}/settings/two-factor/confirm", {"code": totp.now()}).status_code == 200
        code = totp.at(time.time(), counter_offset=1)
        phone = Browser()
        assert phone.sign_in(c).headers["Location"] == "/sign-in/code"
        phone.get(f"{a}/sign-in/code")
        assert phone.post(f"{a}/sign-in/code", {"code": code}).status_code == 303
        thief = Browser()
        assert thief.sign_in(b).headers["Location"] == "/sign-in/code"
        thief.get(f"{c}/sign-in/code")
        replay = thief.post(f"{c}/sign-in/code", {"code": code})
        assert replay.status_code == 401 and "already used" in replay.text

        # The sign-in throttle counts across instances: 5 failures spread over three, then 429 on any.
        stranger = Browser(forwarded_for="203.0.113.77")
        for base in (a, b, c, a, b):
            assert stranger.sign_in(base, password="not the password").status_code == 401
        assert stranger.sign_in(c, password="not the password").status_code == 429

        # The periodic reconcile never ran on two instances at once: each run (one instance's list
        # requests, close together) ends before another instance's begins.
        log = sandbox.control("GET", "/requests").json()["requests"]
        syncs = sorted(({**entry, "started_at": moment(entry["started_at"]), "finished_at": moment(entry["finished_at"])}
                        for entry in log if entry["path"] == "/scheduled_events" and entry["user_agent"].startswith("personal-crm")),
                       key=lambda entry: entry["started_at"])
        runs: list[dict] = []
        for entry in syncs:
            last = runs[-1] if runs else None
            if last and last["agent"] == entry["user_agent"] and entry["started_at"] <= last["end"] + timedelta(seconds=5):
                last["end"] = max(last["end"], entry["finished_at"])
            else:
                runs.append({"agent": entry["user_agent"], "start": entry["started_at"], "end": entry["finished_at"]})
        overlaps = [(x, y) for x, y in zip(runs, runs[1:]) if x["agent"] != y["agent"] and y["start"] < x["end"]]
        report("reconcile across instances", len(runs) - len(overlaps), len(overlaps),
               [f"{run['agent']}: {run['start']} to {run['end']}" for run in runs])
        assert runs, "no reconcile reached the sandbox"
        assert not overlaps, overlaps
        # At start-up all three were due at once; one ran, and the others found it done.
        assert len({run["agent"] for run in runs if run["start"] < runs[0]["start"] + timedelta(seconds=30)}) == 1, runs
    finally:
        if nginx:
            nginx.stop()
        for instance in instances:
            instance.stop()
        collector.stop()
        sandbox.stop()
