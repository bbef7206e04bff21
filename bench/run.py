#!/usr/bin/env python3
"""`make bench`: load figures for Personal CRM, measured with wrk on loopback.

Seeds a fresh SQLite database (10,000 students, 200,000 consultations), starts the release build of
`crm serve` on it, and measures in one run:
  health           GET /api/health (the framework's ceiling on this machine)
  upcoming         GET /api/calendar/meetings/upcoming?limit=50 (API token)
  calendar page    GET /calendar (session cookie from a real sign-in)
  webhook ingest   POST /api/calendar/webhook/calendly, distinct signed invitee.created bookings
  health (again)   the ceiling once more, to show drift from other load on the machine
plus start-up time on that database and the server's peak RSS (VmHWM).

Prints a Markdown table and writes bench/results/latest.md and latest.json. Missed targets are
reported, not failures: the exit status is non-zero only when the harness itself breaks.
Stdlib only. Options: `python3 bench/run.py --help`.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.dont_write_bytecode = True  # no __pycache__ in bench/
import seed as seeder  # noqa: E402
from report import TARGETS, build_report, render_markdown  # noqa: E402
from webhooks import WEBHOOK_KEY, build_webhooks  # noqa: E402

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
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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

def run_wrk(port, path, seconds, threads, connections, script, headers=(), extra_env=None, timeout_s=5, server=None):
    env = dict(os.environ, BENCH_LUA_DIR=BENCH_DIR, BENCH_THREADS=str(threads), **(extra_env or {}))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout_s}s",
           "-s", os.path.join(BENCH_DIR, script)]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    cpu0 = server.cpu_seconds() if server else None
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
    return r


# --- Webhook bodies ------------------------------------------------------------------------------

# --- Main ----------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "crm"))
    ap.add_argument("--duration", type=int, default=10, help="seconds per endpoint (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per GET endpoint (default 2)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--webhook-connections", type=int, default=32)
    ap.add_argument("--webhook-bodies", type=int, default=50_000,
                    help="distinct bookings prepared (enough for the duration at up to this/duration per s)")
    ap.add_argument("--single-duration", type=int, default=5,
                    help="seconds per endpoint of the 1-connection service-time pass (0: skip)")
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--consultations", type=int, default=200_000)
    ap.add_argument("--log-level", default="info", help="LOG_LEVEL of the server (default: the app's default, info)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    ap.add_argument("--results", default=os.path.join(BENCH_DIR, "results"))
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)

    if not os.access(args.binary, os.X_OK):
        raise HarnessError(f"no release binary at {args.binary}; build it with "
                           "`swift build -c release --product crm --scratch-path .build-release`")
    if not shutil.which("wrk"):
        log("wrk is missing; installing it with apt-get")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)

    res = {"started_at": datetime.datetime.now().isoformat(timespec="seconds"), "binary": args.binary,
           "machine": {"host": platform.node(), "cpus": os.cpu_count()}, "log_level": args.log_level,
           "warmup_s": args.warmup, "targets": TARGETS}
    try:
        res["git"] = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip() + (" (+ uncommitted changes)" if subprocess.run(
                                        ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                                        capture_output=True, text=True).stdout.strip() else "")
    except OSError:
        res["git"] = "?"

    tmp = tempfile.mkdtemp(prefix="crm-bench.")
    server = None
    try:
        db_path = os.path.join(tmp, "bench.sqlite")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDLY_", "DATABASE_", "PUBLIC_BASE"))}
        env.update({"DATABASE_URL": f"sqlite:{db_path}", "CALENDLY_WEBHOOK_SECRET": WEBHOOK_KEY,
                    "CALENDLY_SYNC_INTERVAL": "0", "LOG_LEVEL": args.log_level,
                    "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})

        def crm(*argv, stdin=None):
            out = subprocess.run([args.binary, *argv], cwd=tmp, env=env, input=stdin, capture_output=True,
                                 text=True, timeout=120)
            if out.returncode != 0:
                raise HarnessError(f"crm {' '.join(argv)} failed: {out.stdout[-400:]} {out.stderr[-400:]}")
            return out.stdout

        log(f"temporary directory {tmp}; load average {loadavg()}")
        crm("migrate")
        crm("user", "create", "--email", OWNER_EMAIL, "--time-zone", "Europe/Berlin", stdin=OWNER_PASSWORD + "\n")
        token = crm("token", "create", "--name", "bench").strip().splitlines()[-1].strip()

        t0 = time.monotonic()
        data = seeder.seed(db_path, students=args.students, consultations=args.consultations)
        data["seconds"] = time.monotonic() - t0
        emails = data.pop("emails")
        res["data"] = data
        log(f"seeded {data['students']:,} students and {data['consultations']:,} consultations in {data['seconds']:.1f} s")

        res["load_before"] = loadavg()
        server = Server(args.binary, tmp, env, port)
        res["startup_s"] = server.start()
        log(f"server up in {res['startup_s']:.2f} s (pid {server.proc.pid})")

        # The app reads the seeded rows.
        auth = {"Authorization": f"Bearer {token}"}
        status, _, body = req(port, "GET", "/api/students?limit=1", headers=auth)
        if status != 200 or not json.loads(body).get("students"):
            raise HarnessError(f"GET /api/students?limit=1 answered {status}: {body[:300]!r}")
        status, _, body = req(port, "GET", "/api/calendar/meetings/upcoming?limit=50", headers=auth)
        meetings = json.loads(body).get("meetings", []) if status == 200 else []
        if status != 200 or len(meetings) != 50:
            raise HarnessError(f"GET /api/calendar/meetings/upcoming answered {status} with {len(meetings)} meetings")
        cookie, res["calendar_page_bytes"] = sign_in(port)
        # The brief of the next meeting; and the first (uncached) answer of each of the mentor's
        # reads, which is what their queries cost over the seeded data.
        brief_path = f"/api/consultations/{meetings[0]['id']}/brief"
        res["first_ms"] = {}
        for key, path in (("today", "/api/today"), ("brief", brief_path)):
            t0 = time.monotonic()
            status, _, body = req(port, "GET", path, headers=auth)
            res["first_ms"][key] = (time.monotonic() - t0) * 1000
            if status != 200:
                raise HarnessError(f"GET {path} answered {status}: {body[:300]!r}")
            log(f"first {key} answer (uncached): {res['first_ms'][key]:.1f} ms, {len(body):,} bytes")

        common = dict(seconds=args.duration, threads=args.threads, connections=args.connections)
        gets = [
            ("health", "/api/health", []),
            ("upcoming", "/api/calendar/meetings/upcoming?limit=50", [f"Authorization: Bearer {token}"]),
            ("calendar", "/calendar", [f"Cookie: crm_session={cookie}"]),
            ("today", "/api/today", [f"Authorization: Bearer {token}"]),
            ("brief", brief_path, [f"Authorization: Bearer {token}"]),
        ]
        for key, path, headers in gets:
            server.settle()
            if args.warmup:
                run_wrk(port, path, args.warmup, args.threads, args.connections, "get.lua", headers)
                server.settle()
            log(f"measuring {key} ({args.duration} s)")
            res[key] = run_wrk(port, path, script="get.lua", headers=headers, server=server, **common)
            log(f"  {res[key]['rps']:,.0f} req/s, p99 {res[key]['p99_ms']:.2f} ms, errors {res[key]['errors']}")

        server.settle()
        before = db_counts(db_path)
        wh_file = os.path.join(tmp, "webhooks.tsv")
        res["webhook_bodies"] = args.webhook_bodies
        build_webhooks(wh_file, args.webhook_bodies, emails)  # signed now, just before wrk starts
        log(f"measuring webhook ({args.duration} s, {args.webhook_connections} connections)")
        res["webhook"] = run_wrk(port, "/api/calendar/webhook/calendly", script="webhook.lua",
                                 seconds=args.duration, threads=args.threads, connections=args.webhook_connections,
                                 extra_env={"BENCH_WEBHOOK_FILE": wh_file}, server=server)
        log(f"  {res['webhook']['rps']:,.0f} req/s, p99 {res['webhook']['p99_ms']:.2f} ms, errors {res['webhook']['errors']}")
        server.settle()
        after = db_counts(db_path)
        res["webhook_db"] = {"deliveries": after["deliveries"], "states": after["states"],
                             "new_consultations": after["consultations"] - before["consultations"],
                             "new_students": after["students"] - before["students"]}

        log(f"measuring health again ({args.duration} s)")
        res["health_after"] = run_wrk(port, "/api/health", script="get.lua", server=server, **common)

        # Service time: one connection, so latency is the time one request takes without queueing.
        if args.single_duration:
            res["single"] = {}
            for key, path, headers in gets:
                server.settle()
                log(f"measuring {key} with 1 connection ({args.single_duration} s)")
                res["single"][key] = run_wrk(port, path, args.single_duration, 1, 1, "get.lua", headers, server=server)
            server.settle()
            wh1_file = os.path.join(tmp, "webhooks-1.tsv")
            build_webhooks(wh1_file, 5_000, emails, start_index=args.webhook_bodies)
            log(f"measuring webhook with 1 connection ({args.single_duration} s)")
            res["single"]["webhook"] = run_wrk(port, "/api/calendar/webhook/calendly", args.single_duration, 1, 1,
                                               "webhook.lua", extra_env={"BENCH_WEBHOOK_FILE": wh1_file}, server=server)

        res["peak_rss_mb"] = server.vm("VmHWM") / 1024
        res["rss_end_mb"] = server.vm("VmRSS") / 1024
        res["load_after"] = loadavg()
    finally:
        if server:
            server.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    table, checks = build_report(res)
    res["checks"] = checks
    md = render_markdown(res, table, checks)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "latest.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.results, "latest.json"), "w") as f:
        json.dump(res, f, indent=2, sort_keys=True)
        f.write("\n")
    print(md)
    return 0


def db_counts(db_path):
    con = sqlite3.connect(db_path, timeout=30)
    try:
        states = dict(con.execute("SELECT state, count(*) FROM webhook_deliveries GROUP BY state").fetchall())
        return {"students": con.execute("SELECT count(*) FROM students").fetchone()[0],
                "consultations": con.execute("SELECT count(*) FROM consultations").fetchone()[0],
                "deliveries": sum(states.values()), "states": states}
    finally:
        con.close()


if __name__ == "__main__":
    def _stop(signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _stop)
    try:
        sys.exit(main())
    except HarnessError as e:
        log(f"harness error: {e}")
        sys.exit(2)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
