"""Books through the popup widget in headless Chromium and checks that the host page hears
`calendly.event_scheduled` with URIs the API then answers for; then uses the invitee's
reschedule and cancel links as an invitee would."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HOST_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Host</title>
<link rel="stylesheet" href="{base}/assets/external/widget.css">
<script src="{base}/assets/external/widget.js"></script></head><body>
<button id="open" type="button">Book</button><ol id="messages"></ol>
<script>
window.__calendlyMessages = [];
window.addEventListener("message", function (e) {{
  if (e.data && typeof e.data.event === "string" && e.data.event.indexOf("calendly.") === 0) {{
    window.__calendlyMessages.push({{origin: e.origin, data: e.data}});
  }}
}});
document.getElementById("open").addEventListener("click", function () {{
  Calendly.initPopupWidget({{url: "{base}/sam-rivera/consultation-30",
    prefill: {{name: "Selenium Student", email: "selenium@student.example", customAnswers: {{a1: "Widget topic"}}}},
    utm: {{utmSource: "personal-crm", utmContent: "student-77"}}}});
}});
</script></body></html>"""


@pytest.fixture
def host_page(sandbox):
    """A host page on another origin (another port), as the CRM is to Calendly."""
    html = HOST_PAGE.format(base=sandbox.base).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def messages(browser):
    return browser.execute_script("return window.__calendlyMessages || []")


def message(browser, name):
    return next((m for m in messages(browser) if m["data"]["event"] == name), None)


def book_in_popup(browser, wait):
    browser.find_element(By.ID, "open").click()
    iframe = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".calendly-overlay iframe")))
    wait.until(lambda b: message(b, "calendly.event_type_viewed"))
    browser.switch_to.frame(iframe)
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Selenium Student"
    assert browser.find_element(By.ID, "email").get_attribute("value") == "selenium@student.example"
    assert browser.find_element(By.ID, "a1").get_attribute("value") == "Widget topic"
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[name=start_time]"))).click()
    browser.switch_to.default_content()
    wait.until(lambda b: message(b, "calendly.date_and_time_selected"))
    browser.switch_to.frame(iframe)
    browser.find_element(By.ID, "schedule-event").click()
    wait.until(EC.presence_of_element_located((By.ID, "scheduled")))
    browser.switch_to.default_content()
    return iframe


def test_popup_booking_posts_event_scheduled_from_another_origin(sandbox, driver, host_page):
    # given the host page with the widget loaded
    wait = WebDriverWait(driver, 20)
    driver.get(host_page)
    wait.until(lambda b: b.execute_script("return !!(window.Calendly && Calendly.initPopupWidget)"))

    # when the visitor books in the popup
    iframe = book_in_popup(driver, wait)

    # then the iframe URL carried the prefill, UTM and embed parameters
    query = parse_qs(urlparse(iframe.get_attribute("src")).query)
    assert query["utm_content"] == ["student-77"] and query["embed_type"] == ["PopupWidget"]
    assert query["embed_domain"] == [urlparse(host_page).netloc]
    # and the host page heard calendly.event_scheduled from the sandbox's origin
    scheduled = wait.until(lambda b: message(b, "calendly.event_scheduled"))
    assert scheduled["origin"] == sandbox.base
    payload = scheduled["data"]["payload"]
    invitee = sandbox.get(payload["invitee"]["uri"]).json()["resource"]
    event = sandbox.get(payload["event"]["uri"]).json()["resource"]
    assert invitee["event"] == payload["event"]["uri"]
    assert invitee["tracking"]["utm_source"] == "personal-crm"
    assert invitee["tracking"]["utm_content"] == "student-77"
    assert invitee["questions_and_answers"][0]["answer"] == "Widget topic"
    assert event["status"] == "active"
    # and the popup closes on request
    driver.execute_script("Calendly.closePopupWidget()")
    wait.until(lambda b: not b.find_elements(By.CSS_SELECTOR, ".calendly-overlay"))


def test_sandbox_test_page_and_invitee_links(sandbox, driver):
    # given a booking made through the sandbox's own test page
    wait = WebDriverWait(driver, 20)
    driver.get(sandbox.base + "/_sandbox/test-page?name=Selenium+Student&email=selenium%40student.example"
                              "&a1=Widget+topic&utm_content=student-77")
    wait.until(lambda b: b.execute_script("return !!window.Calendly"))
    book_in_popup(driver, wait)
    scheduled = wait.until(lambda b: message(b, "calendly.event_scheduled"))
    old_uri = scheduled["data"]["payload"]["invitee"]["uri"]
    old = sandbox.get(old_uri).json()["resource"]

    # when the invitee follows reschedule_url and picks another time
    driver.get(old["reschedule_url"])
    slots = wait.until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "input[name=start_time]")))
    slots[-1].click()
    driver.find_element(By.ID, "reschedule-event").click()
    wait.until(EC.presence_of_element_located((By.ID, "scheduled")))

    # then the old invitee is canceled as rescheduled and points at the new one
    old = sandbox.get(old_uri).json()["resource"]
    assert old["status"] == "canceled" and old["rescheduled"] is True
    new = sandbox.get(old["new_invitee"]).json()["resource"]
    assert new["old_invitee"] == old_uri

    # when the invitee then cancels the new booking through cancel_url
    driver.get(new["cancel_url"])
    wait.until(EC.presence_of_element_located((By.ID, "reason"))).send_keys("Found another time")
    driver.find_element(By.ID, "cancel-event").click()
    wait.until(EC.presence_of_element_located((By.ID, "canceled")))

    # then the API shows the invitee's cancellation
    new = sandbox.get(old["new_invitee"]).json()["resource"]
    assert new["status"] == "canceled"
    assert new["cancellation"]["canceler_type"] == "invitee"
    assert new["cancellation"]["reason"] == "Found another time"
