"""A request path cannot forge log lines: percent-encoded CR/LF in the path is logged escaped, so no
line of the server log starts with text the client chose (here `[ CRITICAL ] forged`)."""
import time

import pytest

from crm_web import raw_request, request_head, wait_for_log

CRM_ENV = {"LOG_LEVEL": "info"}
FORGED = "%5B%20CRITICAL%20%5D%20forged%20line"


@pytest.mark.parametrize("newline", ["%0D%0A", "%0A", "%0D"])
def test_an_encoded_newline_in_the_path_forges_no_log_line(crm, newline):
    answer = raw_request(crm.port, request_head("GET", f"/x{newline}{FORGED}", crm.port))
    assert answer.status in (303, 400, 404), answer.head
    # The request's own log line must arrive (the log is flushed at least twice a second), so
    # the check below cannot pass on a log that simply has not been written yet.
    log = wait_for_log(crm, "forged line")
    forged = [line for line in log.splitlines() if line.startswith("[ CRITICAL ] forged")]
    assert not forged, f"forged log lines: {forged}"
