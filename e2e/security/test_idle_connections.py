"""Connections that say nothing cannot pile up: the server still answers while 8 connections sit idle,
and closes each idle one within 40 s; a request whose body stops arriving is closed (or answered 408)
within 70 s."""
import select
import socket
import time

import pytest
import requests

from crm_web import request_head


def wait_for_close(socks: list[socket.socket], seconds: float) -> list[socket.socket]:
    """Waits until the server closes each socket or `seconds` pass; returns those still open."""
    deadline = time.monotonic() + seconds
    open_socks = list(socks)
    while open_socks and time.monotonic() < deadline:
        readable, _, _ = select.select(open_socks, [], [], max(0.0, deadline - time.monotonic()))
        for sock in readable:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, OSError):
                data = b""
            if not data or data.startswith(b"HTTP/1.1 408"):
                open_socks.remove(sock)
    return open_socks


def test_idle_connections_do_not_block_others_and_are_closed_within_40_s(crm):
    idle = [socket.create_connection(("127.0.0.1", crm.port)) for _ in range(8)]
    try:
        assert requests.get(f"{crm.base}/api/health", timeout=10).status_code == 200
        still_open = wait_for_close(idle, 40)
        assert not still_open, f"{len(still_open)} of 8 idle connections still open after 40 s"
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.slow
def test_a_body_that_stops_arriving_is_closed_within_70_s(crm):
    head = request_head("POST", "/api/students", crm.port, body_length=100_000, headers={
        "Authorization": f"Bearer {crm.token}", "Content-Type": "application/json"})
    with socket.create_connection(("127.0.0.1", crm.port)) as sock:
        sock.sendall(head + b'{"name": "')
        still_open = wait_for_close([sock], 70)
        assert not still_open, "the stalled request is still open after 70 s"
