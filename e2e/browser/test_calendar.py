"""The seed's usage flow in a real browser against `crm serve --calendly-sandbox`: open Calendar,
pick Schedule New Meeting, choose a student and a meeting type, press Open Calendar, book in the
Calendly popup, and see the meeting in Upcoming Meetings; plus what can go wrong on the way."""
import re
import time

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import SCREENSHOTS, make_driver
from crm_server import CRMServer, free_port
from test_pages import sign_in

SANDBOX_TOKEN = "sandbox-pat-not-a-real-calendly-token"


@pytest.fixture(scope="module")
def crm():
    sandbox_port = free_port()
    server = CRMServer("--calendly-sandbox", "--sandbox-port", str(sandbox_port), env={"CALENDLY_SYNC_INTERVAL": "0"})
    server.sandbox = f"http://127.0.0.1:{sandbox_port}"
    server.sandbox_api = requests.Session()
    server.sandbox_api.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"
    yield server
    server.stop()


def wait(browser, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def add_student(crm, name: str, email: str) -> dict:
    response = crm.api.post(f"{crm.base}/api/students", json={"name": name, "email": email})
    assert response.status_code == 201, response.text
    return response.json()


def consultations_of(crm, student_id: str) -> list[dict]:
    return crm.api.get(f"{crm.base}/api/consultations", params={"student_id": student_id}).json()["consultations"]


def open_schedule_tab(browser, crm, student_name: str | None = None):
    browser.get(f"{crm.base}/calendar")
    browser.find_element(By.ID, "tab-schedule").click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "panel-schedule")))
    assert browser.current_url.endswith("/calendar/schedule")
    if student_name:
        browser.find_element(By.ID, "student-filter").send_keys(student_name)
        # The chooser fills from the server as the owner types.
        wait(browser).until(lambda b: Select(b.find_element(By.ID, "student")).first_selected_option.get_attribute("value"))
    wait(browser).until(lambda b: len(Select(b.find_element(By.ID, "event-type")).options) > 1)


def book_in_popup(browser, answer: str | None = None):
    """Picks the first free time in the popup and books; returns once the popup says so."""
    iframe = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".calendly-overlay iframe")))
    browser.switch_to.frame(iframe)
    wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[name=start_time]"))).click()
    if answer is not None:
        field = browser.find_element(By.ID, "a1")
        field.clear()
        field.send_keys(answer)
    browser.find_element(By.ID, "schedule-event").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "scheduled")))
    browser.switch_to.default_content()


def wait_for_webhook(crm, invitee_uri: str, event: str = "invitee.created"):
    """Waits until the sandbox has delivered `event` for the invitee to the app."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        deliveries = requests.get(f"{crm.sandbox}/_sandbox/deliveries").json().get("deliveries", [])
        if any(d.get("event") == event and d.get("invitee_uri") == invitee_uri and d.get("outcome") == "delivered" for d in deliveries):
            return
        time.sleep(0.2)
    raise AssertionError(f"no {event} delivery for {invitee_uri}: {deliveries[-3:]}")


def test_seed_flow_books_and_shows_the_meeting_without_a_reload(browser, crm, screenshot):
    student = add_student(crm, "Hedy Lamarr", "hedy@student.example")
    sign_in(browser, crm)
    open_schedule_tab(browser, crm, "Hedy")
    assert Select(browser.find_element(By.ID, "student")).first_selected_option.get_attribute("value") == student["id"]
    Select(browser.find_element(By.ID, "event-type")).select_by_visible_text("Student consultation (30 min)")
    screenshot("calendar-schedule")
    browser.find_element(By.ID, "open-calendar").click()
    book_in_popup(browser, answer="Frequency hopping")
    status = wait(browser).until(EC.text_to_be_present_in_element((By.ID, "schedule-status"), "Booked:"))
    assert status
    screenshot("calendar-booked")
    browser.execute_script("Calendly.closePopupWidget()")

    # The meeting is in Upcoming Meetings, without a reload.
    marker = browser.execute_script("window.__noReload = 1; return window.__noReload")
    browser.find_element(By.ID, "tab-upcoming").click()
    table = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#upcoming-meetings table")))
    assert "Hedy Lamarr" in table.text
    assert browser.execute_script("return window.__noReload") == marker
    screenshot("calendar-upcoming")

    # The consultation is on the chosen student, with the booking's type, time and topic.
    [consultation] = consultations_of(crm, student["id"])
    assert consultation["type"] == "Student consultation (30 min)"
    assert consultation["topic"] == "Frequency hopping"
    invitee = crm.sandbox_api.get(consultation["calendly_invitee_uri"]).json()["resource"]
    event = crm.sandbox_api.get(invitee["event"]).json()["resource"]
    assert consultation["consultation_date"] == event["start_time"].replace(".000000Z", "Z")
    assert invitee["tracking"]["utm_content"] == f"student-{student['id']}"

    # The same booking's webhook arriving afterwards adds nothing.
    wait_for_webhook(crm, consultation["calendly_invitee_uri"])
    assert len(consultations_of(crm, student["id"])) == 1


def test_cancel_and_reschedule_on_calendly_show_up_after_a_reload(browser, crm, screenshot):
    student = add_student(crm, "Alan Kay", "alan@student.example")
    sign_in(browser, crm)
    for _ in range(2):
        open_schedule_tab(browser, crm, "Alan Kay")
        Select(browser.find_element(By.ID, "event-type")).select_by_index(1)
        browser.find_element(By.ID, "open-calendar").click()
        book_in_popup(browser)
        wait(browser).until(EC.text_to_be_present_in_element((By.ID, "schedule-status"), "Booked:"))
    first, second = sorted(consultations_of(crm, student["id"]), key=lambda c: c["consultation_date"])

    # The student cancels the first on Calendly's cancel page.
    browser.get(first["cancel_url"])
    wait(browser).until(EC.presence_of_element_located((By.ID, "reason"))).send_keys("Exam clash")
    browser.find_element(By.ID, "cancel-event").click()
    wait_for_webhook(crm, first["calendly_invitee_uri"], "invitee.canceled")

    # And reschedules the second on Calendly's reschedule page.
    browser.get(second["reschedule_url"])
    slots = wait(browser).until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "input[name=start_time]")))
    slots[-1].click()
    browser.find_element(By.ID, "reschedule-event").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "scheduled")))
    wait_for_webhook(crm, second["calendly_invitee_uri"], "invitee.canceled")

    browser.get(f"{crm.base}/calendar")
    upcoming = browser.find_element(By.ID, "upcoming-meetings").text
    rows = [r for r in upcoming.splitlines() if "Alan Kay" in r]
    assert len(rows) == 1, upcoming
    by_uri = {c["calendly_invitee_uri"]: c for c in consultations_of(crm, student["id"])}
    assert by_uri[first["calendly_invitee_uri"]]["status"] == "canceled"
    assert by_uri[first["calendly_invitee_uri"]]["cancel_reason"] == "Exam clash"
    assert by_uri[second["calendly_invitee_uri"]]["status"] == "rescheduled"
    old = by_uri[second["calendly_invitee_uri"]]
    new = next(c for c in by_uri.values() if c["id"] == old["rescheduled_to_id"])
    assert new["status"] == "scheduled" and new["rescheduled_from_id"] == old["id"]
    screenshot("calendar-after-cancel-reschedule")


def test_text_from_calendly_is_shown_as_text_and_runs_nothing(browser, crm, screenshot):
    hostile = "<img src=x onerror=alert(1)>"
    answer = "<script>alert(2)</script>"
    booking = requests.post(f"{crm.sandbox}/_sandbox/bookings", json={
        "event_type": "consultation-30", "name": hostile, "email": "hostile@student.example", "answers": {"a1": answer}})
    assert booking.status_code in (200, 201), booking.text
    invitee_uri = booking.json()["invitee"]["uri"]
    wait_for_webhook(crm, invitee_uri)
    consultation = next(c for c in crm.api.get(f"{crm.base}/api/consultations", params={"limit": 500}).json()["consultations"]
                        if c["calendly_invitee_uri"] == invitee_uri)
    sign_in(browser, crm)
    for path in ("/calendar", f"/consultations/{consultation['id']}", f"/students/{consultation['student_id']}", "/students"):
        browser.get(f"{crm.base}{path}")
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text
        assert hostile in browser.find_element(By.TAG_NAME, "main").text
        assert not browser.find_elements(By.CSS_SELECTOR, "main img[src='x']")
    browser.get(f"{crm.base}/consultations/{consultation['id']}")
    assert answer in browser.find_element(By.CSS_SELECTOR, "dl.answers").text
    screenshot("consultation-hostile-text")


def test_blocked_widget_script_offers_the_booking_page_as_a_link(browser, crm, screenshot):
    student = add_student(crm, "Barbara Liskov", "barbara@student.example")
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*widget.js*"]})
    sign_in(browser, crm)
    open_schedule_tab(browser, crm, "Liskov")
    wait(browser).until(EC.visibility_of_element_located((By.ID, "widget-fallback")))
    Select(browser.find_element(By.ID, "event-type")).select_by_index(1)
    browser.find_element(By.ID, "open-calendar").click()
    link = wait(browser).until(EC.visibility_of_element_located((By.ID, "fallback-link")))
    href = link.get_attribute("href")
    assert href.startswith(crm.sandbox) and f"utm_content=student-{student['id']}" in href
    assert "not available" in browser.find_element(By.ID, "schedule-status").text
    screenshot("calendar-widget-blocked")


def test_tabs_work_with_the_keyboard_alone(browser, crm):
    sign_in(browser, crm)
    browser.get(f"{crm.base}/calendar")
    upcoming = browser.find_element(By.ID, "tab-upcoming")
    upcoming.send_keys(Keys.ARROW_RIGHT)
    schedule = browser.find_element(By.ID, "tab-schedule")
    wait(browser).until(lambda b: schedule.get_attribute("aria-selected") == "true")
    assert browser.switch_to.active_element == schedule
    assert browser.find_element(By.ID, "panel-schedule").is_displayed()
    assert not browser.find_element(By.ID, "panel-upcoming").is_displayed()
    assert browser.current_url.endswith("/calendar/schedule")
    schedule.send_keys(Keys.HOME)
    wait(browser).until(lambda b: upcoming.get_attribute("aria-selected") == "true")
    assert browser.find_element(By.ID, "panel-upcoming").is_displayed()
    # Each tab is reachable by its own URL.
    browser.get(f"{crm.base}/calendar/schedule")
    assert browser.find_element(By.ID, "tab-schedule").get_attribute("aria-selected") == "true"


def test_calendar_fits_a_phone_without_horizontal_scrolling(crm):
    phone = make_driver(375, 800)
    try:
        sign_in(phone, crm)
        for path in ("/calendar", "/calendar/schedule", "/students", "/settings"):
            phone.get(f"{crm.base}{path}")
            overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            if path == "/settings":
                SCREENSHOTS.mkdir(exist_ok=True)
                phone.save_screenshot(str(SCREENSHOTS / "settings-narrow.png"))
        phone.get(f"{crm.base}/calendar")
        SCREENSHOTS.mkdir(exist_ok=True)
        phone.save_screenshot(str(SCREENSHOTS / "calendar-375px.png"))
    finally:
        phone.quit()


def test_a_foreign_origin_message_is_refused_visibly(browser, crm):
    sign_in(browser, crm)
    open_schedule_tab(browser, crm)
    before = crm.api.get(f"{crm.base}/api/consultations").json()["total"]
    # The page itself is a foreign origin for the listener: only the widget's origin counts.
    browser.execute_script("""window.postMessage({event: 'calendly.event_scheduled',
        payload: {invitee: {uri: 'https://api.calendly.com/scheduled_events/X/invitees/Y'}}}, '*')""")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "schedule-status"), "unexpected origin"))
    assert crm.api.get(f"{crm.base}/api/consultations").json()["total"] == before


def test_a_student_deleted_before_open_calendar_gets_a_specific_message(browser, crm):
    student = add_student(crm, "Gone Student", "gone@student.example")
    sign_in(browser, crm)
    open_schedule_tab(browser, crm, "Gone Student")
    crm.api.delete(f"{crm.base}/api/students/{student['id']}", params={"purge": "true"})
    Select(browser.find_element(By.ID, "event-type")).select_by_index(1)
    browser.find_element(By.ID, "open-calendar").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "schedule-status"), "no longer exists"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".calendly-overlay")


def test_settings_show_health_subscription_sync_and_failed_deliveries(browser, crm, screenshot):
    import hashlib
    import hmac
    import sqlite3
    # A signed delivery whose body cannot be applied, as a misbehaving sender might send.
    with sqlite3.connect(f"{crm.dir.name}/crm.sqlite") as db:
        [key] = db.execute("SELECT signing_key FROM calendly_connections WHERE key = 'sandbox'").fetchone()
    body = b'{"event":"invitee.created","created_at":"2031-01-01T00:00:00Z","payload":{"uri":"not-a-booking"}}'
    stamp = str(int(time.time()))
    signature = hmac.new(key.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    answer = requests.post(f"{crm.base}/api/calendar/webhook/calendly", data=body,
                           headers={"Content-Type": "application/json", "Calendly-Webhook-Signature": f"t={stamp},v1={signature}"})
    assert answer.json() == {"status": "failed"}

    sign_in(browser, crm)
    browser.get(f"{crm.base}/settings")
    # Plain words first; the technical details behind a disclosure; no raw ISO time anywhere.
    summary = browser.find_element(By.ID, "calendly-summary").text
    assert summary.startswith("Calendly can reach the app: the last booking arrived"), summary
    assert not browser.find_element(By.ID, "health-checks").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#calendly-technical summary").click()
    checks = browser.find_element(By.ID, "health-checks").text
    assert "Token: valid for Sam Rivera" in checks and "Webhook subscription: active" in checks
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", browser.find_element(By.TAG_NAME, "main").text)
    assert browser.find_element(By.ID, "subscription-state").text == "active"
    assert browser.find_element(By.ID, "webhook-url").text == f"{crm.base}/api/calendar/webhook/calendly"
    failed = browser.find_element(By.ID, "failed-deliveries").text
    assert "payload.scheduled_event" in failed
    screenshot("settings")

    browser.find_element(By.ID, "sync-now").click()
    result = wait(browser).until(EC.visibility_of_element_located((By.ID, "sync-result")))
    assert result.text.startswith("Sync finished:") and "0 failed" in result.text

    # Each button posts and a new page comes back: wait for the old one to go before reading.
    page = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.ID, "replay-all").click()
    wait(browser).until(EC.staleness_of(page))
    flash = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".flash")))
    assert "1 failed" in flash.text

    page = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.ID, "subscribe").click()
    wait(browser).until(EC.staleness_of(page))
    flash = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".flash")))
    assert "Subscribed" in flash.text or "subscription is active" in flash.text
    assert browser.find_element(By.ID, "subscription-state").text == "active"


def test_schedule_a_meeting_from_the_student_page_chooses_the_student(browser, crm):
    student = add_student(crm, "Grace Hopper", "grace@student.example")
    sign_in(browser, crm)
    browser.get(f"{crm.base}/students/{student['id']}")
    browser.find_element(By.ID, "schedule-meeting").click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "panel-schedule")))
    assert "/calendar/schedule?student=" in browser.current_url
    assert browser.find_element(By.ID, "tab-schedule").get_attribute("aria-selected") == "true"
    chosen = Select(browser.find_element(By.ID, "student")).first_selected_option
    assert chosen.get_attribute("value") == student["id"] and "Grace Hopper" in chosen.text


def test_the_popup_takes_the_focus_escape_closes_it_and_the_booking_is_named(browser, crm, screenshot):
    student = add_student(crm, "Frances Allen", "frances.allen@student.example")
    sign_in(browser, crm)
    open_schedule_tab(browser, crm, "Frances")
    Select(browser.find_element(By.ID, "event-type")).select_by_visible_text("Student consultation (30 min)")
    opener = browser.find_element(By.ID, "open-calendar")
    opener.click()
    wait(browser).until(lambda b: b.execute_script(
        "return !!document.activeElement && !!document.activeElement.closest('.calendly-overlay')"))
    # Escape closes it and the focus comes back to Open Calendar.
    webdriver.ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait(browser).until(lambda b: not b.find_elements(By.CSS_SELECTOR, ".calendly-overlay"))
    wait(browser).until(lambda b: b.execute_script("return document.activeElement.id") == "open-calendar")
    # Booked: the confirmation names the booking and links to its consultation.
    opener.click()
    book_in_popup(browser)
    link = wait(browser).until(EC.visibility_of_element_located((By.ID, "booked-consultation")))
    text = browser.find_element(By.ID, "schedule-status").text
    assert text.startswith("Booked: Student consultation (30 min) with Frances Allen, ")
    [consultation] = consultations_of(crm, student["id"])
    assert link.get_attribute("href").endswith(f"/consultations/{consultation['id']}")
    browser.execute_script("Calendly.closePopupWidget()")
    screenshot("calendar-booked-named")


def test_the_popup_and_settings_work_at_phone_width(crm):
    from test_first_hour import driver_at
    phone = driver_at(375)
    try:
        add_student(crm, "Radia Perlman", "radia.perlman@student.example")
        sign_in(phone, crm)
        open_schedule_tab(phone, crm, "Radia")
        Select(phone.find_element(By.ID, "event-type")).select_by_visible_text("Student consultation (30 min)")
        phone.find_element(By.ID, "open-calendar").click()
        wait(phone).until(lambda b: b.execute_script(
            "return !!document.activeElement && !!document.activeElement.closest('.calendly-overlay')"))
        SCREENSHOTS.mkdir(exist_ok=True)
        phone.save_screenshot(str(SCREENSHOTS / "calendar-popup-375px.png"))
        webdriver.ActionChains(phone).send_keys(Keys.ESCAPE).perform()
        wait(phone).until(lambda b: not b.find_elements(By.CSS_SELECTOR, ".calendly-overlay"))
        wait(phone).until(lambda b: b.execute_script("return document.activeElement.id") == "open-calendar")

        phone.get(f"{crm.base}/settings")
        assert phone.find_element(By.ID, "calendly-summary").text.startswith("Calendly ")
        phone.find_element(By.CSS_SELECTOR, "#calendly-technical summary").click()
        assert phone.find_element(By.ID, "health-checks").is_displayed()
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        phone.save_screenshot(str(SCREENSHOTS / "settings-375px.png"))
    finally:
        phone.quit()
