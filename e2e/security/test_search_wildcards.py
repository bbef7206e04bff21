"""The Students filter searches for what was typed: `%` and `_` are plain characters, not SQL LIKE
wildcards, in the API's `q` and on the Students page."""
import pytest

from crm_web import add_student, sign_in

NAMES = ["100% sure", "a_b", "plain"]


@pytest.fixture(scope="module")
def students(crm):
    for name in NAMES:
        add_student(crm, name)


@pytest.mark.parametrize("q, expected", [("%", ["100% sure"]), ("_", ["a_b"]), ("0%", ["100% sure"])])
def test_the_api_takes_percent_and_underscore_literally(crm, students, q, expected):
    answer = crm.api.get(f"{crm.base}/api/students", params={"q": q}, timeout=30).json()
    assert [s["name"] for s in answer["students"]] == expected


@pytest.mark.parametrize("q, expected", [("%", "100% sure"), ("_", "a_b")])
def test_the_students_page_takes_percent_and_underscore_literally(crm, students, q, expected):
    browser, _ = sign_in(crm)
    html = browser.get(f"{crm.base}/students", params={"q": q}, timeout=30).text
    shown = [name for name in NAMES if f">{name}<" in html]
    assert shown == [expected], shown
