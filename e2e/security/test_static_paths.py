"""A static file's path with more after it (`/css/app.css/x`, `/css/app.css/..`) is simply not
found: a 404, and neither the answer nor the log reveals where the app is installed."""
import time

import pytest

from crm_server import REPO_ROOT
from crm_web import raw_request, request_head, wait_for_log

# Requests are logged at info, so each check can first see its own request in the log.
CRM_ENV = {"LOG_LEVEL": "info"}


@pytest.mark.parametrize("path", ["/css/app.css/x", "/css/app.css/..", "/css/app.css/.", "/css/app.css/%2e%2e"])
def test_a_path_below_a_file_is_not_found_and_names_no_directory(crm, path):
    logged = len(crm.output())
    answer = raw_request(crm.port, request_head("GET", path, crm.port))
    wait_for_log(crm, "GET /css")
    problems = [] if answer.status == 404 else [f"answered {answer.summary()}"]
    if str(REPO_ROOT).encode() in answer.body:
        problems.append("the answer names the install directory")
    problems += [f"the log names the install directory: {line[:160]}"
                 for line in crm.output()[logged:].splitlines() if str(REPO_ROOT) in line]
    assert not problems, problems


def test_the_file_itself_is_served(crm):
    assert raw_request(crm.port, request_head("GET", "/css/app.css", crm.port)).status == 200
