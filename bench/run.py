#!/usr/bin/env python3
"""`make bench`: load figures for Personal CRM, measured with wrk on loopback.

Seeds a fresh SQLite database (10,000 students, 200,000 consultations), starts the release build of
`crm serve` on it, and measures in one run:
  health           GET /api/health (the framework's ceiling on this machine)
  upcoming         GET /api/calendar/meetings/upcoming?limit=50 (API token)
  calendar page    GET /calendar (session cookie from a real sign-in)
  today, brief     GET /api/today and GET /api/consultations/{id}/brief
  today_writes     GET /api/today while a student is edited every 0.25 s (PATCH /api/students/{id})
  search           GET /api/search: a common word, a rare word, a two-word prefix query
  webhook ingest   POST /api/calendar/webhook/calendly, distinct signed invitee.created bookings
  health (again)   the ceiling once more, to show drift from other load on the machine
plus start-up time on that database, the server's peak RSS (VmHWM) and what webhook ingest writes
to disk per delivery (search indexing and checkpoints included).

With `--postgres` (`make bench` runs it under scripts/with-postgres.sh, fsync on) the same rows are
copied into PostgreSQL and the same figures measured there, into latest-postgres.md and .json.

Prints a Markdown table and writes bench/results/latest.md and latest.json. Missed targets are
reported, not failures: the exit status is non-zero only when the harness itself breaks.
Stdlib only. Options: `python3 bench/run.py --help`.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.dont_write_bytecode = True  # no __pycache__ in bench/
import postgres  # noqa: E402
import seed as seeder  # noqa: E402
from database import (BenchDatabase, device_bytes_written, own_write_bytes, search_segments,  # noqa: E402
                      wait_for_settled_search_index)
from report import TARGETS, build_report, render_markdown  # noqa: E402
from webhooks import WEBHOOK_KEY, build_webhooks  # noqa: E402
from report import SEARCH_QUERIES  # noqa: E402
from harness import (OWNER_EMAIL, OWNER_PASSWORD, HarnessError, Server, free_port, postgres_cpu_seconds,  # noqa: E402
                     loadavg, log, req, run_wrk, server_env, sign_in)


SEARCH_VARIED_COUNT = 6_000
TODAY_EDIT_INTERVAL_S = 0.25


def measure_while_editing(port, auth, measure):
    """Runs `measure` while another client edits one student's notes every TODAY_EDIT_INTERVAL_S
    (PATCH /api/students/{id}); returns what `measure` returned and how many edits were saved."""
    import threading
    status, _, body = req(port, "GET", "/api/students?limit=1", headers=auth)
    students = json.loads(body).get("students", []) if status == 200 else []
    if not students:
        raise HarnessError(f"GET /api/students?limit=1 answered {status}: {body[:300]!r}")
    path = f"/api/students/{students[0]['id']}"
    stop, edits, failures = threading.Event(), [0], []

    def edit():
        while not stop.wait(TODAY_EDIT_INTERVAL_S):
            status, _, answer = req(port, "PATCH", path, body=json.dumps({"notes": f"bench edit {edits[0]}"}),
                                    headers={**auth, "Content-Type": "application/json"})
            if status == 200:
                edits[0] += 1
            else:
                failures.append((status, answer[:300]))
                return

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        result = measure()
    finally:
        stop.set()
        editor.join()
    if failures:
        raise HarnessError(f"PATCH {path} answered {failures[0][0]}: {failures[0][1]!r}")
    return result, edits[0]


def varied_searches(count, rng_seed=7):
    """`count` different search paths: one or two words of the seeded text, each cut to a prefix."""
    import random
    rng = random.Random(rng_seed)
    vocabulary = sorted({w.lower() for w in seeder.WORDS + seeder.FIRST + seeder.LAST + " ".join(seeder.TOPICS).split()
                         if w.isalpha() and w.isascii() and len(w) >= 3})
    queries = set()
    while len(queries) < count:
        words = [w[:rng.randint(3, len(w))] for w in rng.sample(vocabulary, rng.choice([1, 2, 2]))]
        queries.add("+".join(words))
    return [f"/api/search?q={q}" for q in sorted(queries, key=lambda _: rng.random())]


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
    ap.add_argument("--postgres", action="store_true",
                    help="measure on the PostgreSQL database in TEST_DATABASE_URL (scripts/with-postgres.sh)")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)

    if not os.access(args.binary, os.X_OK):
        raise HarnessError(f"no release binary at {args.binary}; build it with "
                           "`swift build -c release --product crm --scratch-path .build-release`")
    if not shutil.which("wrk"):
        log("wrk is missing; installing it with apt-get")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)

    postgres_url = os.environ.get("TEST_DATABASE_URL") if args.postgres else None
    if args.postgres and not postgres_url:
        raise HarnessError("--postgres needs TEST_DATABASE_URL: run it under scripts/with-postgres.sh")
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
        db = BenchDatabase(tmp, postgres_url)
        res["database"] = db.name
        port = free_port()
        env = server_env(db.url, port, WEBHOOK_KEY, args.log_level)

        def crm(*argv, stdin=None, database_url=None):
            out = subprocess.run([args.binary, *argv], cwd=tmp, env={**env, "DATABASE_URL": database_url or db.url},
                                 input=stdin, capture_output=True,
                                 text=True, timeout=120)
            if out.returncode != 0:
                raise HarnessError(f"crm {' '.join(argv)} failed: {out.stdout[-400:]} {out.stderr[-400:]}")
            return out.stdout

        log(f"temporary directory {tmp}; load average {loadavg()}")
        crm("migrate")
        crm("user", "create", "--email", OWNER_EMAIL, "--time-zone", "Europe/Berlin", stdin=OWNER_PASSWORD + "\n")
        token = crm("token", "create", "--name", "bench").strip().splitlines()[-1].strip()

        t0 = time.monotonic()
        if postgres_url:
            # Seeded into SQLite as always, then copied: the same rows on both databases.
            crm("migrate", database_url=f"sqlite:{db.sqlite_path}")
            data = seeder.seed(db.sqlite_path, students=args.students, consultations=args.consultations)
            postgres.copy_seeded_rows(db.sqlite_path, postgres_url)
            os.remove(db.sqlite_path)
        else:
            data = seeder.seed(db.sqlite_path, students=args.students, consultations=args.consultations)
        data["seconds"] = time.monotonic() - t0
        emails = data.pop("emails")
        res["data"] = data
        log(f"seeded {data['students']:,} students and {data['consultations']:,} consultations in {data['seconds']:.1f} s")

        res["load_before"] = loadavg()
        server = Server(args.binary, tmp, env, port)
        started = time.monotonic()
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
        # Search: the seeded rows were queued for indexing by the search triggers, and the server
        # indexes them in the background; wait for the queue to empty before measuring anything.
        while db.scalar("SELECT count(*) FROM search_pending") > 0:
            if time.monotonic() - started > 1800:
                raise HarnessError("the search index did not catch up within 30 minutes")
            time.sleep(0.5)
        res["search_index_s"] = time.monotonic() - started
        if not postgres_url:
            # SQLite: the server then merges the full-text segments that a large indexing left
            # (SQLiteSearchCompaction); searches are measured on the index as the server keeps it,
            # so wait for that too.
            res["search_segments_indexed"] = search_segments(db)
            res["search_segments"] = wait_for_settled_search_index(db, port, auth)
            res["search_compacted_s"] = time.monotonic() - started
            log(f"search index segments {res['search_segments_indexed']} when indexed, {res['search_segments']} after "
                f"{res['search_compacted_s']:.1f} s")
        status, _, body = req(port, "GET", "/api/search?q=student", headers=auth)
        if status != 200 or not json.loads(body).get("results"):
            raise HarnessError(f"GET /api/search?q=student answered {status}: {body[:300]!r}")
        status, _, body = req(port, "GET", "/api/search?q=" + SEARCH_QUERIES["search_rare"][1], headers=auth)
        res["search_rare_results"] = len(json.loads(body).get("results", [])) if status == 200 else -1
        log(f"search index complete after {res['search_index_s']:.1f} s; rare word found {res['search_rare_results']} times")
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

        common = dict(seconds=args.duration, threads=args.threads, connections=args.connections,
                      database_cpu=postgres_cpu_seconds if postgres_url else None)
        gets = [
            ("health", "/api/health", []),
            ("upcoming", "/api/calendar/meetings/upcoming?limit=50", [f"Authorization: Bearer {token}"]),
            ("calendar", "/calendar", [f"Cookie: crm_session={cookie}"]),
            ("today", "/api/today", [f"Authorization: Bearer {token}"]),
            ("brief", brief_path, [f"Authorization: Bearer {token}"]),
        ] + [(key, "/api/search?q=" + query, [f"Authorization: Bearer {token}"])
             for key, (_, query) in SEARCH_QUERIES.items()
        ] + [(key + "_fresh", "/api/search?q=" + query, [f"Authorization: Bearer {token}", "Cache-Control: no-cache"])
             for key, (_, query) in SEARCH_QUERIES.items()]
        for key, path, headers in gets:
            server.settle()
            if args.warmup:
                run_wrk(port, path, args.warmup, args.threads, args.connections, "get.lua", headers)
                server.settle()
            log(f"measuring {key} ({args.duration} s)")
            res[key] = run_wrk(port, path, script="get.lua", headers=headers, server=server, **common)
            log(f"  {res[key]['rps']:,.0f} req/s, p99 {res[key]['p99_ms']:.2f} ms, errors {res[key]['errors']}")

        # Searches run afresh: thousands of different queries, more than the server keeps answers for.
        server.settle()
        search_file = os.path.join(tmp, "searches.txt")
        with open(search_file, "w") as f:
            f.write("\n".join(varied_searches(SEARCH_VARIED_COUNT)) + "\n")
        log(f"measuring search_varied ({args.duration} s, {SEARCH_VARIED_COUNT:,} different queries)")
        res["search_varied"] = run_wrk(port, "/api/search", script="search.lua", headers=[f"Authorization: Bearer {token}"],
                                       extra_env={"BENCH_SEARCH_FILE": search_file}, server=server, **common)
        log(f"  {res['search_varied']['rps']:,.0f} req/s, p99 {res['search_varied']['p99_ms']:.2f} ms, "
            f"errors {res['search_varied']['errors']}")

        # Today while the data changes: a student edited every 0.25 s through the API, each edit a new
        # data version, so the kept answer is built again about 40 times during the measurement.
        server.settle()
        log(f"measuring today_writes ({args.duration} s, a student edited every {TODAY_EDIT_INTERVAL_S} s)")
        res["today_writes"], res["today_writes_edits"] = measure_while_editing(
            port, auth, lambda: run_wrk(port, "/api/today", script="get.lua", headers=[f"Authorization: Bearer {token}"],
                                        server=server, **common))
        log(f"  {res['today_writes']['rps']:,.0f} req/s, p99 {res['today_writes']['p99_ms']:.2f} ms, "
            f"errors {res['today_writes']['errors']}, {res['today_writes_edits']} edits")

        server.settle()
        before = db.counts()
        wh_file = os.path.join(tmp, "webhooks.tsv")
        res["webhook_bodies"] = args.webhook_bodies
        build_webhooks(wh_file, args.webhook_bodies, emails)  # signed now, just before wrk starts
        db.checkpoint()
        os.sync()
        written_before = {"device": device_bytes_written(tmp), "server": own_write_bytes(server.proc.pid),
                          "bench": own_write_bytes(),
                          "wal": postgres.wal_bytes(postgres_url) if postgres_url else 0}
        log(f"measuring webhook ({args.duration} s, {args.webhook_connections} connections)")
        res["webhook"] = run_wrk(port, "/api/calendar/webhook/calendly", script="webhook.lua",
                                 seconds=args.duration, threads=args.threads, connections=args.webhook_connections,
                                 extra_env={"BENCH_WEBHOOK_FILE": wh_file}, server=server)
        log(f"  {res['webhook']['rps']:,.0f} req/s, p99 {res['webhook']['p99_ms']:.2f} ms, errors {res['webhook']['errors']}")
        server.settle()
        # What the deliveries cost on disk: their rows, the search index of what they made, and the
        # checkpoint that writes the WAL into the database files.
        os.sync()
        device_before_indexing = device_bytes_written(tmp)
        queued_for_search = db.scalar("SELECT count(*) FROM search_pending")
        indexing_started = time.monotonic()
        while db.scalar("SELECT count(*) FROM search_pending") > 0:
            if time.monotonic() - indexing_started > 1800:
                raise HarnessError("the search index did not take in the deliveries within 30 minutes")
            time.sleep(0.2)
        if not postgres_url:
            # The segments that indexing the deliveries added, and any merge they began: that
            # rewriting is theirs too. (Sampled as the queue empties; a merge may have begun.)
            res["search_segments_after_webhooks"] = search_segments(db)
            res["search_segments_merged_after_webhooks"] = wait_for_settled_search_index(db, port, auth)
        server.settle()
        db.checkpoint()
        os.sync()
        after = db.counts()
        stored = after["deliveries"] - before["deliveries"]
        res["webhook_writes"] = {
            "deliveries": stored,
            "device_bytes": device_bytes_written(tmp) - written_before["device"],
            "server_write_bytes": own_write_bytes(server.proc.pid) - written_before["server"],
            "checkpoint_write_bytes": own_write_bytes() - written_before["bench"],
            "wal_bytes": (postgres.wal_bytes(postgres_url) - written_before["wal"]) if postgres_url else None,
            # Split at the end of the run: what was written by then, and the search queue left to index.
            "device_bytes_during_run": device_before_indexing - written_before["device"],
            "queued_for_search_after_run": queued_for_search,
        }
        w = res["webhook_writes"]
        log(f"  written per delivery: device {w['device_bytes'] / max(stored, 1) / 1024:.1f} KB "
            f"({w['device_bytes_during_run'] / max(stored, 1) / 1024:.1f} KB by the end of the run, when "
            f"{queued_for_search:,} records waited for the search index), "
            f"write_bytes {(w['server_write_bytes'] + w['checkpoint_write_bytes']) / max(stored, 1) / 1024:.1f} KB")
        res["webhook_db"] = {"deliveries": after["deliveries"], "states": after["states"],
                             "new_consultations": after["consultations"] - before["consultations"],
                             "new_students": after["students"] - before["students"]}

        # Importing 10,000 students from CSV (SPEC 12): half new, half matching seeded emails.
        server.settle()
        csv_rows = ["name,email,phone,notes"] + [
            f"Imported Student {i},{emails[i] if i % 2 else f'imported{i}@bench.example'},+49 30 {i:07d},\"Row {i}, from the bench\""
            for i in range(10_000)]
        csv_body = ("\r\n".join(csv_rows) + "\r\n").encode()
        t0 = time.monotonic()
        status, _, body = req(port, "POST", "/api/students/import?dry_run=false", body=csv_body,
                              headers={**auth, "Content-Type": "text/csv"}, timeout=120)
        res["import_s"] = time.monotonic() - t0
        if status != 200:
            raise HarnessError(f"POST /api/students/import answered {status}: {body[:300]!r}")
        res["import_totals"] = json.loads(body)["totals"]
        log(f"imported 10,000 CSV rows in {res['import_s']:.2f} s: {res['import_totals']}")

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
    name = "latest-postgres" if postgres_url else "latest"
    with open(os.path.join(args.results, f"{name}.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.results, f"{name}.json"), "w") as f:
        json.dump(res, f, indent=2, sort_keys=True)
        f.write("\n")
    print(md)
    return 0


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
