"""The first hour, in a real browser at desktop and phone widths: tables become cards on a phone with
the time, the student and the contact links in reach; archive explains itself and can be undone;
Held and No-show only once a meeting has started, with Undo."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, leave_by, make_driver
from test_pages import sign_in


def wait(browser, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def add_student(crm, name: str, email: str, phone: str = "") -> dict:
    answer = crm.api.post(f"{crm.base}/api/students", json={"name": name, "email": email, "phone": phone})
    assert answer.status_code == 201, answer.text
    return answer.json()


def add_consultation(crm, student_id: str, when: str, status: str = "scheduled") -> dict:
    # Scheduled even when in the past: a meeting logged after it began would otherwise start as held (SPEC 10).
    answer = crm.api.post(f"{crm.base}/api/consultations", json={
        "student_id": student_id, "type": "Thesis review", "consultation_date": when, "duration": 45, "topic": "Chapter 2",
        "status": status})
    assert answer.status_code == 201, answer.text
    return answer.json()


def driver_at(width: int):
    """A browser whose page is exactly `width` CSS pixels wide: headless Chromium keeps windows
    wider than a phone, so the viewport is set through the DevTools protocol, as a phone's."""
    driver = make_driver(width=max(width, 800), height=800)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver


def no_sideways_scroll(browser) -> bool:
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_lists_fit_the_screen_and_contacts_are_tappable(crm, width):
    student = add_student(crm, f"Amara Diallo {width}", f"amara{width}@student.example", "+44 20 7946 0958")
    add_consultation(crm, student["id"], "2031-03-04T09:00:00Z")
    browser = driver_at(width)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        sign_in(browser, crm)
        assert browser.execute_script("return window.innerWidth") == width
        for page in ("/calendar", "/students", f"/students/{student['id']}"):
            browser.get(crm.base + page)
            assert no_sideways_scroll(browser), f"{page} scrolls sideways at {width} px"
            name = "student" if page.startswith("/students/") else page.strip("/")
            browser.save_screenshot(str(SCREENSHOTS / f"{name}-{width}px.png"))
        browser.get(f"{crm.base}/students")
        row = browser.find_element(By.XPATH, f"//tr[.//a[text()='Amara Diallo {width}']]")
        assert row.find_element(By.CSS_SELECTOR, "a[href^='mailto:']").get_attribute("href") == f"mailto:amara{width}@student.example"
        assert row.find_element(By.CSS_SELECTOR, "a[href^='tel:']").is_displayed()
        if width == 375:
            # A card: the name on top, everything inside the screen.
            right = browser.execute_script("return arguments[0].getBoundingClientRect().right", row)
            assert right <= 375
            assert browser.execute_script("return getComputedStyle(arguments[0]).display", row) == "block", "rows are cards"
        browser.get(f"{crm.base}/calendar")
        meeting = browser.find_element(By.XPATH, f"//tr[.//a[text()='Amara Diallo {width}']]")
        when = meeting.find_element(By.CSS_SELECTOR, "td.card-title a")
        assert when.is_displayed() and "4 Mar 2031" in when.text
        assert browser.execute_script("return arguments[0].getBoundingClientRect().right", meeting) <= width
    finally:
        browser.quit()


@pytest.fixture(params=[1280, 375])
def sized(request):
    """A browser at desktop and at phone width; screenshots are named by the width."""
    driver = driver_at(request.param)
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.width = request.param
    yield driver
    driver.quit()


def shot(browser, name: str) -> None:
    browser.save_screenshot(str(SCREENSHOTS / f"{name}-{browser.width}px.png"))


def test_archive_says_what_it_does_and_restore_undoes_it(sized, crm):
    browser = sized
    student = add_student(crm, f"Jonas Archivable {browser.width}", f"jonas.archive{browser.width}@student.example")
    sign_in(browser, crm)
    browser.get(f"{crm.base}/students/{student['id']}")
    archive = browser.find_element(By.ID, "archive-student")
    assert "secondary" in archive.get_attribute("class"), "Archive is not styled like Save"
    archive.click()
    alert = wait(browser).until(EC.alert_is_present())
    assert "hidden from the lists" in alert.text and "Restore brings them back" in alert.text
    alert.accept()
    wait(browser).until(EC.staleness_of(archive))
    wait(browser).until(EC.visibility_of_element_located((By.ID, "restore-student")))
    browser.get(f"{crm.base}/students")
    assert f"Jonas Archivable {browser.width}" not in browser.find_element(By.TAG_NAME, "main").text
    leave_by(browser, browser.find_element(By.ID, "archived-students"))
    wait(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Archived students"))
    assert no_sideways_scroll(browser)
    leave_by(browser, browser.find_element(By.LINK_TEXT, f"Jonas Archivable {browser.width}"))
    shot(browser, "student-archived")
    leave_by(browser, browser.find_element(By.ID, "restore-student"))
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Student restored."))
    assert crm.api.get(f"{crm.base}/api/students/{student['id']}").status_code == 200


def test_held_only_after_the_start_and_undo_sets_it_back(sized, crm):
    browser = sized
    student = add_student(crm, f"Li Held {browser.width}", f"li.held{browser.width}@student.example")
    future = add_consultation(crm, student["id"], "2031-03-04T09:00:00Z")
    past = add_consultation(crm, student["id"], "2024-03-04T09:00:00Z")
    sign_in(browser, crm)
    browser.get(f"{crm.base}/consultations/{future['id']}")
    assert not browser.find_elements(By.ID, "mark-completed")
    assert "once it has started" in browser.find_element(By.ID, "mark-later").text
    browser.get(f"{crm.base}/consultations/{past['id']}")
    assert browser.find_element(By.ID, "current-status").text == "Scheduled"
    leave_by(browser, browser.find_element(By.ID, "mark-completed"))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "current-status"), "Held"))
    assert no_sideways_scroll(browser)
    shot(browser, "consultation-held")
    leave_by(browser, browser.find_element(By.ID, "mark-scheduled"))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "current-status"), "Scheduled"))
    assert crm.api.get(f"{crm.base}/api/consultations/{past['id']}").json()["status"] == "scheduled"
