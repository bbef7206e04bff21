"""Fuzz: correctly signed but malformed or hostile bodies, and as many unsigned ones. No 5xx, no
crash, and nothing is applied from the unsigned ones."""
import json
import random
import sqlite3

from harness import SOAK, Sandbox, crm_for, deliver, report

COUNT = 2_000 if SOAK else 2_000


def hostile_bodies(count: int, seed: int = 5) -> list[bytes]:
    rng = random.Random(seed)
    booking = {"uri": "https://api.calendly.com/scheduled_events/E/invitees/I", "email": "x@y.z", "name": "N",
               "scheduled_event": {"uri": "https://api.calendly.com/scheduled_events/E",
                                   "start_time": "2031-01-01T10:00:00Z", "end_time": "2031-01-01T10:30:00Z"}}
    makers = [
        lambda: b"",
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 400))),
        lambda: b"\xff\xfe\xfd" + "not utf8 \u00e9".encode("latin-1"),
        lambda: json.dumps(rng.choice([None, 1, "s", [], True])).encode(),
        lambda: json.dumps({"event": rng.choice([1, None, [], {}, "invitee.created"]), "created_at": rng.choice([1, "x", None]),
                            "payload": rng.choice([None, 5, "p", [], {}])}).encode(),
        lambda: json.dumps({"event": "invitee.created", "created_at": "2031-01-01T00:00:00Z",
                            "payload": {**booking, "scheduled_event": {**booking["scheduled_event"], "start_time": rng.choice([5, "soon", None])}}}).encode(),
        lambda: json.dumps({"event": "invitee.created", "created_at": "2031-01-01T00:00:00Z",
                            "payload": {**booking, "name": "x" * rng.randrange(10_000, 200_000)}}).encode(),
        lambda: b'{"event":"invitee.created","payload":' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        lambda: json.dumps({"event": "invitee.created", "created_at": "2031-01-01T00:00:00Z",
                            "payload": {**booking, "uri": f"<script>alert({rng.random()})</script>",
                                        "name": "<img src=x onerror=alert(1)>", "questions_and_answers": [{"question": "<b>", "answer": "</textarea><script>"}]}}).encode(),
        lambda: json.dumps({"event": rng.choice(["invitee_no_show.created", "invitee.canceled", "routing_form_submission.created"]),
                            "created_at": "2031-01-01T00:00:00Z", "payload": {"uri": rng.choice(["", "x", 7])}}).encode(),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def test_hostile_bodies_never_break_the_receiver():
    sandbox = Sandbox()
    crm = None
    try:
        crm = crm_for(sandbox)
        database = f"{crm.dir.name}/crm.sqlite"
        signed = hostile_bodies(COUNT)
        signed_statuses = deliver(crm, signed, concurrency=16)
        with sqlite3.connect(database, timeout=30) as db:
            stored_after_signed = db.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0]
            consultations_after_signed = db.execute("SELECT count(*) FROM consultations").fetchone()[0]
        unsigned = hostile_bodies(COUNT, seed=6)
        unsigned_statuses = deliver(crm, unsigned, concurrency=16, signed=False)
        with sqlite3.connect(database, timeout=30) as db:
            stored_after_unsigned = db.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0]
            consultations_after_unsigned = db.execute("SELECT count(*) FROM consultations").fetchone()[0]
        healthy = crm.api.get(f"{crm.base}/api/health").status_code == 200
        alive = crm.process.poll() is None

        server_errors = [s for s in signed_statuses + unsigned_statuses if s >= 500 or s == 0]
        signed_ok = [s for s in signed_statuses if s in (200, 413)]
        unsigned_refused = [s for s in unsigned_statuses if s == 401]
        failed = len(server_errors) + (len(signed) - len(signed_ok)) + (len(unsigned) - len(unsigned_refused)) \
            + (stored_after_unsigned != stored_after_signed) + (consultations_after_unsigned != consultations_after_signed) \
            + (not healthy) + (not alive)
        report("fuzz", len(signed) + len(unsigned) - failed, failed, [
            f"sent {len(signed)} signed hostile bodies: {sorted(set(signed_statuses))} → {len(signed_ok)} stored or refused as too large",
            f"sent {len(unsigned)} unsigned bodies: {len(unsigned_refused)} × 401; deliveries stored {stored_after_signed} → {stored_after_unsigned}, "
            f"consultations {consultations_after_signed} → {consultations_after_unsigned}",
            f"5xx or no answer: {len(server_errors)}; health after: {healthy}; process alive: {alive}",
        ])
        assert not server_errors
        assert len(signed_ok) == len(signed)
        assert len(unsigned_refused) == len(unsigned)
        assert stored_after_unsigned == stored_after_signed
        assert consultations_after_unsigned == consultations_after_signed
        assert healthy and alive
    finally:
        if crm:
            crm.stop()
        sandbox.stop()
