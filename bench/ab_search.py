#!/usr/bin/env python3
"""Fresh searches by two or more builds taking turns on copies of one SQLite database, the way
changes to search speed are judged here (single `make bench` runs move with the machine).

usage: python3 bench/ab_search.py DATABASE ROUNDS BINARY[=DATABASE] [BINARY[=DATABASE]...]

Each turn copies DATABASE (a `crm backup` of a `make bench` database once its index was merged),
starts the binary on it, measures GET /api/health for 5 s, then each of the benchmark's three
searches with `Cache-Control: no-cache` for 10 s at 32 connections (after 2 s of warm-up), and
prints one line: the rates, their share of health, and the p99s. The binaries must sit in the
project's `.build-release/release/` (they find `Resources/` from there). A binary given with its own
database (`BINARY=DATABASE`) runs on a copy of that one instead: a build whose migration changes the
index is measured on the database it migrated (and merged as the other was).
"""
import os
import shutil
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.dont_write_bytecode = True
from harness import Server, free_port, run_wrk, server_env  # noqa: E402
from report import SEARCH_QUERIES  # noqa: E402
from webhooks import WEBHOOK_KEY  # noqa: E402

QUERIES = [query for _, query in SEARCH_QUERIES.values()]


def one_turn(binary, database):
    tmp = tempfile.mkdtemp(prefix="crm-ab.")
    db = os.path.join(tmp, "crm.sqlite")
    shutil.copy(database, db)
    port = free_port()
    env = server_env(f"sqlite:{db}", port, WEBHOOK_KEY)
    token = subprocess.run([binary, "token", "create", "--name", "ab"], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1].strip()
    server = Server(binary, tmp, env, port)
    server.start()
    try:
        headers = [f"Authorization: Bearer {token}", "Cache-Control: no-cache"]
        results = {"health": run_wrk(port, "/api/health", 5, 2, 32, "get.lua", server=server)}
        for query in QUERIES:
            run_wrk(port, "/api/search?q=" + query, 2, 2, 32, "get.lua", headers=headers)
            results[query] = run_wrk(port, "/api/search?q=" + query, 10, 2, 32, "get.lua", headers=headers, server=server)
        return results
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    database, rounds, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    for turn in range(rounds):
        for given in binaries:
            binary, _, own = given.partition("=")
            r = one_turn(binary, own or database)
            health = r["health"]["rps"]
            parts = [f"health {health:6.0f}"] + [
                f"{q} {r[q]['rps']:5.0f} ({100 * r[q]['rps'] / health:4.1f}%) p99 {r[q]['p99_ms']:6.2f} ms" for q in QUERIES]
            print(f"round {turn} {os.path.basename(binary):12s} " + " | ".join(parts), flush=True)


if __name__ == "__main__":
    main()
