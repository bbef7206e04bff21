"""Database outages (SPEC 13): while the sandbox's webhooks arrive, PostgreSQL is stopped for a
while and started again (or the SQLite file is made unwritable, then writable). Meanwhile webhooks
get 503 (never 500, never a wait past Calendly's 15-second time-out) and the API answers 503 with a
clear message; the sandbox's retries deliver everything afterwards, the end state is exactly the
truth without restarting the app, and the log says it once."""
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from harness import (SOAK, Sandbox, compare_with_truth, crm_for, generate_traffic, report, wait_until_every_delivery_accepted,
                     webhooks_made)

OUTAGE_SECONDS = 20
OPERATIONS = 600 if SOAK else 150


def subscribe_app(sandbox: Sandbox, crm) -> None:
    from harness import SIGNING_KEY
    me = sandbox.api.get(f"{sandbox.base}/users/me").json()["resource"]
    answer = sandbox.api.post(f"{sandbox.base}/webhook_subscriptions", json={
        "url": f"{crm.base}/api/calendar/webhook/calendly", "organization": me["current_organization"], "scope": "organization",
        "signing_key": SIGNING_KEY,
        "events": ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"]})
    assert answer.status_code == 201, answer.text


def probe_during(crm, seconds: float) -> list[tuple[int, float, str]]:
    """Asks the API and the webhook receiver every half second: (status, seconds taken, body)."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        for method, path in (("GET", "/api/students"), ("POST", "/api/students")):
            started = time.monotonic()
            try:
                answer = crm.api.request(method, f"{crm.base}{path}", json={"name": "Outage Probe"} if method == "POST" else None, timeout=20)
                seen.append((answer.status_code, time.monotonic() - started, answer.text[:300]))
            except requests.RequestException as error:
                seen.append((0, time.monotonic() - started, str(error)))
        time.sleep(0.5)
    return seen


def run_outage(name: str, crm, sandbox: Sandbox, take_away, give_back) -> None:
    subscribe_app(sandbox, crm)
    done: dict = {}
    traffic = threading.Thread(target=lambda: done.update(generate_traffic(sandbox, OPERATIONS)))
    traffic.start()
    # The outage begins once deliveries have begun to arrive (at most a second in): a burst that
    # the sandbox sends faster than that would otherwise be over before the outage began.
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline and not any(
            a["status_code"] == 200 for a in sandbox.control("GET", "/deliveries").json()["deliveries"]):
        time.sleep(0.02)
    take_away()
    try:
        probes = probe_during(crm, OUTAGE_SECONDS)
    finally:
        give_back()
    traffic.join()
    assert done, "the sandbox's traffic did not finish"
    # Every delivery is retried until the app takes it.
    log = wait_until_every_delivery_accepted(sandbox, webhooks_made(done))
    statuses = sorted({a["status_code"] for a in log}, key=str)
    refused = [a for a in log if a["status_code"] == 503]
    checked, problems = compare_with_truth(crm, sandbox.truth(), only={a["invitee_uri"] for a in log})
    probe_statuses = sorted({status for status, _, _ in probes})
    slowest = max(seconds for _, seconds, _ in probes)
    output = crm.output().splitlines()
    outage_lines = [line for line in output if "The database cannot be reached" in line]
    # Nothing else speaks per request meanwhile: no request's failure, no pool's complaint.
    per_request = [line for line in output if " failed: " in line or "Could not store" in line or "Opening new connection" in line]
    bad_probes = [p for p in probes if p[0] not in (200, 201, 503)]
    report(name, checked - len(problems), len(problems), [
        f"{len({a['delivery_id'] for a in log})} deliveries in {len(log)} attempts; statuses {statuses}; {len(refused)} answered 503 during the outage",
        f"API probes during the {OUTAGE_SECONDS} s outage: statuses {probe_statuses}, slowest {slowest:.2f} s",
        f"outage lines in the app's log: {len(outage_lines)}; other lines about failed requests: {len(per_request)}",
        f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences", *problems[:10]])
    assert set(statuses) <= {200, 503}, statuses
    assert refused, "no delivery met the outage"
    assert not bad_probes, bad_probes[:3]
    assert 503 in probe_statuses
    assert any('"unavailable"' in body and "cannot be reached" in body for status, _, body in probes if status == 503)
    assert slowest < 15
    assert len(outage_lines) == 1, outage_lines
    assert not per_request, per_request[:3]
    assert not problems


def test_postgres_stopped_for_a_while(postgres_url):
    stop, start = os.environ.get("TEST_PG_STOP"), os.environ.get("TEST_PG_START")
    if not stop or not start:
        pytest.skip("needs scripts/with-postgres.sh's TEST_PG_STOP and TEST_PG_START")
    sandbox = Sandbox("--retry-schedule", "1,2,2,3,3,5,5,5,5,5,10,10,10,10,10,10")
    crm = None
    try:
        crm = crm_for(sandbox, postgres_url)
        run_outage("PostgreSQL outage", crm, sandbox,
                   lambda: subprocess.run(stop, shell=True, check=True, capture_output=True),
                   lambda: subprocess.run(start, shell=True, check=True, capture_output=True))
    finally:
        subprocess.run(start, shell=True, capture_output=True)  # already running: harmless
        if crm:
            crm.stop()
        sandbox.stop()


def test_sqlite_file_that_cannot_be_written():
    sandbox = Sandbox("--retry-schedule", "1,2,2,3,3,5,5,5,5,5,10,10,10,10,10,10")
    crm = None
    try:
        crm = crm_for(sandbox)
        database = Path(crm.env["DATABASE_URL"].removeprefix("sqlite:"))
        files = [str(database), str(database) + "-wal"]
        # Root writes through file modes; the immutable attribute stops even root.
        if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not permitted here")
        subprocess.run(["chattr", "-i", *files], check=True)
        run_outage("SQLite file unwritable", crm, sandbox,
                   lambda: subprocess.run(["chattr", "+i", *files], check=True),
                   lambda: subprocess.run(["chattr", "-i", *files], check=True))
    finally:
        if crm:
            subprocess.run(["chattr", "-i", str(Path(crm.env["DATABASE_URL"].removeprefix("sqlite:"))),
                            crm.env["DATABASE_URL"].removeprefix("sqlite:") + "-wal"], capture_output=True)
            crm.stop()
        sandbox.stop()
