"""The calendar feed (SPEC 12) read by a real iCalendar parser (`icalendar`), as a calendar app
reads it: every consultation's fields, folding of long lines with multi-byte characters, escaping,
a cancelled meeting, a changed meeting's higher SEQUENCE, and a revoked address answering 404."""
import time
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import requests

from crm_server import CRMServer, free_port


@pytest.fixture(scope="module")
def crm():
    server = CRMServer("--calendly-sandbox", "--sandbox-port", str(free_port()), env={"CALENDLY_SYNC_INTERVAL": "0"})
    yield server
    server.stop()


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feed_events(url: str) -> dict:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/calendar")
    raw = response.content
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, f"a line of {len(line)} octets: {line[:40]!r}"
        line.decode("utf-8")  # no character split across a fold
    calendar = icalendar.Calendar.from_ical(raw)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_as_a_calendar_app_reads_it(crm):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)
    student = crm.api.post(f"{crm.base}/api/students", json={"name": "Zoë Ångström, Ph.D.", "email": "zoe@student.example"}).json()
    topic = "Thesis; chapter 2, the \\ problem\nand the next step " + "— überprüfen 📚 " * 8
    manual = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student["id"], "type": "Mentoring", "consultation_date": iso(start), "duration": 45, "topic": topic}).json()

    # A Calendly meeting, booked and then canceled as the host.
    event_type = crm.api.get(f"{crm.base}/api/calendar/config/calendly").json()["event_types"][0]["uri"]
    times = crm.api.get(f"{crm.base}/api/calendar/event-types/available-times", params={"event_type": event_type}).json()["times"]
    booked = crm.api.post(f"{crm.base}/api/calendar/meetings/book",
                          json={"student_id": student["id"], "event_type": event_type, "start_time": times[0]["start_time"]})
    assert booked.status_code == 201, booked.text
    canceled = crm.api.post(f"{crm.base}/api/consultations/{booked.json()['id']}/cancellation", json={"reason": "Ill"})
    assert canceled.status_code == 200, canceled.text

    url = crm.api.post(f"{crm.base}/api/calendar/feed").json()["url"]
    events = feed_events(url)
    event = events[f"{manual['id'].lower()}@personal-crm"]
    assert str(event["SUMMARY"]) == "Mentoring with Zoë Ångström, Ph.D."
    assert str(event["DESCRIPTION"]) == manual["topic"] and manual["topic"] == topic.strip()
    assert event["DTSTART"].dt == start
    assert event["DTEND"].dt == start + timedelta(minutes=45)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/consultations/{manual['id']}")
    first_sequence = int(event["SEQUENCE"])

    gone = events[f"{booked.json()['id'].lower()}@personal-crm"]
    assert str(gone["STATUS"]) == "CANCELLED"

    # Changed later: a higher SEQUENCE, so calendar apps take the new version.
    time.sleep(1.1)
    assert crm.api.patch(f"{crm.base}/api/consultations/{manual['id']}", json={"topic": "Moved on to chapter 3"}).status_code == 200
    changed = feed_events(url)[f"{manual['id'].lower()}@personal-crm"]
    assert int(changed["SEQUENCE"]) > first_sequence
    assert str(changed["DESCRIPTION"]) == "Moved on to chapter 3"

    # Revoked: the address answers 404, as a wrong one does.
    assert requests.get(url.replace("/consultations.ics", "x/consultations.ics"), timeout=10).status_code == 404
    assert crm.api.delete(f"{crm.base}/api/calendar/feed").status_code == 204
    assert requests.get(url, timeout=10).status_code == 404
