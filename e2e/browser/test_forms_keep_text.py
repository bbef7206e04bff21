"""What the owner types stays on the page, in a real browser: follow-up notes survive a save and a
second unchanged save; a form too large to send is stopped before it leaves the page, with the text
still there; a note over the length limit comes back from the server in its box."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import leave_by
from test_pages import sign_in

THESIS_REVIEW = ("Reviewed chapter 2 & 3 <methods>.\n"
                 "Agreed: \"rewrite the abstract\" — by Friday. Ünïcödé: ✓ 🎓\n\n"
                 "  Indented: cite Smith (2019).")


def make_consultation(crm) -> str:
    student = crm.api.post(f"{crm.base}/api/students", json={"name": "Emma Johansson", "email": f"emma-{id(crm)}@example.com"})
    if student.status_code == 409:
        student = crm.api.get(f"{crm.base}/api/students", params={"q": "Emma Johansson"}).json()["students"][0]
    else:
        assert student.status_code == 201, student.text
        student = student.json()
    created = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student["id"], "type": "Thesis review", "consultation_date": "2031-05-04T09:00:00Z", "duration": 60})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def set_value(browser, element_id: str, text: str) -> None:
    """Puts text into a field at once (typing a megabyte key by key would take minutes)."""
    browser.execute_script("document.getElementById(arguments[0]).value = arguments[1];", element_id, text)


def test_follow_up_notes_survive_a_save_and_an_unchanged_save(browser, crm, screenshot):
    consultation_id = make_consultation(crm)
    sign_in(browser, crm)
    browser.get(f"{crm.base}/consultations/{consultation_id}")
    set_value(browser, "notes", THESIS_REVIEW)
    set_value(browser, "follow_up_notes", "Send the revised outline\nBook the next review")
    leave_by(browser, browser.find_element(By.CSS_SELECTOR, "#edit-consultation-form button[type=submit]"))
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Consultation saved."))
    assert browser.find_element(By.ID, "follow_up_notes").get_attribute("value") == "Send the revised outline\nBook the next review"
    saved = crm.api.get(f"{crm.base}/api/consultations/{consultation_id}").json()

    # Saving the page again without touching it changes nothing.
    leave_by(browser, browser.find_element(By.CSS_SELECTOR, "#edit-consultation-form button[type=submit]"))
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Consultation saved."))
    assert crm.api.get(f"{crm.base}/api/consultations/{consultation_id}").json() == saved
    assert saved["notes"] == THESIS_REVIEW
    screenshot("consultation-follow-up-kept")


def test_a_form_too_large_to_send_stays_on_the_page_with_its_text(browser, crm, screenshot):
    consultation_id = make_consultation(crm)
    sign_in(browser, crm)
    page = f"{crm.base}/consultations/{consultation_id}"
    browser.get(page)
    # 600,000 "é" percent-encode to 3.6 MB, over the 3 MB a page accepts.
    huge = "é" * 600_000
    set_value(browser, "notes", huge)
    # Stopped in the page: it does not leave it.
    browser.find_element(By.CSS_SELECTOR, "#edit-consultation-form button[type=submit]").click()
    message = WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".form-too-large")))
    assert "Your text is still here" in message.text
    assert browser.current_url == page
    assert browser.execute_script("return document.getElementById('notes').value.length") == 600_000
    assert crm.api.get(f"{crm.base}/api/consultations/{consultation_id}").json()["notes"] == ""
    screenshot("consultation-too-large")


def test_a_note_over_the_length_limit_comes_back_in_its_box(browser, crm, screenshot):
    consultation_id = make_consultation(crm)
    sign_in(browser, crm)
    browser.get(f"{crm.base}/consultations/{consultation_id}")
    too_long = ("Agreed next steps. " * 5300)[:100_001]
    set_value(browser, "notes", too_long)
    set_value(browser, "follow_up_notes", "Keep me too")
    leave_by(browser, browser.find_element(By.CSS_SELECTOR, "#edit-consultation-form button[type=submit]"))
    error = WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".field-error")))
    assert "at most 100,000 characters" in error.text
    assert browser.execute_script("return document.getElementById('notes').value") == too_long.strip()
    assert browser.find_element(By.ID, "follow_up_notes").get_attribute("value") == "Keep me too"
    assert crm.api.get(f"{crm.base}/api/consultations/{consultation_id}").json()["notes"] == ""
    screenshot("consultation-too-long")
