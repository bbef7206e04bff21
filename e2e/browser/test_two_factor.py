"""The owner's account in a real browser (SPEC 14): two-factor sign-in turned on from Settings ›
Security, sign-in with a code (computed by pyotp, an implementation independent of the app's),
with a recovery code that works once, and "sign out everywhere else" ending another session."""
import time

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, make_driver
from crm_server import OWNER_EMAIL, OWNER_PASSWORD
from test_first_hour import no_sideways_scroll
from test_pages import sign_in


def wait(browser, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def password_step(browser, crm) -> None:
    browser.get(f"{crm.base}/sign-in")
    browser.find_element(By.ID, "email").send_keys(OWNER_EMAIL)
    browser.find_element(By.ID, "password").send_keys(OWNER_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    wait(browser).until(EC.url_contains("/sign-in/code"))


def code_step(browser, code: str) -> None:
    field = browser.find_element(By.ID, "code")
    field.clear()
    field.send_keys(code)
    browser.find_element(By.CSS_SELECTOR, "#code-form button[type=submit]").click()


def sign_out(browser) -> None:
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait(browser).until(EC.url_contains("/sign-in"))


@pytest.fixture
def second_browser():
    driver = make_driver()
    yield driver
    driver.quit()


def test_two_factor_from_turning_on_to_signing_out_another_session(browser, second_browser, crm, screenshot):
    # Turn it on: the password, then the secret shown and a first code from the app.
    sign_in(browser, crm)
    browser.get(f"{crm.base}/settings/security")
    browser.find_element(By.ID, "start-password").send_keys(OWNER_PASSWORD)
    browser.find_element(By.ID, "two-factor-start").click()
    secret_element = wait(browser).until(EC.presence_of_element_located((By.ID, "totp-secret")))
    secret = secret_element.get_attribute("data-secret")
    assert secret_element.text.replace(" ", "") == secret
    uri = browser.find_element(By.ID, "totp-uri").get_attribute("href")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == secret and parsed.issuer == "Personal CRM" and parsed.name == OWNER_EMAIL
    assert parsed.digits == 6 and parsed.interval == 30
    screenshot("two-factor-setup")

    totp = pyotp.TOTP(secret)
    browser.find_element(By.ID, "confirm-code").send_keys("000000" if totp.now() != "000000" else "111111")
    browser.find_element(By.ID, "two-factor-confirm").click()
    assert "does not match" in wait(browser).until(EC.presence_of_element_located((By.ID, "confirm-code-error"))).text
    assert browser.find_element(By.ID, "totp-secret").get_attribute("data-secret") == secret  # the same secret again
    browser.find_element(By.ID, "confirm-code").send_keys(totp.now())
    browser.find_element(By.ID, "two-factor-confirm").click()
    codes = [c.text for c in wait(browser).until(
        EC.presence_of_all_elements_located((By.CSS_SELECTOR, "#recovery-codes li code")))]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "On since" in browser.find_element(By.ID, "two-factor-state").text
    screenshot("two-factor-recovery-codes")

    # Another browser: the password alone no longer opens the app; a code from the app does.
    other = second_browser
    password_step(other, crm)
    other.get(f"{crm.base}/students")
    wait(other).until(EC.url_contains("/sign-in"))
    password_step(other, crm)
    # The confirming code used this step; the next step's code is within the allowed drift.
    code_step(other, totp.at(time.time(), counter_offset=1))
    wait(other).until(EC.url_contains("/calendar"))
    sign_out(other)

    # A recovery code signs in once.
    password_step(other, crm)
    code_step(other, codes[0])
    wait(other).until(EC.url_contains("/settings/security"))
    assert other.find_element(By.ID, "recovery-left").text == "9"
    sign_out(other)
    password_step(other, crm)
    code_step(other, codes[0])
    error = wait(other).until(EC.presence_of_element_located((By.ID, "code-error")))
    assert "recovery code was already used" in error.text
    assert "/sign-in/code" in other.current_url
    other.save_screenshot(str(SCREENSHOTS / "two-factor-code-refused.png"))
    code_step(other, codes[1])
    wait(other).until(EC.url_contains("/settings/security"))

    # The first browser sees both sessions and signs the other out.
    browser.get(f"{crm.base}/settings/security")
    rows = browser.find_elements(By.CSS_SELECTOR, "#session-list tbody tr")
    assert len(rows) == 2, [r.text for r in rows]
    assert sum("(this one)" in r.text for r in rows) == 1
    screenshot("security-sessions")
    browser.find_element(By.ID, "end-other-sessions").click()
    browser.switch_to.alert.accept()
    wait(browser).until(EC.presence_of_element_located((By.ID, "no-other-sessions")))

    other.get(f"{crm.base}/students")
    wait(other).until(EC.url_contains("/sign-in"))
    assert other.find_element(By.TAG_NAME, "h1").text == "Sign in"

    # Everything above is in the audit log, newest first, with no code in it.
    log = browser.find_element(By.ID, "audit-log").text
    assert "Sessions ended" in log and "Two-factor turned on" in log
    assert "password and recovery code (8 left)" in log and "password and authenticator code" in log
    assert "recovery code already used" in log
    for secret_text in codes + [secret, OWNER_PASSWORD]:
        assert secret_text not in browser.page_source

    # On a phone the page fits the screen: long tables scroll inside their own box.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    browser.get(f"{crm.base}/settings/security")
    assert no_sideways_scroll(browser)
    screenshot("security-phone")

    # From the server, `crm user reset-2fa` turns it off: the password alone signs in again.
    with pytest.raises(RuntimeError, match="nobody@example.com"):
        crm.run("user", "reset-2fa", "--email", "nobody@example.com")
    out = crm.run("user", "reset-2fa", "--email", OWNER_EMAIL)
    assert "Two-factor sign-in is off" in out
    sign_in(other, crm)
    other.get(f"{crm.base}/settings/security")
    assert other.find_element(By.ID, "start-password").is_displayed()
