"""The benchmark's plumbing: the server under test, HTTP requests, sign-in, wrk runs and the
database counts `run.py` reports. Stdlib only."""

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
OWNER_EMAIL = "owner@bench.example"
OWNER_PASSWORD = "bench-password-123"


class HarnessError(Exception):
    pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- HTTP helpers (loopback, no redirects followed) ---------------------------------------------

def req(port, method, path, body=None, headers=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def cookie_value(headers, cookie_name):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith(cookie_name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def session_cookie(headers):
    return cookie_value(headers, "crm_session")


def sign_in(port):
    """Signs in like a browser: GET /sign-in (its CSRF cookie + meta tag), POST the form; returns the session cookie."""
    status, headers, body = req(port, "GET", "/sign-in")
    if status != 200:
        raise HarnessError(f"GET /sign-in answered {status}")
    csrf_cookie = cookie_value(headers, "crm_csrf")
    m = re.search(rb'<meta name="csrf-token" content="([^"]+)"', body)
    if not csrf_cookie or not m:
        raise HarnessError("GET /sign-in gave no crm_csrf cookie or no csrf-token meta tag")
    form = urllib.parse.urlencode({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": m.group(1).decode()})
    status, headers, _ = req(port, "POST", "/sign-in", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"crm_csrf={csrf_cookie}"})
    if status not in (302, 303):
        raise HarnessError(f"POST /sign-in answered {status}, expected a redirect")
    cookie = session_cookie(headers)
    if not cookie:
        raise HarnessError("POST /sign-in set no crm_session cookie")
    status, _, page = req(port, "GET", "/calendar", headers={"Cookie": f"crm_session={cookie}"})
    if status != 200:
        raise HarnessError(f"GET /calendar with the session cookie answered {status}")
    return cookie, len(page)


# --- The server --------------------------------------------------------------------------------

def server_env(database_url, port, webhook_key, log_level="info"):
    """The environment `crm` runs in for a benchmark: this shell's, less any Calendly, database or
    public-address settings, with the given database and no Calendly sync."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDLY_", "DATABASE_", "PUBLIC_BASE"))}
    env.update({"DATABASE_URL": database_url, "CALENDLY_WEBHOOK_SECRET": webhook_key, "CALENDLY_SYNC_INTERVAL": "0",
                "LOG_LEVEL": log_level, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    return env


class Server:
    def __init__(self, binary, workdir, env, port):
        self.binary, self.workdir, self.env, self.port = binary, workdir, env, port
        self.proc = None
        self.log_path = os.path.join(workdir, "serve.log")

    def start(self, timeout=60):
        """Starts `crm serve`; returns seconds from process start until /api/health answers 200."""
        self.log_file = open(self.log_path, "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                     cwd=self.workdir, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise HarnessError(f"crm serve exited with {self.proc.returncode} during start-up; see {self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/api/health")
                if conn.getresponse().status == 200:
                    elapsed = time.monotonic() - t0
                    conn.close()
                    return elapsed
                conn.close()
            except OSError:
                pass
            time.sleep(0.005)
        raise HarnessError(f"/api/health did not answer 200 within {timeout} s")

    def vm(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])  # kB
        return None

    def cpu_seconds(self):
        return process_cpu_seconds(self.proc.pid)[1]

    def settle(self, timeout=30.0):
        """Waits until the server is idle (requests wrk left queued are done) before the next phase."""
        t0 = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() - t0 < timeout:
            time.sleep(0.3)
            now = self.cpu_seconds()
            if now - last < 0.02:
                return time.monotonic() - t0
            last = now
        log(f"server still busy after {timeout:.0f} s; going on")
        return timeout

    def tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode(errors="replace")
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "log_file", None):
            self.log_file.close()


# --- wrk -----------------------------------------------------------------------------------------

def process_cpu_seconds(pid):
    """A process's name and its user+sys CPU time in seconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        name, _, rest = f.read().partition(" (")[2].rpartition(")")
    fields = rest.split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds():
    """User+sys CPU time of every PostgreSQL server process on the machine (the benchmark's own
    cluster, started by scripts/with-postgres.sh): with it, a PostgreSQL run shows what a request
    costs the database as well as the app."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name, seconds = process_cpu_seconds(pid)
        except OSError:
            continue  # ended meanwhile
        if name == "postgres":
            total += seconds
    return total


def run_wrk(port, path, seconds, threads, connections, script, headers=(), extra_env=None, timeout_s=5, server=None,
            database_cpu=None):
    env = dict(os.environ, BENCH_LUA_DIR=BENCH_DIR, BENCH_THREADS=str(threads), **(extra_env or {}))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout_s}s",
           "-s", os.path.join(BENCH_DIR, script)]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    cpu0 = server.cpu_seconds() if server else None
    database_cpu0 = database_cpu() if server and database_cpu else None
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"wrk on {path} did not finish")
    m = re.search(r"^BENCH_JSON (.*)$", out.stdout, re.M)
    if not m:
        raise HarnessError(f"wrk on {path} failed ({out.returncode}): {out.stdout[-500:]} {out.stderr[-500:]}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["socket_errors"] = r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["errors"] = r["non2xx"] + r["socket_errors"]
    r["p50_ms"], r["p99_ms"] = r["p50_us"] / 1000, r["p99_us"] / 1000
    r["threads"], r["connections"], r["seconds"] = threads, connections, seconds
    if server:
        # Server CPU (user+sys, all threads) per answered request over the run, a service-cost figure
        # that does not depend on queueing; the server is idle before each run (settle()).
        r["server_cpu_s"] = server.cpu_seconds() - cpu0
        r["cpu_ms_per_req"] = r["server_cpu_s"] * 1000 / r["requests"] if r["requests"] else None
        if database_cpu0 is not None:
            r["database_cpu_s"] = database_cpu() - database_cpu0
            r["database_cpu_ms_per_req"] = r["database_cpu_s"] * 1000 / r["requests"] if r["requests"] else None
    return r


# --- Webhook bodies ------------------------------------------------------------------------------

# --- Main ----------------------------------------------------------------------------------------


def db_counts(db_path):
    con = sqlite3.connect(db_path, timeout=30)
    try:
        states = dict(con.execute("SELECT state, count(*) FROM webhook_deliveries GROUP BY state").fetchall())
        return {"students": con.execute("SELECT count(*) FROM students").fetchone()[0],
                "consultations": con.execute("SELECT count(*) FROM consultations").fetchone()[0],
                "deliveries": sum(states.values()), "states": states}
    finally:
        con.close()
