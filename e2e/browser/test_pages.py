"""The owner's everyday flow in a real browser: sign in, add a student, find them, edit a
consultation's notes, sign out; and signed-out visits land on sign-in."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import leave_by
from crm_server import OWNER_EMAIL, OWNER_PASSWORD


def wait(browser, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def sign_in(browser, crm) -> None:
    browser.get(f"{crm.base}/sign-in")
    browser.find_element(By.ID, "email").send_keys(OWNER_EMAIL)
    browser.find_element(By.ID, "password").send_keys(OWNER_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser).until(EC.url_contains("/calendar"))


def test_signed_out_visit_lands_on_sign_in(browser, crm, screenshot):
    browser.get(f"{crm.base}/students")
    wait(browser).until(EC.url_contains("/sign-in"))
    assert "next=/students" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"
    screenshot("sign-in")


def test_wrong_password_is_refused(browser, crm):
    browser.get(f"{crm.base}/sign-in")
    browser.find_element(By.ID, "email").send_keys(OWNER_EMAIL)
    browser.find_element(By.ID, "password").send_keys("not the password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    error = wait(browser).until(EC.visibility_of_element_located((By.ID, "sign-in-error")))
    assert "do not match" in error.text


def test_owner_flow_add_find_edit_sign_out(browser, crm, screenshot):
    sign_in(browser, crm)
    screenshot("calendar-empty")

    # Add a student.
    browser.get(f"{crm.base}/students")
    form = browser.find_element(By.ID, "add-student-form")
    form.find_element(By.ID, "name").send_keys("Marie Curie")
    form.find_element(By.ID, "email").send_keys("marie@sorbonne.example")
    form.find_element(By.ID, "notes").send_keys("Radioactivity reading group")
    leave_by(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Marie Curie"))
    assert "Student added." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    student_url = browser.current_url
    screenshot("student")

    # Find the student by search.
    browser.get(f"{crm.base}/students")
    search = browser.find_element(By.ID, "q")
    search.send_keys("radioactivity")
    search.submit()
    wait(browser).until(EC.url_contains("q=radioactivity"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#students-table tbody tr")
    assert [row.find_element(By.TAG_NAME, "a").text for row in rows] == ["Marie Curie"]
    screenshot("students-search")

    # Edit a consultation's notes (the consultation comes through the API, as a script would add it).
    student_id = student_url.rstrip("/").split("/")[-1].split("?")[0]
    created = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student_id, "type": "Mentoring", "consultation_date": "2031-05-04T09:00:00Z", "duration": 45})
    assert created.status_code == 201, created.text
    consultation_id = created.json()["id"]
    browser.get(f"{crm.base}/consultations/{consultation_id}")
    assert "Sun 4 May 2031, 11:00 (Europe/Berlin)" in browser.find_element(By.ID, "consultation-when").text
    notes = browser.find_element(By.ID, "notes")
    notes.send_keys("Discussed polonium & radium <carefully>")
    browser.find_element(By.ID, "follow_up_notes").send_keys("Send the lab safety sheet")
    leave_by(browser, browser.find_element(By.CSS_SELECTOR, "#edit-consultation-form button[type=submit]"))
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Consultation saved."))
    assert browser.find_element(By.ID, "notes").get_attribute("value") == "Discussed polonium & radium <carefully>"
    assert crm.api.get(f"{crm.base}/api/consultations/{consultation_id}").json()["follow_up_notes"] == "Send the lab safety sheet"
    screenshot("consultation")

    # Sign out; the pages are closed again.
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait(browser).until(EC.url_contains("/sign-in"))
    browser.get(f"{crm.base}/calendar")
    wait(browser).until(EC.url_contains("/sign-in"))


def test_invalid_student_form_shows_message_beside_field(browser, crm):
    sign_in(browser, crm)
    browser.get(f"{crm.base}/students")
    form = browser.find_element(By.ID, "add-student-form")
    form.find_element(By.ID, "name").send_keys("No Email")
    # type=email would stop the browser submitting; a user with an old browser could still send it.
    browser.execute_script("document.getElementById('email').type = 'text'")
    form.find_element(By.ID, "email").send_keys("not-an-email")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    error = wait(browser).until(EC.visibility_of_element_located((By.ID, "email-error")))
    assert error.text == "Email is not an email address"
    assert crm.api.get(f"{crm.base}/api/students", params={"q": "No Email"}).json()["total"] == 0
