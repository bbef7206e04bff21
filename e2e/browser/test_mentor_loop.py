"""The loop a mentor lives, in a real browser: open Today, mark yesterday's meeting held, write
its notes in place, add two follow-ups and tick one off, then read the next meeting's brief and
find the open one there. Today also reads on a phone."""
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS
from test_first_hour import driver_at, no_sideways_scroll
from test_pages import sign_in


def wait(browser, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def test_today_brief_notes_and_follow_ups(browser, crm, screenshot):
    now = datetime.now(timezone.utc)
    student = crm.api.post(f"{crm.base}/api/students", json={"name": "Ines Duarte", "email": "ines.duarte@student.example"}).json()
    past = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student["id"], "type": "Mentoring", "topic": "Scholarship essay <draft>",
        "consultation_date": iso(now - timedelta(days=1)), "duration": 45, "status": "scheduled"}).json()
    upcoming = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student["id"], "type": "Mentoring", "topic": "Interview practice",
        "consultation_date": iso(now + timedelta(days=3)), "duration": 30}).json()
    assert past["status"] == "scheduled" and upcoming["status"] == "scheduled"

    sign_in(browser, crm)
    browser.get(f"{crm.base}/")
    wait(browser).until(EC.url_contains("/today"))
    item = browser.find_element(By.ID, f"needs-notes-{past['id']}")
    assert "Ines Duarte" in item.text
    assert "Ines Duarte" in browser.find_element(By.ID, "today-meetings").text
    assert no_sideways_scroll(browser)
    screenshot("today")

    # Held, then the notes in place.
    item.find_element(By.XPATH, ".//button[text()='Held']").click()
    wait(browser).until(EC.staleness_of(item))  # the page came back
    item = browser.find_element(By.ID, f"needs-notes-{past['id']}")
    assert "Held" in item.text and not item.find_elements(By.XPATH, ".//button[text()='Held']")
    item.find_element(By.ID, f"notes-{past['id']}").send_keys("Essay structure agreed; she will cut the intro to 150 words.")
    item.find_element(By.XPATH, ".//button[text()='Save notes']").click()
    wait(browser).until(EC.staleness_of(item))
    assert "/today" in browser.current_url
    assert not browser.find_elements(By.ID, f"needs-notes-{past['id']}")
    held = crm.api.get(f"{crm.base}/api/consultations/{past['id']}").json()
    assert held["status"] == "completed" and held["notes"].startswith("Essay structure agreed")

    # Two follow-ups on the meeting, one ticked off.
    browser.get(f"{crm.base}/consultations/{past['id']}")
    for text, owner in (("Send two example essays", "mentor"), ("Cut the introduction to 150 words", "student")):
        browser.find_element(By.ID, "new-follow-up-text").send_keys(text)
        browser.find_element(By.CSS_SELECTOR, f"#new-follow-up-owner option[value='{owner}']").click()
        form = browser.find_element(By.ID, "add-follow-up-form")
        browser.find_element(By.ID, "add-follow-up").click()
        wait(browser).until(EC.staleness_of(form))
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "follow-ups-section"), text))
    first = browser.find_elements(By.CSS_SELECTOR, "#follow-ups-section li.follow-up")[0]
    done_text = first.find_element(By.CSS_SELECTOR, ".follow-up-text").text
    first.find_element(By.CSS_SELECTOR, "button.tick").click()
    wait(browser).until(EC.staleness_of(first))
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#follow-ups-section li.follow-up.done")))
    open_text = ({"Send two example essays", "Cut the introduction to 150 words"} - {done_text}).pop()

    # The next meeting's brief, reached from Today.
    browser.get(f"{crm.base}/today")
    browser.find_element(By.CSS_SELECTOR, "#today-meetings a.brief-link").click()
    brief = wait(browser).until(EC.visibility_of_element_located((By.ID, "brief")))
    assert upcoming["id"] in browser.current_url
    assert "Essay structure agreed" in browser.find_element(By.ID, "brief-last-time").text
    still_open = browser.find_element(By.ID, "brief-open-follow-ups").text
    assert open_text in still_open and done_text not in still_open
    assert "1 held" in browser.find_element(By.ID, "brief-attendance").text
    assert "Scholarship essay <draft>" in brief.text
    screenshot("brief")


def test_today_reads_on_a_phone(crm):
    phone = driver_at(375)
    try:
        sign_in(phone, crm)
        phone.get(f"{crm.base}/today")
        wait(phone).until(EC.presence_of_element_located((By.ID, "attendance")))
        assert no_sideways_scroll(phone)
        chart = phone.find_element(By.CSS_SELECTOR, "svg.chart")
        assert 0 < chart.size["width"] <= 375
        assert len(phone.find_elements(By.CSS_SELECTOR, "#attendance-table tbody tr")) == 12
        SCREENSHOTS.mkdir(exist_ok=True)
        phone.save_screenshot(str(SCREENSHOTS / "today-phone.png"))
    finally:
        phone.quit()
