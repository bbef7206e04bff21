"""The app's real answers match /api/openapi.json, and the document describes every /api route.

Each operation is called over HTTP on a running `crm serve` for its success and error cases,
and every answer is validated with openapi-core against the document the app serves."""
import hashlib
import hmac
import re
import sqlite3
import time
import uuid

import jsonschema
import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from crm_server import CRMServer, free_port


@pytest.fixture(scope="module")
def crm():
    server = CRMServer("--calendly-sandbox", "--sandbox-port", str(free_port()), env={"CALENDLY_SYNC_INTERVAL": "0"})
    yield server
    server.stop()


def signed(crm, body: bytes) -> dict:
    """Headers for a webhook delivery signed with the key the app stored when it subscribed."""
    with sqlite3.connect(f"{crm.dir.name}/crm.sqlite") as db:
        [key] = db.execute("SELECT signing_key FROM calendly_connections WHERE key = 'sandbox'").fetchone()
    stamp = str(int(time.time()))
    mac = hmac.new(key.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "Calendly-Webhook-Signature": f"t={stamp},v1={mac}"}


@pytest.fixture(scope="module")
def document(crm):
    return crm.api.get(f"{crm.base}/api/openapi.json").json()


@pytest.fixture(scope="module")
def openapi(document):
    return OpenAPI.from_dict(document)


class Checked:
    """Sends requests and validates each answer against the document; records what was covered."""

    def __init__(self, crm, openapi, document):
        self.crm, self.openapi, self.document = crm, openapi, document
        self.covered: set[tuple[str, str, int]] = set()

    def send(self, method: str, path: str, expect: int, auth: bool = True, documented: bool = True, **kwargs) -> requests.Response:
        session = self.crm.api if auth else requests.Session()
        response = session.request(method, f"{self.crm.base}{path}", **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
        if documented:
            self.openapi.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
        else:
            # A method the path does not take has no operation to validate against; it still
            # answers with the documented error shape.
            error_schema = self.document["components"]["schemas"]["Error"]
            jsonschema.validate(response.json(), error_schema)
        self.covered.add((method, path, expect))
        return response


def test_every_operation_answers_as_documented(crm, openapi, document):
    c = Checked(crm, openapi, document)
    c.send("GET", "/api/health", 200, auth=False)
    c.send("GET", "/api/openapi.json", 200)
    c.send("GET", "/api/openapi.json", 401, auth=False)

    student = c.send("POST", "/api/students", 201, json={"name": "Rosalind Franklin", "email": "rf@kings.example"}).json()
    sid = student["id"]
    c.send("POST", "/api/students", 409, json={"name": "Copy", "email": "RF@kings.example"})
    c.send("POST", "/api/students", 422, json={"name": ""})
    c.send("POST", "/api/students", 400, data="not json", headers={"Content-Type": "application/json"})
    c.send("POST", "/api/students", 401, auth=False, json={"name": "X"})
    c.send("POST", "/api/students", 413, data="x" * (3 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    c.send("GET", "/api/students", 200, params={"q": "rosalind", "limit": 10})
    c.send("GET", "/api/students", 400, params={"limit": "many"})
    c.send("GET", f"/api/students/{sid}", 200)
    c.send("GET", "/api/students/not-a-uuid", 400)
    c.send("GET", f"/api/students/{uuid.uuid4()}", 404)
    c.send("PATCH", f"/api/students/{sid}", 200, json={"phone": "+44 20 0000 0000"})
    c.send("PATCH", f"/api/students/{sid}", 422, json={"email": "nope"})

    consultation = c.send("POST", "/api/consultations", 201, json={
        "student_id": sid, "type": "Mentoring", "consultation_date": "2031-01-02T10:00:00Z", "duration": 30}).json()
    cid = consultation["id"]
    c.send("POST", "/api/consultations", 422, json={
        "student_id": sid, "type": "Mentoring", "consultation_date": "2031-01-02T10:00:00Z", "duration": 0})
    c.send("POST", "/api/consultations", 400, json={
        "student_id": sid, "type": "Mentoring", "consultation_date": "soon", "duration": 30})
    c.send("GET", "/api/consultations", 200, params={"student_id": sid, "status": "scheduled"})
    c.send("GET", "/api/consultations", 400, params={"from": "yesterday"})
    c.send("GET", f"/api/consultations/{cid}", 200)
    c.send("GET", f"/api/consultations/{uuid.uuid4()}", 404)
    c.send("PATCH", f"/api/consultations/{cid}", 200, json={"notes": "Good session"})
    c.send("PATCH", f"/api/consultations/{cid}", 422, json={"status": "completed"})  # it has not started
    held = c.send("POST", "/api/consultations", 201, json={
        "student_id": sid, "type": "Mentoring", "consultation_date": "2024-01-02T10:00:00Z", "duration": 30}).json()
    c.send("PATCH", f"/api/consultations/{held['id']}", 200, json={"status": "completed"})
    c.send("PATCH", f"/api/consultations/{cid}", 422, json={"status": "maybe"})
    follow_up = c.send("POST", "/api/follow-ups", 201, json={
        "consultation_id": held["id"], "text": "Send the reading list", "owner": "mentor", "due_on": "2031-01-10"}).json()
    fid = follow_up["id"]
    c.send("POST", "/api/follow-ups", 201, json={"student_id": sid, "text": "Draft the essay", "owner": "student"})
    c.send("POST", "/api/follow-ups", 422, json={"student_id": sid, "text": "x", "due_on": "2031-02-30"})
    c.send("POST", "/api/follow-ups", 422, json={"student_id": sid, "text": ""})
    c.send("POST", "/api/follow-ups", 404, json={"student_id": str(uuid.uuid4()), "text": "x"})
    c.send("POST", "/api/follow-ups", 400, json={"student_id": sid, "text": 7})
    c.send("GET", "/api/follow-ups", 200, params={"student_id": sid, "state": "all"})
    c.send("GET", "/api/follow-ups", 400, params={"state": "someday"})
    c.send("GET", f"/api/follow-ups/{fid}", 200)
    c.send("GET", f"/api/follow-ups/{uuid.uuid4()}", 404)
    c.send("PATCH", f"/api/follow-ups/{fid}", 200, json={"done": True})
    c.send("PATCH", f"/api/follow-ups/{fid}", 200, json={"due_on": None, "done": False})
    c.send("PATCH", f"/api/follow-ups/{fid}", 422, json={"owner": "parent"})
    read = c.send("GET", f"/api/consultations/{held['id']}", 200).json()
    assert [f["id"] for f in read["follow_ups"]] == [fid]
    assert len(c.send("GET", f"/api/students/{sid}", 200).json()["open_follow_ups"]) == 2
    brief = c.send("GET", f"/api/consultations/{cid}/brief", 200).json()
    assert brief["first_meeting"] is False and brief["previous"][0]["id"] == held["id"]
    c.send("GET", f"/api/consultations/{uuid.uuid4()}/brief", 404)
    c.send("GET", "/api/consultations/7/brief", 400)
    c.send("DELETE", f"/api/follow-ups/{fid}", 204)
    c.send("DELETE", f"/api/follow-ups/{fid}", 404)
    today = c.send("GET", "/api/today", 200).json()
    assert len(today["attendance"]) == 12
    c.send("GET", "/api/today", 401, auth=False)
    c.send("GET", "/api/calendar/meetings/upcoming", 200, params={"limit": 5})
    c.send("GET", "/api/calendar/meetings/upcoming", 400, params={"student_id": "7"})
    c.send("PUT", "/api/students", 405, documented=False)
    c.send("GET", "/api/calendar/config/calendly", 200)
    c.send("GET", "/api/calendar/config/calendly", 200, params={"fresh": "true"})
    c.send("GET", "/api/calendar/config/calendly", 401, auth=False)
    c.send("POST", "/api/calendar/meetings/sync", 200)
    c.send("POST", "/api/calendar/meetings/sync", 400, json={"invitee_uri": "https://example.com/not-an-invitee"})
    c.send("POST", "/api/calendar/meetings/sync", 404,
           json={"invitee_uri": f"{crm.base.rsplit(':', 1)[0]}:1/scheduled_events/{uuid.uuid4()}/invitees/{uuid.uuid4()}"})
    body = b'{"event":"routing_form_submission.created","created_at":"2031-01-01T00:00:00Z","payload":{"uri":"x"}}'
    c.send("POST", "/api/calendar/webhook/calendly", 200, auth=False, data=body, headers=signed(crm, body))
    c.send("POST", "/api/calendar/webhook/calendly", 401, auth=False, data=body,
           headers={"Content-Type": "application/json", "Calendly-Webhook-Signature": "t=1,v1=00"})
    # Acting on Calendly (SPEC 4.5): open times, a booking, a single-use link, the host's cancel.
    event_type = next(t["uri"] for t in c.send("GET", "/api/calendar/config/calendly", 200).json()["event_types"])
    times = c.send("GET", "/api/calendar/event-types/available-times", 200, params={"event_type": event_type}).json()["times"]
    c.send("GET", "/api/calendar/event-types/available-times", 422, params={"event_type": "https://api.calendly.com/event_types/x"})
    c.send("GET", "/api/calendar/event-types/available-times", 400, params={"event_type": event_type, "from": "soon"})
    booker = c.send("POST", "/api/students", 201, json={"name": "Lena Vogel", "email": "lena.vogel@student.example"}).json()
    booked = c.send("POST", "/api/calendar/meetings/book", 201, json={
        "student_id": booker["id"], "event_type": event_type, "start_time": times[0]["start_time"]}).json()
    c.send("POST", "/api/calendar/meetings/book", 409, json={
        "student_id": sid, "event_type": event_type, "start_time": times[0]["start_time"]})
    c.send("POST", "/api/calendar/meetings/book", 422, json={"student_id": "7", "event_type": event_type, "start_time": times[1]["start_time"]})
    c.send("POST", "/api/calendar/meetings/book", 400, json={"student_id": booker["id"], "event_type": 7})
    link = c.send("POST", "/api/calendar/scheduling-links", 201, json={"student_id": booker["id"], "event_type": event_type}).json()
    assert "utm_content=student-" + booker["id"] in link["booking_url"]
    c.send("POST", "/api/calendar/scheduling-links", 422, json={"student_id": str(uuid.uuid4()), "event_type": event_type})
    c.send("POST", f"/api/consultations/{booked['id']}/no-show/send", 200)
    c.send("POST", f"/api/consultations/{booked['id']}/cancellation", 200, json={"reason": "Travelling"})
    c.send("POST", f"/api/consultations/{booked['id']}/cancellation", 409, json={"reason": "Twice"})
    c.send("POST", f"/api/consultations/{cid}/cancellation", 422)
    c.send("POST", f"/api/consultations/{uuid.uuid4()}/cancellation", 404)
    imported = c.send("POST", "/api/students/import", 200, data="name,email\r\nImported Student,imported@student.example\r\n".encode(),
                      headers={"Content-Type": "text/csv"}).json()
    assert imported["dry_run"] is True and imported["rows"][0]["action"] == "create"
    c.send("POST", "/api/students/import", 422, data=b"email\r\nx@y.example\r\n", headers={"Content-Type": "text/csv"})
    c.send("GET", "/api/export/students.csv", 200)
    c.send("GET", "/api/export/consultations.csv", 200)
    c.send("GET", "/api/export.json", 200)
    c.send("GET", "/api/export.json", 401, auth=False)
    found = c.send("GET", "/api/search", 200, params={"q": "lena VOGEL"}).json()["results"]
    assert {r["kind"] for r in found} == {"student", "consultation"}, found
    c.send("GET", "/api/search", 200, params={"q": 'NEAR( "lena -vogel* AND ((', "limit": "100"})
    c.send("GET", "/api/search", 200)
    c.send("GET", "/api/search", 400, params={"q": "lena", "limit": "101"})
    c.send("GET", "/api/search", 401, auth=False)
    feed = c.send("POST", "/api/calendar/feed", 201).json()
    assert feed["url"].endswith("/consultations.ics")
    c.send("DELETE", "/api/calendar/feed", 204)
    c.send("POST", "/api/calendar/feed", 401, auth=False)
    c.send("DELETE", f"/api/consultations/{cid}", 204)
    c.send("DELETE", f"/api/students/{sid}", 200)
    c.send("POST", f"/api/students/{sid}/restore", 200)
    c.send("POST", f"/api/students/{uuid.uuid4()}/restore", 404)
    c.send("DELETE", f"/api/students/{sid}", 204, params={"purge": "true"})
    c.send("DELETE", f"/api/students/{sid}", 404)

    documented = {(m.upper(), p) for p, ops in document["paths"].items()
                  for m in ops if m in ("get", "post", "patch", "delete", "put")}
    exercised = {(m, re.sub(r"/[0-9a-fA-F-]{36}(?=/|$)", "/{id}", p)) for m, p, status in c.covered if 200 <= status < 300}
    assert not documented - exercised, f"documented operations never answered with success: {sorted(documented - exercised)}"


def test_document_describes_every_api_route(crm):
    listing = crm.run("routes")
    routes = set()
    for line in listing.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in ("GET", "POST", "PATCH", "DELETE", "PUT") and cells[1].startswith("/api"):
            routes.add((cells[0], re.sub(r":(\w+)", r"{\1}", cells[1])))
    assert routes, f"could not read `crm routes`:\n{listing}"
    document = crm.api.get(f"{crm.base}/api/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops if m != "parameters"}
    assert routes == documented, f"undocumented: {sorted(routes - documented)}; stale: {sorted(documented - routes)}"
