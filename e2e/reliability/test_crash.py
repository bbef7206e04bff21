"""Crash: the app is killed with SIGKILL in the middle of a storm and restarted. Every delivery
answered 2xx is in the database, and re-sending the rest (Calendly retries what was not answered
2xx) brings the state to exactly the truth."""
import json
import sqlite3
import threading
import time

from harness import SOAK, Collector, delivered_invitees, Sandbox, compare_with_truth, crm_for, deliver, generate_traffic, report, storm_order
from test_storm import collected

OPERATIONS = 3_000 if SOAK else 300


def identity(body: bytes):
    envelope = json.loads(body)
    return envelope["event"], envelope["payload"]["uri"], envelope["created_at"]


def test_sigkill_mid_storm_loses_no_acknowledged_delivery():
    sandbox, collector = Sandbox(), Collector()
    crm = None
    try:
        collector.subscribe(sandbox)
        done = generate_traffic(sandbox, OPERATIONS, seed=11)
        bodies = collected(sandbox, collector, sum(done.values()) + done["reschedules"])
        crm = crm_for(sandbox)
        sent = storm_order(bodies, seed=12)
        results: list[int] = []
        sender = threading.Thread(target=lambda: results.extend(deliver(crm, sent, concurrency=32)))
        sender.start()
        # Kill once roughly a third has been answered.
        database = f"{crm.dir.name}/crm.sqlite"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=30) as db:
                if db.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] >= len(sent) // 3:
                    break
            time.sleep(0.05)
        crm.kill()
        sender.join()
        acknowledged = [body for body, status in zip(sent, results) if status == 200]
        unanswered = [body for body, status in zip(sent, results) if status != 200]

        crm.start()
        # Deliveries stored but not processed when the app died are finished at start-up.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=30) as db:
                if db.execute("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'").fetchone()[0] == 0:
                    break
            time.sleep(0.1)
        with sqlite3.connect(database, timeout=30) as db:
            stored = {tuple(row) for row in db.execute("SELECT event, invitee_uri, envelope_created_at FROM webhook_deliveries")}
            pending = db.execute("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'").fetchone()[0]
        lost = [identity(body) for body in acknowledged if identity(body) not in stored]

        # Calendly retries what was not acknowledged.
        retried = deliver(crm, unanswered, concurrency=32)
        checked, problems = compare_with_truth(crm, sandbox.truth(), only=delivered_invitees(bodies))
        report("crash", 0 if (lost or problems) else checked, len(lost) + len(problems), [
            f"generated {done}; sent {len(sent)} deliveries, killed after {len(acknowledged)} were answered 200",
            f"after restart: {len(stored)} distinct deliveries stored, {pending} still pending, {len(lost)} acknowledged but missing",
            f"re-sent {len(unanswered)} unanswered: {sum(1 for s in retried if s == 200)} answered 200",
            f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences",
            *[f"lost {item}" for item in lost[:10]], *problems[:20],
        ])
        assert acknowledged and unanswered, "the kill should land mid-storm"
        assert not lost
        assert all(status == 200 for status in retried)
        assert not problems
    finally:
        if crm:
            crm.stop()
        collector.stop()
        sandbox.stop()
