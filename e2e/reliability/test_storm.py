"""Storm: the sandbox generates bookings, cancels, reschedule chains and no-show toggles; their
webhooks are delivered with 30% duplicates, in a shuffled order, 32 at once. Afterwards the app's
consultations equal the sandbox's truth, row for row."""
import time

import pytest

from harness import SOAK, Collector, delivered_invitees, Sandbox, compare_with_truth, crm_for, deliver, generate_traffic, report, storm_order

OPERATIONS = 10_000 if SOAK else 400


def collected(sandbox: Sandbox, collector: Collector, expected_at_least: int) -> list[bytes]:
    sandbox.control("POST", "/webhooks/flush")
    deadline = time.monotonic() + 120
    while len(collector.bodies) < expected_at_least and time.monotonic() < deadline:
        time.sleep(0.2)
    return list(collector.bodies)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_storm_ends_exactly_at_calendlys_truth(database, request):
    database_url = request.getfixturevalue("postgres_url") if database == "postgres" else None
    sandbox, collector = Sandbox(), Collector()
    crm = None
    try:
        collector.subscribe(sandbox)
        done = generate_traffic(sandbox, OPERATIONS)
        changes = sum(done.values()) + done["reschedules"]  # a reschedule is two deliveries
        bodies = collected(sandbox, collector, changes)
        crm = crm_for(sandbox, database_url)
        sent = storm_order(bodies)
        started = time.monotonic()
        statuses = deliver(crm, sent, concurrency=32)
        elapsed = time.monotonic() - started
        checked, problems = compare_with_truth(crm, sandbox.truth(), only=delivered_invitees(bodies))
        bad = [s for s in statuses if s != 200]
        report(f"storm ({database})", checked - len(problems) if not bad else 0, len(problems) + len(bad), [
            f"generated {done}",
            f"sent {len(sent)} deliveries ({len(bodies)} distinct, {len(sent) - len(bodies)} duplicates) 32 at once in {elapsed:.1f} s",
            f"answers: {len(statuses) - len(bad)} × 200, {len(bad)} other ({sorted(set(bad))})",
            f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences",
            *problems[:20],
        ])
        assert not bad
        assert not problems
    finally:
        if crm:
            crm.stop()
        collector.stop()
        sandbox.stop()
