"""A static file's path with more after it (`/css/app.css/x`, `/css/app.css/..`) is simply not
found: a 404, and neither the answer nor the log reveals where the app is installed."""
import time

import pytest

from crm_server import REPO_ROOT
from crm_web import raw_request, request_head


@pytest.mark.parametrize("path", ["/css/app.css/x", "/css/app.css/..", "/css/app.css/.", "/css/app.css/%2e%2e"])
def test_a_path_below_a_file_is_not_found_and_names_no_directory(crm, path):
    answer = raw_request(crm.port, request_head("GET", path, crm.port))
    time.sleep(0.2)
    assert answer.status == 404, f"{answer.status}: {answer.body[:300]!r}"
    assert str(REPO_ROOT).encode() not in answer.body, answer.body[:500]
    assert str(REPO_ROOT) not in crm.output(), crm.output()[-1000:]


def test_the_file_itself_is_served(crm):
    assert raw_request(crm.port, request_head("GET", "/css/app.css", crm.port)).status == 200
