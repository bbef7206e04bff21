"""The open Calendly webhook cannot be made to burn CPU or hold a connection: a signature header
with a thousand `v1=` entries is refused as malformed (not checked one HMAC of 1 MiB at a time),
and a stale signature is refused from the headers alone, without waiting for a 1 MiB body.

The stale request sends its first KiB of body: Vapor hands a request to the app only once a first
body byte (or its end) has arrived, so no Vapor app can answer a request that sent none.

1,200 entries is about the most that fits under the HTTP server's 80 KiB header limit (12,000 are
cut off by the HTTP layer with a reset before the app sees them); checking each against a 1 MiB body
costs the unfixed server about 0.6 s of CPU per request, a refusal as malformed about 0.01 s."""
import os
import secrets
import socket
import time

import pytest

from crm_web import read_response, request_head

CRM_ENV = {"CALENDLY_WEBHOOK_SECRET": "some-secret"}
PATH = "/api/calendar/webhook/calendly"
MIB = 1024 * 1024


def answer_within(crm, data: bytes, seconds: float):
    with socket.create_connection(("127.0.0.1", crm.port), timeout=seconds) as sock:
        started = time.monotonic()
        try:
            sock.sendall(data)
            return read_response(sock)
        except (TimeoutError, socket.timeout):
            pytest.fail(f"no answer within {seconds} s")
        except ConnectionError as error:
            pytest.fail(f"connection closed without an answer after {time.monotonic() - started:.1f} s: {error}")


def cpu_seconds(crm) -> float:
    fields = open(f"/proc/{crm.process.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_stale_signature_is_refused_without_waiting_for_the_rest_of_the_body(crm):
    signature = f"t={int(time.time()) - 3600},v1={secrets.token_hex(32)}"
    head = request_head("POST", PATH, crm.port, body_length=MIB, headers={
        "Content-Type": "application/json", "Calendly-Webhook-Signature": signature})
    answer = answer_within(crm, head + b"{" * 1024, seconds=10)
    assert answer.status == 401, answer.head


def test_a_thousand_signatures_are_refused_without_checking_each(crm):
    entries = ",".join(f"v1={secrets.token_hex(32)}" for _ in range(1_200))
    body = b'{"event":"invitee.created","payload":{"x":"' + b"a" * (MIB - 100) + b'"}}'
    head = request_head("POST", PATH, crm.port, body_length=len(body), headers={
        "Content-Type": "application/json", "Calendly-Webhook-Signature": f"t={int(time.time())},{entries}"})
    before = cpu_seconds(crm)
    answer = answer_within(crm, head + body, seconds=30)
    time.sleep(0.1)
    spent = cpu_seconds(crm) - before
    assert answer.status == 401, answer.head
    assert spent < 0.2, f"the server spent {spent:.2f} s of CPU refusing one request"
