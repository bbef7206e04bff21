"""Acting on Calendly from the CRM in a real browser against `crm serve --calendly-sandbox`
(SPEC 4.5): book a session for a student from their page, send a single-use link that lands the
booking on them, mark a no-show both ways, and cancel as the host."""
import time
from datetime import datetime, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from test_calendar import add_student, consultations_of, crm, wait, wait_for_webhook  # noqa: F401 (crm is a fixture)
from test_first_hour import no_sideways_scroll
from test_pages import sign_in

TYPE_NAME = "Student consultation (30 min)"


def open_booking_page(browser, crm, student: dict):
    browser.get(f"{crm.base}/students/{student['id']}")
    browser.find_element(By.ID, "book-session").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "choose-type-form")))
    Select(browser.find_element(By.ID, "event_type")).select_by_visible_text(TYPE_NAME)
    form = browser.find_element(By.ID, "choose-type-form")
    browser.find_element(By.ID, "show-times").click()
    wait(browser).until(EC.staleness_of(form))


def test_book_a_session_for_a_student_books_once(browser, crm, screenshot):
    student = add_student(crm, "Jonas Berg", "jonas.berg@student.example")
    assert crm.api.patch(f"{crm.base}/api/students/{student['id']}", json={"time_zone": "America/New_York"}).status_code == 200
    sign_in(browser, crm)
    open_booking_page(browser, crm, student)
    first = wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#open-times input[name=start_time]")))
    label = first.find_element(By.XPATH, "./..").text
    assert "for them" in label, "the student's own time is shown beside"
    assert no_sideways_scroll(browser)
    screenshot("book-a-session")
    first.click()
    button = browser.find_element(By.ID, "book")
    # A double click: the second must not book again.
    browser.execute_script("arguments[0].click(); arguments[0].click();", button)
    wait(browser).until(EC.url_contains("/consultations/"))
    assert "Booked in Calendly" in browser.find_element(By.TAG_NAME, "body").text
    assert "booked by you" in browser.find_element(By.ID, "consultation-status").find_element(By.XPATH, "..").text
    screenshot("booked-for-student")
    [consultation] = consultations_of(crm, student["id"])
    assert consultation["scheduling_method"] == "instant_book"
    assert consultation["invitee_timezone"] == "America/New_York"
    wait_for_webhook(crm, consultation["calendly_invitee_uri"])
    assert len(consultations_of(crm, student["id"])) == 1, "the webhook was a duplicate"


def test_a_single_use_link_lands_the_booking_on_the_student(browser, crm, screenshot):
    student = add_student(crm, "Mia Schulz", "mia.schulz@student.example")
    sign_in(browser, crm)
    open_booking_page(browser, crm, student)
    form = browser.find_element(By.ID, "make-link-form")
    browser.find_element(By.ID, "make-link").click()
    wait(browser).until(EC.staleness_of(form))
    link = browser.find_element(By.ID, "booking-link").get_attribute("href")
    assert "utm_content=student-" + student["id"] in link
    screenshot("single-use-link")

    # The student opens it: their name and email are filled in; they book.
    browser.get(link)
    assert browser.find_element(By.ID, "email").get_attribute("value") == "mia.schulz@student.example"
    wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[name=start_time]"))).click()
    browser.find_element(By.ID, "schedule-event").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "scheduled")))
    deadline = time.monotonic() + 20
    while not consultations_of(crm, student["id"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    [consultation] = consultations_of(crm, student["id"])
    assert consultation["status"] == "scheduled"
    # It books once.
    browser.get(link)
    assert "already been used" in browser.find_element(By.TAG_NAME, "body").text


def test_no_show_reaches_calendly_and_comes_back(browser, crm):
    assert crm.api.post(f"{crm.base}/api/calendar/meetings/sync", json={}).status_code == 200
    now = datetime.now(timezone.utc).isoformat()
    past = [c for c in crm.api.get(f"{crm.base}/api/consultations", params={"status": "scheduled", "to": now[:19] + "Z"}).json()["consultations"]
            if c["calendly_invitee_uri"]]
    assert past, "the sandbox's demo data has a past meeting"
    meeting = past[0]
    sign_in(browser, crm)
    browser.get(f"{crm.base}/consultations/{meeting['id']}")
    button = browser.find_element(By.ID, "mark-no-show")
    button.click()
    wait(browser).until(EC.staleness_of(button))
    assert browser.find_element(By.ID, "consultation-status").text == "No-show"
    assert not browser.find_elements(By.ID, "no-show-not-sent")
    invitee = crm.sandbox_api.get(meeting["calendly_invitee_uri"]).json()["resource"]
    assert invitee["no_show"] is not None, "Calendly has the mark"

    undo = browser.find_element(By.ID, "mark-scheduled")
    undo.click()
    wait(browser).until(EC.staleness_of(undo))
    invitee = crm.sandbox_api.get(meeting["calendly_invitee_uri"]).json()["resource"]
    assert invitee["no_show"] is None, "the mark is gone in Calendly"
    wait_for_webhook(crm, meeting["calendly_invitee_uri"], "invitee_no_show.deleted")
    assert crm.api.get(f"{crm.base}/api/consultations/{meeting['id']}").json()["status"] == "scheduled"


def test_cancel_as_the_host_with_a_reason(browser, crm, screenshot):
    student = add_student(crm, "Noor Haddad", "noor.haddad@student.example")
    event_type = next(t["uri"] for t in crm.api.get(f"{crm.base}/api/calendar/config/calendly").json()["event_types"] if t["name"] == TYPE_NAME)
    times = crm.api.get(f"{crm.base}/api/calendar/event-types/available-times", params={"event_type": event_type}).json()["times"]
    booked = crm.api.post(f"{crm.base}/api/calendar/meetings/book",
                          json={"student_id": student["id"], "event_type": event_type, "start_time": times[-1]["start_time"]})
    assert booked.status_code == 201, booked.text
    meeting = booked.json()
    sign_in(browser, crm)
    browser.get(f"{crm.base}/consultations/{meeting['id']}")
    assert browser.find_element(By.ID, "student-reschedule-link").text == "The student's reschedule page"
    browser.find_element(By.ID, "cancel-reason").send_keys("I am travelling that week")
    screenshot("cancel-as-host")
    button = browser.find_element(By.ID, "cancel-as-host")
    button.click()
    wait(browser).until(EC.alert_is_present()).accept()
    wait(browser).until(EC.staleness_of(button))
    assert browser.find_element(By.ID, "consultation-status").text == "Canceled"
    event = crm.sandbox_api.get(meeting["calendly_event_uri"]).json()["resource"]
    assert event["status"] == "canceled"
    assert event["cancellation"]["canceler_type"] == "host"
    assert event["cancellation"]["reason"] == "I am travelling that week"
