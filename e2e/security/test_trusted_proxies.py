"""The sign-in throttle counts failures per client address: by default the connecting address, so
a forged X-Forwarded-For changes nothing; behind a proxy named in TRUSTED_PROXIES, the address that
proxy reports. Its count lives in the database, so two app processes on one database share it."""
import pytest

from crm_server import CRMServer
from crm_web import SecondServer, post_sign_in, sign_in_page

WRONG = "not the password 123"


def fail(server, forwarded_for: str | None = None) -> int:
    session, csrf = sign_in_page(server)
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return post_sign_in(server, session, csrf, password=WRONG, headers=headers).status_code


@pytest.fixture
def server(request):
    crm = CRMServer(env=getattr(request, "param", None))
    yield crm
    crm.stop()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(server):
    assert [fail(server, "203.0.113.1") for _ in range(5)] == [401] * 5
    assert fail(server, "203.0.113.2") == 429


@pytest.mark.parametrize("server", [{"TRUSTED_PROXIES": "127.0.0.1"}], indirect=True)
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(server):
    assert [fail(server, "203.0.113.1") for _ in range(5)] == [401] * 5
    assert fail(server, "203.0.113.1") == 429
    assert fail(server, "203.0.113.2") == 401


def test_two_processes_on_one_database_share_the_count(server):
    other = SecondServer(server)
    try:
        assert [fail(server) for _ in range(3)] + [fail(other) for _ in range(2)] == [401] * 5
        assert fail(server) == 429
        assert fail(other) == 429
    finally:
        other.stop()
