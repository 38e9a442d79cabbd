"""What the console's browser test needs around the page: HTTP calls to the replicas, waiting,
the tools/cluster cluster it starts on free ports, and the headless Chromium it drives."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.environ["SCALE_SOURCE_DIR"]
BUILD = os.environ["SCALE_BUILD_DIR"]
TOKEN = "console-e2e-token-0123456789"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = os.path.join(BUILD, "console-screenshots")


def fail(message):
    raise AssertionError(message)


def require_tools():
    """A missing package is a failure naming it (tools/install-deps installs all three)."""
    missing = [pkg for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"))
               if not os.access(path, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        fail(f"missing Debian packages: {' '.join(missing)} (run tools/install-deps)")


def http(url, method="GET", body=None, token=None):
    """(status, parsed JSON or None) of one call; never raises for an HTTP error status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def wait_for(what, check, timeout=20.0, interval=0.2):
    """Polls check() until it returns something truthy; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as error:  # a page element not there yet, a connection refused...
            last = error
        time.sleep(interval)
    fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


class Cluster:
    """tools/cluster in a temp run directory on a free block of ports; down() stops it all."""

    def __init__(self, work):
        self.work = work
        token_file = os.path.join(work, "api-token")
        with open(token_file, "w") as out:
            out.write(TOKEN + "\n")
        os.chmod(token_file, 0o644)
        base = subprocess.run(
            ["bash", "-c", f"source {ROOT}/tests/support/free_base_port.sh; free_base_port"],
            check=True, capture_output=True, text=True).stdout.strip()
        self.base = int(base)
        self.run_dir = os.path.join(work, "cluster")
        self.env = dict(os.environ, SCALE_BIN=os.path.join(BUILD, "scheduler", "scale-scheduler"),
                        SCALE_RUN_DIR=self.run_dir, SCALE_BASE_PORT=base,
                        SCALE_SIM_TASK_MS="300-800",
                        SCALE_REPLICA_FLAGS=f"--api_token_file={token_file}")
        self.tool = os.path.join(ROOT, "tools", "cluster")

    def up(self):
        started = time.monotonic()
        result = subprocess.run([self.tool, "up", "-n", "3", "--agents", "2"], env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"tools/cluster up failed:\n{result.stdout}\n{result.stderr}")
        print(f"cluster up in {time.monotonic() - started:.1f} s", flush=True)

    def down(self):
        subprocess.run([self.tool, "down"], env=self.env, capture_output=True)

    def kill_leader(self):
        result = subprocess.run([self.tool, "kill-leader", "--signal", "KILL"], env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"tools/cluster kill-leader failed:\n{result.stdout}\n{result.stderr}")

    def logs(self):
        subprocess.run([self.tool, "logs"], env=self.env)

    def replica_url(self, i):
        return f"http://127.0.0.1:{self.base + 40 + i}"

    @property
    def haproxy(self):
        return f"http://127.0.0.1:{self.base + 80}"


def start_browser(work):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The flags this machine needs (no sandbox as root; no background connections to a closed
    # network), and a new empty profile.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--window-size=1366,900",
                 f"--user-data-dir={os.path.join(work, 'chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_path=os.path.join(work, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(20)
    return driver


class Console:
    """The page, seen through Selenium."""

    def __init__(self, driver):
        from selenium.webdriver.common.by import By
        self.driver = driver
        self.By = By

    def open(self, url):
        self.driver.get(url)
        wait_for("the console to load", lambda: self.text("freshness").startswith("data from"))

    def go(self, page):
        self.driver.execute_script("location.hash = arguments[0]", f"#/{page}")

    def find(self, element_id):
        return self.driver.find_element(self.By.ID, element_id)

    def text(self, element_id):
        return self.find(element_id).text

    def click(self, selector):
        self.driver.find_element(self.By.CSS_SELECTOR, selector).click()
        return True

    def css(self, selector):
        return self.driver.find_elements(self.By.CSS_SELECTOR, selector)

    def shot(self, name):
        # The whole page, not just the window: grow the window to the document first.
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1366, max(900, min(int(height) + 20, 4000)))
        path = os.path.join(SHOTS, f"{name}.png")
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1366, 900)
        print(f"screenshot {path}", flush=True)

    def no_alert(self):
        from selenium.common.exceptions import NoAlertPresentException
        try:
            alert = self.driver.switch_to.alert
        except NoAlertPresentException:
            return
        fail(f"an alert opened: {alert.text!r}")
