"""A `crm serve` and a headless Chromium for the page tests. Screenshots go to
e2e/browser/screenshots/ for review."""
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from crm_server import CRMServer

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def crm():
    server = CRMServer()
    yield server
    server.stop()


def make_driver(width: int = 1280, height: int = 900) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def leave_by(browser, element, seconds: float = 10) -> None:
    """Clicks `element`, which loads another page, and waits until the page it was on is gone.
    Waiting at once for something on the next page could find it on the old one (a flash message
    from the save before), or read the old page while Chromium replaces it, which Chromium fails
    with an error that is not a stale element's."""
    element.click()
    WebDriverWait(browser, seconds).until(EC.staleness_of(element))


@pytest.fixture
def browser():
    driver = make_driver()
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    return take
