"""Signed Calendly webhook deliveries for the benchmark: distinct invitee.created bookings,
signed just before the run (signatures older than three minutes are refused)."""
import datetime
import hashlib
import hmac
import json
import time

WEBHOOK_KEY = "bench-webhook-signing-key-" + hashlib.sha256(b"personal-crm-bench").hexdigest()[:16]


def webhook_body(n, email, name, start):
    ev = f"b3c0{n:08x}-0000-4000-8000-{n:012x}"
    inv = f"1e70{n:08x}-0000-4000-8000-{n:012x}"
    event_uri = f"https://api.calendly.com/scheduled_events/{ev}"
    iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    created = time.time() - 5
    owner = "https://api.calendly.com/users/5b1e7c2a-9f0d-4c1e-8a3b-2f6d9e4a7c10"
    body = {
        "event": "invitee.created",
        "created_at": iso(created),
        "created_by": owner,
        "payload": {
            "uri": f"{event_uri}/invitees/{inv}",
            "event": event_uri,
            "email": email, "name": name, "first_name": None, "last_name": None,
            "status": "active", "timezone": "Europe/Berlin",
            "questions_and_answers": [{"question": "What would you like to discuss?",
                                       "answer": "Exam preparation plan", "position": 0}],
            "tracking": {"utm_campaign": None, "utm_source": "personal-crm", "utm_medium": None,
                         "utm_content": None, "utm_term": None, "salesforce_uuid": None},
            "text_reminder_number": None, "rescheduled": False, "old_invitee": None, "new_invitee": None,
            "cancel_url": f"https://calendly.com/cancellations/{inv}",
            "reschedule_url": f"https://calendly.com/reschedulings/{inv}",
            "routing_form_submission": None, "payment": None, "no_show": None, "reconfirmation": None,
            "scheduling_method": None, "invitee_scheduled_by": None,
            "created_at": iso(created - 0.5), "updated_at": iso(created - 0.5),
            "scheduled_event": {
                "uri": event_uri, "name": "Student consultation (30 min)", "status": "active",
                "start_time": iso(start), "end_time": iso(start + 1800),
                "event_type": "https://api.calendly.com/event_types/0d6c3f9e-2b7a-4f51-bc84-1e9a7d2c5f60",
                "location": {"type": "google_conference", "status": "pushed",
                             "join_url": f"https://meet.google.com/{ev[:3]}-{ev[4:8]}-{ev[9:12]}"},
                "invitees_counter": {"total": 1, "active": 1, "limit": 1},
                "created_at": iso(created - 0.6), "updated_at": iso(created - 0.6),
                "event_memberships": [{"user": owner, "user_email": "ana@tutoring.example", "user_name": "Ana Lindqvist"}],
                "event_guests": [], "meeting_notes_plain": None, "meeting_notes_html": None,
            },
        },
    }
    return json.dumps(body, separators=(",", ":"))


def build_webhooks(path, count, emails, start_index=0):
    """Builds `count` distinct bookings, half by existing students' emails and half by new ones, and
    signs them all with one timestamp taken now. Writes "<signature>\\t<body>" lines."""
    now = time.time()
    lines = []
    for i in range(count):
        n = start_index + i
        if i % 2 == 0:
            email, name = emails[(n * 7919) % len(emails)], "Existing Student"
        else:
            email, name = f"bench.invitee.{n}@new.example", f"Invitee {n}"
        start = now + 3600 + (n % 2160) * 3600  # the next 90 days, hourly slots
        lines.append((email, webhook_body(n, email, name, start)))
    t = int(time.time())
    with open(path, "w") as f:
        for _, body in lines:
            mac = hmac.new(WEBHOOK_KEY.encode(), f"{t}.".encode() + body.encode(), hashlib.sha256).hexdigest()
            f.write(f"t={t},v1={mac}\t{body}\n")
    return t
