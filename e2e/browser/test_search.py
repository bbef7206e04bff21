"""Search in a real browser (SPEC 11): the box in every page's header, the results page with the
matched words marked, a result leading to its page, and the page on a phone."""
from datetime import datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS
from test_first_hour import driver_at, no_sideways_scroll
from test_pages import sign_in


def wait(browser, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@pytest.fixture(scope="module")
def seeded(crm) -> tuple[dict, dict]:
    student = crm.api.post(f"{crm.base}/api/students", json={
        "name": "Inês Carvalho", "email": "ines.carvalho@student.example",
        "notes": "First in her family at university."}).json()
    consultation = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student["id"], "type": "Mentoring", "topic": "Scholarship essay",
        "consultation_date": iso(datetime.now(timezone.utc) - timedelta(days=20)), "duration": 45,
        "notes": "We agreed the scholarship essay opens with the summer lab work."}).json()
    assert "id" in student and "id" in consultation, (student, consultation)
    return student, consultation


def test_the_header_box_finds_a_meeting_by_words_from_its_notes_and_opens_it(browser, crm, seeded, screenshot):
    student, consultation = seeded
    sign_in(browser, crm)
    browser.get(f"{crm.base}/today")
    box = browser.find_element(By.ID, "header-q")
    box.send_keys("SCHOLAR ines" + Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "search-results")))
    assert "/search?q=SCHOLAR+ines" in browser.current_url
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results .search-result")
    kinds = [r.get_attribute("data-kind") for r in results]
    assert kinds == ["consultation"], kinds  # "ines" is in its student's name; "scholar" only in the meeting
    marked = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#search-results mark")]
    assert "Scholarship" in marked and "scholarship" in marked and "Inês" in marked, marked
    screenshot("search-results")
    results[0].find_element(By.CSS_SELECTOR, ".search-title a").click()
    wait(browser).until(EC.url_contains(f"/consultations/{consultation['id']}"))
    assert "Scholarship essay" in browser.find_element(By.TAG_NAME, "h1").text + browser.page_source

    # Accents and case do not matter; the student comes first, as her name matches.
    browser.get(f"{crm.base}/search?q=ines+CARV")
    wait(browser).until(EC.presence_of_element_located((By.ID, "search-results")))
    first = browser.find_element(By.CSS_SELECTOR, "#search-results .search-result")
    assert first.get_attribute("data-kind") == "student"
    first.find_element(By.CSS_SELECTOR, ".search-title a").click()
    wait(browser).until(EC.url_contains(f"/students/{student['id']}"))


def test_text_that_looks_like_syntax_is_searched_as_words(browser, crm, seeded):
    sign_in(browser, crm)
    browser.get(f"{crm.base}/search")
    box = browser.find_element(By.ID, "search-page-q")
    typed = '"scholarship" -essay* ((summer*'
    box.send_keys(typed + Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "search-results")))
    assert browser.find_element(By.ID, "search-page-q").get_attribute("value") == typed
    marked = {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, "#search-results mark")}
    assert {"scholarship", "essay", "summer"} <= marked, marked
    # "NEAR" is a word like any other: nothing has it, so nothing is found, and the page says so.
    browser.get(f"{crm.base}/search?q=scholarship+NEAR%28")
    assert browser.find_element(By.ID, "search-empty").is_displayed()
    browser.get(f"{crm.base}/search?q=%F0%9F%8E%93")  # an emoji alone: no words
    assert browser.find_element(By.ID, "search-hint").is_displayed()


def test_search_reads_on_a_phone(crm, seeded):
    phone = driver_at(375)
    try:
        sign_in(phone, crm)
        phone.get(f"{crm.base}/search?q=scholarship")
        wait(phone).until(EC.presence_of_element_located((By.ID, "search-results")))
        assert no_sideways_scroll(phone)
        SCREENSHOTS.mkdir(exist_ok=True)
        phone.save_screenshot(str(SCREENSHOTS / "search-phone.png"))
    finally:
        phone.quit()
