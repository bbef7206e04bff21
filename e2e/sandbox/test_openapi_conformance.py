"""Every sandbox endpoint's success and error answers, validated against Calendly's own
OpenAPI document (../shared/calendly/openapi.yaml) with openapi-core. Skipped, by name, when
that file is absent: the project does not ship a copy of Calendly's document."""
import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import yaml
from jsonschema import Draft4Validator
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "calendly" / "openapi.yaml"
pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(),
                                reason=f"Calendly's OpenAPI document not found at {SPEC_PATH}")

# (method, path template, status) pairs this module proves; the last test checks none was skipped.
EXPECTED = {
    ("GET", "/users/me", 200), ("GET", "/users/me", 401),
    ("GET", "/users/{uuid}", 200), ("GET", "/users/{uuid}", 404),
    ("GET", "/organization_memberships", 200), ("GET", "/organization_memberships", 400),
    ("GET", "/event_types", 200), ("GET", "/event_types", 400), ("GET", "/event_types", 403),
    ("GET", "/event_types/{uuid}", 200), ("GET", "/event_types/{uuid}", 404),
    ("GET", "/scheduled_events", 200), ("GET", "/scheduled_events", 400), ("GET", "/scheduled_events", 401),
    ("GET", "/scheduled_events", 403),
    ("GET", "/scheduled_events/{uuid}", 200), ("GET", "/scheduled_events/{uuid}", 404),
    ("GET", "/scheduled_events/{uuid}/invitees", 200), ("GET", "/scheduled_events/{uuid}/invitees", 400),
    ("GET", "/scheduled_events/{uuid}/invitees", 404),
    ("GET", "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", 200),
    ("GET", "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", 404),
    ("POST", "/scheduled_events/{uuid}/cancellation", 201), ("POST", "/scheduled_events/{uuid}/cancellation", 403),
    ("POST", "/scheduled_events/{uuid}/cancellation", 404),
    ("POST", "/invitee_no_shows", 201), ("POST", "/invitee_no_shows", 400), ("POST", "/invitee_no_shows", 404),
    ("GET", "/invitee_no_shows/{uuid}", 200), ("GET", "/invitee_no_shows/{uuid}", 404),
    ("DELETE", "/invitee_no_shows/{uuid}", 204), ("DELETE", "/invitee_no_shows/{uuid}", 404),
    ("POST", "/webhook_subscriptions", 201), ("POST", "/webhook_subscriptions", 400),
    ("POST", "/webhook_subscriptions", 403), ("POST", "/webhook_subscriptions", 409),
    ("GET", "/webhook_subscriptions", 200), ("GET", "/webhook_subscriptions", 400),
    ("GET", "/webhook_subscriptions/{webhook_uuid}", 200), ("GET", "/webhook_subscriptions/{webhook_uuid}", 404),
    ("DELETE", "/webhook_subscriptions/{webhook_uuid}", 204), ("DELETE", "/webhook_subscriptions/{webhook_uuid}", 404),
    ("GET", "/event_type_available_times", 200), ("GET", "/event_type_available_times", 400),
    ("GET", "/event_type_available_times", 404),
    ("POST", "/scheduling_links", 201), ("POST", "/scheduling_links", 400), ("POST", "/scheduling_links", 404),
}
checked: set = set()


# REFERENCE-2026.md: since November 2026 a plan limit's 403 reads this; the 2024 document lists
# only the older wording, so it is added beside it (nothing is removed).
PLAN_LIMIT_2026 = "Please upgrade to a paid Calendly account."


def repair(node):
    """Fixes the one typo in Calendly's document that would break validation (the 401 answer's
    `enum` is a bare string instead of a list), and adds the 2026 wording of the plan-limit 403
    to the message enums that list the 2024 one. Nothing else is changed or loosened."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), str):
            node["enum"] = [node["enum"]]
        enum = node.get("enum")
        if isinstance(enum, list) and "Please upgrade your Calendly account to Professional" in enum and PLAN_LIMIT_2026 not in enum:
            enum.append(PLAN_LIMIT_2026)
        for value in node.values():
            repair(value)
    elif isinstance(node, list):
        for value in node:
            repair(value)
    return node


@pytest.fixture(scope="module")
def spec():
    return repair(yaml.safe_load(SPEC_PATH.read_text()))


def make_api(spec: dict, base: str) -> OpenAPI:
    document = copy.deepcopy(spec)
    document["servers"] = [{"url": base}]
    # Calendly's 2024 document fails openapi-spec-validator itself (an `enum` written as a
    # string, `value` keywords), so validate answers against it without validating it first.
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="module")
def api(spec, sandbox):
    return make_api(spec, sandbox.base)


def conforms(api: OpenAPI, answer: requests.Response, status: int, template: str) -> None:
    assert answer.status_code == status, f"{answer.request.method} {answer.url}: {answer.status_code} {answer.text[:300]}"
    api.validate_response(RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer))
    checked.add((answer.request.method, template, status))


def test_validator_really_rejects_a_wrong_answer(api, sandbox):
    # given a real answer with a required field removed
    answer = sandbox.get("/users/me")
    body = answer.json()
    del body["resource"]["scheduling_url"]
    answer._content = json.dumps(body).encode()
    # then the validator refuses it
    with pytest.raises(Exception):
        api.validate_response(RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer))


def test_users(api, sandbox):
    me = sandbox.get("/users/me")
    conforms(api, me, 200, "/users/me")
    conforms(api, requests.get(sandbox.base + "/users/me", timeout=10), 401, "/users/me")
    conforms(api, sandbox.get(me.json()["resource"]["uri"]), 200, "/users/{uuid}")
    conforms(api, sandbox.get("/users/00000000-0000-4000-8000-000000000000"), 404, "/users/{uuid}")


def test_memberships(api, sandbox):
    me = sandbox.me()
    conforms(api, sandbox.get("/organization_memberships", params={"user": me["uri"]}), 200, "/organization_memberships")
    conforms(api, sandbox.get("/organization_memberships", params={"organization": me["current_organization"]}),
             200, "/organization_memberships")
    conforms(api, sandbox.get("/organization_memberships"), 400, "/organization_memberships")


def test_event_types(api, sandbox):
    me = sandbox.me()
    listed = sandbox.get("/event_types", params={"user": me["uri"], "count": 2})
    conforms(api, listed, 200, "/event_types")
    conforms(api, sandbox.get(listed.json()["pagination"]["next_page"]), 200, "/event_types")
    conforms(api, sandbox.get("/event_types", params={"organization": me["current_organization"], "active": "false"}),
             200, "/event_types")
    conforms(api, sandbox.get("/event_types"), 400, "/event_types")
    conforms(api, sandbox.get("/event_types", params={"user": me["uri"], "count": 101}), 400, "/event_types")
    conforms(api, sandbox.get("/event_types", params={"user": sandbox.base + "/users/someone-else"}), 403, "/event_types")
    uri = listed.json()["collection"][0]["uri"]
    conforms(api, sandbox.get(uri), 200, "/event_types/{uuid}")
    conforms(api, sandbox.get("/event_types/unknown"), 404, "/event_types/{uuid}")


def test_scheduled_events_and_invitees(api, sandbox):
    me = sandbox.me()
    for params in ({"user": me["uri"], "count": 100}, {"organization": me["current_organization"], "status": "canceled"},
                   {"user": me["uri"], "min_start_time": "2000-01-01T00:00:00.000000Z", "sort": "start_time:desc"}):
        conforms(api, sandbox.get("/scheduled_events", params=params), 200, "/scheduled_events")
    conforms(api, sandbox.get("/scheduled_events", params={"user": me["uri"], "status": "gone"}), 400, "/scheduled_events")
    conforms(api, requests.get(sandbox.base + "/scheduled_events", timeout=10), 401, "/scheduled_events")
    conforms(api, sandbox.get("/scheduled_events", params={"user": sandbox.base + "/users/x"}), 403, "/scheduled_events")
    events = sandbox.get("/scheduled_events", params={"user": me["uri"], "count": 100}).json()["collection"]
    for event in events:  # every seeded event: active, canceled, rescheduled, no-show
        conforms(api, sandbox.get(event["uri"]), 200, "/scheduled_events/{uuid}")
        invitees = sandbox.get(event["uri"] + "/invitees")
        conforms(api, invitees, 200, "/scheduled_events/{uuid}/invitees")
        for invitee in invitees.json()["collection"]:
            conforms(api, sandbox.get(invitee["uri"]), 200, "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}")
    conforms(api, sandbox.get("/scheduled_events/unknown"), 404, "/scheduled_events/{uuid}")
    conforms(api, sandbox.get(events[0]["uri"] + "/invitees", params={"count": 0}), 400, "/scheduled_events/{uuid}/invitees")
    conforms(api, sandbox.get("/scheduled_events/unknown/invitees"), 404, "/scheduled_events/{uuid}/invitees")
    conforms(api, sandbox.get(events[0]["uri"] + "/invitees/unknown"), 404,
             "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}")


def test_cancellation(api, sandbox):
    booked = sandbox.book()
    event_uri = booked["event"]["uri"]
    conforms(api, sandbox.post(event_uri + "/cancellation", {"reason": "Conflict"}), 201,
             "/scheduled_events/{uuid}/cancellation")
    again = sandbox.post(event_uri + "/cancellation", {})
    conforms(api, again, 403, "/scheduled_events/{uuid}/cancellation")
    assert again.json()["message"] == "Event is already canceled"
    conforms(api, sandbox.post("/scheduled_events/unknown/cancellation", {}), 404, "/scheduled_events/{uuid}/cancellation")


def test_no_shows(api, sandbox):
    invitee_uri = sandbox.book(name="No Show")["invitee"]["uri"]
    created = sandbox.post("/invitee_no_shows", {"invitee": invitee_uri})
    conforms(api, created, 201, "/invitee_no_shows")
    conforms(api, sandbox.post("/invitee_no_shows", {}), 400, "/invitee_no_shows")
    conforms(api, sandbox.post("/invitee_no_shows", {"invitee": sandbox.base + "/scheduled_events/a/invitees/b"}),
             404, "/invitee_no_shows")
    uri = created.json()["resource"]["uri"]
    conforms(api, sandbox.get(uri), 200, "/invitee_no_shows/{uuid}")
    conforms(api, sandbox.get(invitee_uri), 200, "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}")
    conforms(api, sandbox.delete(uri), 204, "/invitee_no_shows/{uuid}")
    conforms(api, sandbox.get(uri), 404, "/invitee_no_shows/{uuid}")
    conforms(api, sandbox.delete(uri), 404, "/invitee_no_shows/{uuid}")


def test_webhook_subscriptions(api, sandbox):
    me = sandbox.me()
    body = {"url": "http://127.0.0.1:9/conformance", "events": ["invitee.created", "invitee.canceled"],
            "organization": me["current_organization"], "scope": "organization", "signing_key": "k"}
    created = sandbox.post("/webhook_subscriptions", body)
    conforms(api, created, 201, "/webhook_subscriptions")
    conforms(api, sandbox.post("/webhook_subscriptions", body), 409, "/webhook_subscriptions")
    conforms(api, sandbox.post("/webhook_subscriptions", {"url": "x"}), 400, "/webhook_subscriptions")
    params = {"organization": me["current_organization"], "scope": "organization"}
    conforms(api, sandbox.get("/webhook_subscriptions", params=params), 200, "/webhook_subscriptions")
    conforms(api, sandbox.get("/webhook_subscriptions", params={"scope": "organization"}), 400, "/webhook_subscriptions")
    uri = created.json()["resource"]["uri"]
    conforms(api, sandbox.get(uri), 200, "/webhook_subscriptions/{webhook_uuid}")
    conforms(api, sandbox.delete(uri), 204, "/webhook_subscriptions/{webhook_uuid}")
    conforms(api, sandbox.get(uri), 404, "/webhook_subscriptions/{webhook_uuid}")
    conforms(api, sandbox.delete(uri), 404, "/webhook_subscriptions/{webhook_uuid}")


def test_free_plan_refuses_webhooks(spec, free_plan_sandbox):
    api = make_api(spec, free_plan_sandbox.base)
    me = free_plan_sandbox.me()
    answer = free_plan_sandbox.post("/webhook_subscriptions", {
        "url": "http://127.0.0.1:9/free", "events": ["invitee.created"],
        "organization": me["current_organization"], "scope": "organization"})
    conforms(api, answer, 403, "/webhook_subscriptions")
    assert answer.json()["message"] == "Please upgrade to a paid Calendly account."


def test_rate_limit_answers_use_the_error_schema(spec, sandbox):
    # The 2024 document lists no 429 answers; its body is still Calendly's ErrorResponse.
    sandbox.control("POST", "/misbehaviour", {"rate_limit_rate": 1})
    try:
        answer = sandbox.get("/users/me")
    finally:
        sandbox.control("POST", "/misbehaviour", {"reset": True})
    assert answer.status_code == 429
    assert int(answer.headers["X-RateLimit-Reset"]) >= 1
    Draft4Validator(spec["components"]["schemas"]["ErrorResponse"]).validate(answer.json())


def test_webhook_payloads_match_the_webhook_payload_schema(spec, sandbox, receiver):
    # given a subscription and a booking that is then rescheduled
    me = sandbox.me()
    created = sandbox.post("/webhook_subscriptions", {
        "url": receiver.url, "events": ["invitee.created", "invitee.canceled"],
        "organization": me["current_organization"], "scope": "organization", "signing_key": "py-key"})
    assert created.status_code == 201
    try:
        booked = sandbox.book(name="Hook Student", email="hook@student.example")
        slots = sandbox.control("GET", "/slots?event_type=consultation-30").json()["slots"]
        uuid = booked["invitee"]["uri"].rsplit("/", 1)[1]
        assert sandbox.control("POST", f"/invitees/{uuid}/reschedule", {"start_time": slots[-1]}).status_code == 201
        deliveries = receiver.wait_for(3)
    finally:
        sandbox.delete(created.json()["resource"]["uri"])
    # then each envelope validates against WebhookPayload (with its refs resolved)
    from openapi_schema_validator import OAS30Validator, oas30_format_checker
    schema = {"components": spec["components"], "$ref": "#/components/schemas/WebhookPayload"}
    validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    assert [d["json"]["event"] for d in deliveries] == ["invitee.created", "invitee.canceled", "invitee.created"]
    for delivery in deliveries:
        validator.validate(delivery["json"])


def utc(offset: timedelta) -> str:
    return (datetime.now(timezone.utc) + offset).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_scheduling_api(api, sandbox):
    # Open times and single-use links are in the 2024 document (POST /invitees is not: the Swift
    # tests check its shape against REFERENCE-2026.md). The 2024 text caps a range at 7 days;
    # since July 2026 it is 31.
    me = sandbox.me()
    type_uri = sandbox.get("/event_types", params={"user": me["uri"], "active": "true"}).json()["collection"][0]["uri"]
    times = sandbox.get("/event_type_available_times", params={
        "event_type": type_uri, "start_time": utc(timedelta(minutes=1)), "end_time": utc(timedelta(days=31))})
    conforms(api, times, 200, "/event_type_available_times")
    assert times.json()["collection"]
    conforms(api, sandbox.get("/event_type_available_times", params={"event_type": type_uri}), 400,
             "/event_type_available_times")
    conforms(api, sandbox.get("/event_type_available_times", params={
        "event_type": type_uri, "start_time": utc(timedelta(minutes=1)), "end_time": utc(timedelta(days=32))}),
        400, "/event_type_available_times")
    conforms(api, sandbox.get("/event_type_available_times", params={
        "event_type": sandbox.base + "/event_types/unknown", "start_time": utc(timedelta(minutes=1)),
        "end_time": utc(timedelta(days=1))}), 404, "/event_type_available_times")

    link = {"max_event_count": 1, "owner": type_uri, "owner_type": "EventType"}
    conforms(api, sandbox.post("/scheduling_links", link), 201, "/scheduling_links")
    conforms(api, sandbox.post("/scheduling_links", {**link, "max_event_count": 2}), 400, "/scheduling_links")
    conforms(api, sandbox.post("/scheduling_links", {**link, "owner": sandbox.base + "/event_types/unknown"}), 404,
             "/scheduling_links")

    # An invitee booked directly, then asked to reconfirm, still reads as the 2024 Invitee.
    booked = sandbox.post("/invitees", {
        "event_type": type_uri, "start_time": times.json()["collection"][0]["start_time"],
        "invitee": {"email": "direct@student.example", "timezone": "Europe/Berlin", "name": "Direct Student"}})
    assert booked.status_code == 201, booked.text
    invitee_uri = booked.json()["resource"]["uri"]
    sandbox.control("POST", f"/invitees/{invitee_uri.rsplit('/', 1)[1]}/reconfirmation")
    conforms(api, sandbox.get(invitee_uri), 200, "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}")


def test_every_endpoint_and_status_was_checked():
    missing = EXPECTED - checked
    assert not missing, f"not exercised: {sorted(missing)}"
