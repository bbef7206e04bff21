"""A `crm serve` per test module, started with the module's `CRM_ENV`; and the `slow` marker."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crm_server import CRMServer  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: waits a minute or more (deselect with -m 'not slow')")


@pytest.fixture(scope="module")
def crm(request):
    server = CRMServer(env=getattr(request.module, "CRM_ENV", None))
    yield server
    server.stop()
