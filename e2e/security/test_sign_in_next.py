"""Sign-in's `next` cannot smuggle control characters into the redirect: with CR/LF (header
injection, a planted session cookie), LF, TAB (`/\t/evil` is `//evil` to a browser), NUL or DEL,
the answer goes to the default page. Read over a raw socket, so the headers are seen as sent."""
import urllib.parse

import pytest

from crm_server import OWNER_EMAIL, OWNER_PASSWORD
from crm_web import cookie_header, raw_request, request_head, sign_in_page

HOSTILE = {
    "crlf": "/x\r\nSet-Cookie: crm_session=ATTACKER; Path=/\r\n\r\n",
    "lf": "/x\nSet-Cookie: crm_session=ATTACKER; Path=/",
    "tab": "/\t/evil.example",
    "nul": "/x\x00y",
    "del": "/x\x7fy",
}


def sign_in_raw(crm, next: str):
    session, csrf = sign_in_page(crm)
    body = urllib.parse.urlencode({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": csrf, "next": next}).encode()
    head = request_head("POST", "/sign-in", crm.port, body_length=len(body), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(session)})
    try:
        return raw_request(crm.port, head + body)
    except (ConnectionError, TimeoutError) as error:
        pytest.fail(f"no HTTP answer to sign-in with next={next!r}: {error}")


@pytest.mark.parametrize("name", HOSTILE)
def test_next_with_control_characters_goes_to_the_default_page(crm, name):
    answer = sign_in_raw(crm, HOSTILE[name])
    assert answer.status == 303, f"{answer.status}: {answer.head!r}"
    assert answer.header("Location") == ["/calendar"], answer.head
    assert not any(value.startswith("crm_session=ATTACKER") for value in answer.header("Set-Cookie")), answer.head


def test_a_plain_next_is_still_followed(crm):
    answer = sign_in_raw(crm, "/students?q=a")
    assert answer.status == 303
    assert answer.header("Location") == ["/students?q=a"]
