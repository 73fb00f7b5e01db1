#!/usr/bin/python3
"""The web console in a real browser (headless Chromium through Selenium).

    serve_browser.py BASE_URL RUN_ID TOKEN SCREENSHOT_DIR

Opens the run page of RUN_ID (waiting at an approval), sees the approval
pending and no way to act, signs in as alice with TOKEN, approves, and
watches the page (live, by its event stream: no reload) show the run
completed. Screenshots of each stage go to SCREENSHOT_DIR. Exits 1 on the
first thing not seen, saying what.
"""
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

base, run_id, token, shots = sys.argv[1:5]


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000", "--user-data-dir=" + tempfile.mkdtemp(prefix="serve-chromium-")):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, text, seconds=30, where=(By.TAG_NAME, "body")):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if text in driver.find_element(*where).text:
                return True
        except WebDriverException:   # The page is being replaced (a click navigated): look again.
            pass
        time.sleep(0.2)
    return False


def check(ok, what, driver):
    if not ok:
        driver.save_screenshot(os.path.join(shots, "failed.png"))
        print("FAIL: " + what, file=sys.stderr)
        driver.quit()
        sys.exit(1)


driver = browser()
driver.get(base + "/runs/" + run_id)
check(wait_for(driver, "Waiting for an answer"), "the run page does not show the pending approval", driver)
check(not driver.find_elements(By.XPATH, "//button[text()='Approve']"), "an Approve button before signing in", driver)
driver.save_screenshot(os.path.join(shots, "1-waiting-read-only.png"))

driver.get(base + "/login")
driver.find_element(By.NAME, "name").send_keys("alice")
driver.find_element(By.NAME, "token").send_keys(token)
driver.find_element(By.XPATH, "//button[text()='Sign in']").click()
check(wait_for(driver, "signed in as alice"), "signing in did not work", driver)

driver.get(base + "/runs/" + run_id)
check(wait_for(driver, "Waiting for an answer"), "the signed-in run page lost the approval", driver)
driver.save_screenshot(os.path.join(shots, "2-signed-in.png"))
driver.find_element(By.XPATH, "//button[text()='Approve']").click()
check(wait_for(driver, "Your answer was sent"), "approving did not say it was sent", driver)
# From here the page is not reloaded: the event stream brings the rest.
check(wait_for(driver, "completed", 60, (By.ID, "state")), "the page never showed the run completed", driver)
check(not driver.find_elements(By.XPATH, "//button[text()='Abort']"), "a completed run still offers Abort", driver)
timeline = driver.find_element(By.ID, "timeline").text
check("alice" in timeline, "the timeline does not show alice's answer", driver)
driver.save_screenshot(os.path.join(shots, "3-completed.png"))

driver.set_window_size(390, 844)   # a phone
driver.get(base + "/")
check(wait_for(driver, run_id), "the runs page on a phone lacks the run", driver)
driver.save_screenshot(os.path.join(shots, "4-runs-phone.png"))
driver.quit()
print("browser: approval seen, signed in, approved, completion seen live")
