"""The booking page in a browser whose time zone is set: times appear in that zone, the zone
picker changes them, and the zone chosen becomes the invitee's `timezone`, as on Calendly's page.
(Without script the page shows UTC; the Swift tests check that side.)"""
from datetime import datetime
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def in_zone(start: str, zone: str) -> str:
    """A slot's label as the page writes it, e.g. `Wed 2 Dec 2026, 18:00 Asia/Tokyo`."""
    moment = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{moment:%a} {moment.day} {moment:%b} {moment.year}, {moment:%H:%M} {zone}"


def open_booking_page(driver, sandbox, browser_zone: str):
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": browser_zone})
    driver.get(sandbox.base + "/sam-rivera/consultation-30")
    wait = WebDriverWait(driver, 20)
    wait.until(lambda b: b.find_element(By.ID, "timezone").get_attribute("value") == browser_zone)
    return wait


def first_slot(driver):
    label = driver.find_element(By.CSS_SELECTOR, ".slot-time[data-start]")
    return label, label.get_attribute("data-start")


def test_times_follow_the_browser_and_the_picker_and_the_zone_is_posted(sandbox, driver):
    # given a browser in Tokyo
    wait = open_booking_page(driver, sandbox, "Asia/Tokyo")

    # then the times are shown in Tokyo time
    label, start = first_slot(driver)
    wait.until(lambda b: label.text == in_zone(start, "Asia/Tokyo"))

    # when the invitee picks New York
    Select(driver.find_element(By.ID, "timezone")).select_by_value("America/New_York")

    # then the times follow
    wait.until(lambda b: label.text == in_zone(start, "America/New_York"))

    # when they book
    driver.find_element(By.CSS_SELECTOR, "input[name=start_time]").click()
    driver.find_element(By.ID, "name").send_keys("Zone Student")
    driver.find_element(By.ID, "email").send_keys("zone@student.example")
    driver.find_element(By.ID, "schedule-event").click()
    wait.until(lambda b: b.find_elements(By.ID, "scheduled"))

    # then the invitee's timezone is the one picked
    invitee_uri = driver.find_element(By.TAG_NAME, "body").get_attribute("data-invitee-uri")
    invitee = sandbox.get(invitee_uri).json()["resource"]
    assert invitee["timezone"] == "America/New_York"
    event = sandbox.get(invitee["event"]).json()["resource"]
    assert event["start_time"] == start


def test_a_browser_zone_missing_from_the_list_is_added_and_chosen(sandbox, driver):
    # given a browser in a zone the page does not list
    wait = open_booking_page(driver, sandbox, "America/St_Johns")

    # then it is offered first and the times are in it
    options = Select(driver.find_element(By.ID, "timezone")).options
    assert options[0].get_attribute("value") == "America/St_Johns"
    label, start = first_slot(driver)
    wait.until(lambda b: label.text == in_zone(start, "America/St_Johns"))
