"""A request body that arrives in pieces (a slow link, a big form) is read whole before it is used:
the consultation form and the JSON API both store exactly the notes sent, however the bytes trickle in.
Sent over raw sockets so that each piece really is its own TCP send, 50 ms apart."""
import json
import urllib.parse

import pytest

from crm_server import CRMServer
from security.crm_web import add_consultation, add_student, cookie_header, request_head, send_slowly, sign_in

LINE = "Draft chapter 3: methods & results = 42% done; next + review <ok>? \"yes\" / 'no' ~ done.\n"


def notes_of(length: int) -> str:
    text = (LINE * (length // len(LINE) + 1))[:length]
    return text[:-1] + "!"  # the server trims surrounding whitespace; end on a visible character


@pytest.fixture(scope="module")
def crm():
    server = CRMServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(crm):
    return sign_in(crm)


@pytest.fixture
def consultation(crm):
    return add_consultation(crm, add_student(crm)["id"])


def stored_notes(crm, consultation) -> str:
    return crm.api.get(f"{crm.base}/api/consultations/{consultation['id']}", timeout=30).json()["notes"]


def post_form_slowly(crm, browser, consultation, notes: str, piece: int):
    session, csrf = browser
    form = {"type": "Thesis review", "topic": "Chapter 3", "notes": notes, "follow_up_notes": "Send the draft",
            "csrf_token": csrf}
    body = urllib.parse.urlencode(form).encode()
    head = request_head("POST", f"/consultations/{consultation['id']}", crm.port, body_length=len(body), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(session)})
    return send_slowly(crm.port, head, body, piece=piece, delay=0.05)


# 99,000 characters is near the SPEC's 100,000 limit; 15,000 is also under the older 20,000 one.
@pytest.mark.parametrize("length", [99_000, 15_000])
def test_a_big_form_sent_in_1500_byte_pieces_is_saved_whole(crm, browser, consultation, length):
    notes = notes_of(length)
    answer = post_form_slowly(crm, browser, consultation, notes, piece=1500)
    assert answer.status == 303, answer.summary()
    assert stored_notes(crm, consultation) == notes


def test_a_small_form_sent_in_40_byte_pieces_is_saved_whole(crm, browser, consultation):
    answer = post_form_slowly(crm, browser, consultation, "Short notes.", piece=40)
    assert answer.status == 303, answer.summary()
    assert stored_notes(crm, consultation) == "Short notes."


@pytest.mark.parametrize("length", [99_000, 15_000])
@pytest.mark.parametrize("auth", ["cookie", "bearer"])
def test_a_big_json_patch_sent_in_1500_byte_pieces_is_saved_whole(crm, browser, consultation, auth, length):
    notes = notes_of(length)
    body = json.dumps({"notes": notes}).encode()
    if auth == "cookie":
        session, csrf = browser
        headers = {"Cookie": cookie_header(session), "X-CSRF-Token": csrf}
    else:
        headers = {"Authorization": f"Bearer {crm.token}"}
    head = request_head("PATCH", f"/api/consultations/{consultation['id']}", crm.port, body_length=len(body),
                        headers={"Content-Type": "application/json", **headers})
    answer = send_slowly(crm.port, head, body, piece=1500, delay=0.05)
    assert answer.status == 200, answer.summary()
    assert stored_notes(crm, consultation) == notes
