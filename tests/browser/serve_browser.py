#!/usr/bin/env python3
"""Drives `runbook serve` in headless Chromium as an operator would.

    serve_browser.py approve  BASE RUN NAME TOKEN SHOTS
    serve_browser.py rollback BASE RUN SANDBOX SHOTS

approve:  opens the run page of RUN while the rollout waits at its approval
          to route 100% of traffic, checks that the approval is pending and
          that the canary's conditions are shown, signs in as NAME with
          TOKEN, approves, and watches the page (never reloaded by this
          script: the page's live updates) until the run has completed.
rollback: opens the run page of RUN while it is in the canary, makes green
          fail through the sandbox's fault injection (SANDBOX), and watches
          the page until the emergency rollback appears, then until the run
          has rolled back.
Screenshots of each moment go to SHOTS. Any failed expectation exits 1 with
what the page said; the test around it (tests/serve_browser.test.sh) starts
and stops every process, this script only the browser.
"""
import json
import os
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# Chromium as this machine can run it: as root only without its sandbox, and
# without the background connections a closed network refuses.
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,900",
]


def start_browser(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + profile_dir)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


class Page:
    """The browser, with the waits and the evidence a failure needs."""

    def __init__(self, driver, shots):
        self.driver = driver
        self.shots = shots

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def state(self):
        """The run's state block (status, phase, step, the rollback it is in),
        which the page replaces live: not the plan, timeline or trigger list,
        which name rollbacks too."""
        return self.driver.find_element(By.ID, "state").text

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def wait_for(self, what, predicate, seconds, part=None):
        part = part or self.text
        try:
            WebDriverWait(self.driver, seconds, poll_frequency=0.2).until(lambda _: predicate(part()))
        except TimeoutException:
            self.shot("failed-" + what.replace(" ", "-"))
            with open(os.path.join(self.shots, "failed-" + what.replace(" ", "-") + ".txt"), "w") as out:
                out.write(self.text())
            sys.exit(f"FAIL: the page did not show {what} within {seconds} s; it says:\n{self.text()[:3000]}")

    def click_button(self, label):
        buttons = [b for b in self.driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == label]
        if not buttons:
            self.shot("failed-no-" + label.replace(" ", "-"))
            sys.exit(f"FAIL: no '{label}' button; the page says:\n{self.text()[:3000]}")
        buttons[0].click()


def sign_in(page, base, name, token):
    page.driver.get(base + "/login")
    page.driver.find_element(By.NAME, "name").send_keys(name)
    page.driver.find_element(By.NAME, "token").send_keys(token)
    page.click_button("Sign in")
    page.wait_for("the signed-in operator", lambda t: "signed in as" in t and name in t, 10)


def approve(page, base, run, name, token):
    page.driver.get(f"{base}/runs/{run}")
    page.wait_for("the pending approval", lambda t: "Waiting for an answer" in t and "Route 100% of traffic to green" in t, 60)
    text = page.text()
    # Read-only without signing in: no approval button, and the page says why.
    if any(b.text.strip() == "Approve" for b in page.driver.find_elements(By.TAG_NAME, "button")):
        sys.exit("FAIL: the run page offers 'Approve' to a visitor who has not signed in")
    for condition in ("error", "latency"):
        if condition not in text.lower():
            sys.exit(f"FAIL: the run page shows no canary condition about '{condition}':\n{text[:3000]}")
    page.shot("1-approval-pending")

    sign_in(page, base, name, token)
    page.driver.get(f"{base}/runs/{run}")
    page.wait_for("the approval for a signed-in operator", lambda t: "Route 100% of traffic to green" in t, 30)
    page.shot("2-signed-in")
    page.click_button("Approve")
    # The timeline, updated live, says who answered.
    page.wait_for("the operator's answer in the timeline", lambda t: any(
        " answer " in line and name in line for line in t.splitlines()), 30)
    page.shot("3-approved")
    page.wait_for("the run completed", lambda t: "Status\ncompleted" in t, 240, page.state)
    if any(b.text.strip() == "Abort" for b in page.driver.find_elements(By.TAG_NAME, "button")):
        sys.exit("FAIL: a completed run still offers Abort")
    page.shot("4-completed")

    page.driver.set_window_size(390, 844)   # a phone
    page.driver.get(base + "/")
    page.wait_for("the run on the runs page at phone width", lambda t: run in t, 30)
    page.shot("5-runs-page-phone")


def rollback(page, base, run, sandbox):
    page.driver.get(f"{base}/runs/{run}")
    page.wait_for("the run page", lambda t: run in t, 30)
    page.shot("1-canary-healthy")
    if "Rollback\n" in page.state():
        sys.exit("FAIL: the run page shows a rollback before any fault:\n" + page.state())
    fault = json.dumps({"green": {"error_rate": 30.0}}).encode()
    urllib.request.urlopen(urllib.request.Request(sandbox + "/sandbox/faults", data=fault, method="POST"), timeout=10)
    # The test holds the run in the canary until the page is open and green
    # fails: from here its checklists are answered again.
    if os.environ.get("RELEASE_FILE"):
        os.remove(os.environ["RELEASE_FILE"])
    page.wait_for("the emergency rollback", lambda t: "Rollback\nemergency" in t, 120, page.state)
    # The watched condition that failed says so in words.
    if "breached" not in page.state():
        page.shot("failed-no-breached-condition")
        sys.exit("FAIL: the run page does not show a breached condition:\n" + page.state()[:3000])
    page.shot("2-rollback-live")
    page.wait_for("the run rolled back", lambda t: "Status\nrolled" in t, 240, page.state)
    page.shot("3-rolled-back")


def main():
    mode = sys.argv[1]
    shots = sys.argv[-1]
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="runbook-chromium-") as profile:
        driver = start_browser(profile)
        try:
            page = Page(driver, shots)
            if mode == "approve":
                approve(page, *sys.argv[2:6])
            elif mode == "rollback":
                rollback(page, *sys.argv[2:5])
            else:
                sys.exit(f"unknown mode {mode}")
        finally:
            driver.quit()
    print(f"ok: {mode}")


if __name__ == "__main__":
    main()
