#!/usr/bin/python3
"""e2e: a real headless Chromium (Debian's chromium + chromium-driver, through python3-selenium)
drives the operator's console of a 3-replica cluster started with tools/cluster (ZooKeeper
ensemble, PostgreSQL, mesos-sim, HAProxy), the replicas holding an API token.

It checks what an operator relies on: the leader and epoch shown are /v6/leader/'s; a write
without the token shows the 401 on the page; Pause through the page (with the token) turns the
card PAUSED and /v6/status/ agrees; a job named <img src=x onerror=alert(1)> shows as those
characters (no alert, no element); a follower's console shows the same leader; a node is paused
and resumed with a reason; the Content-Security-Policy refuses nothing the page does. It writes a
PNG of every page to $SCALE_BUILD_DIR/console-screenshots/.

Run by ctest (label e2e) with /usr/bin/python3, which has Debian's selenium.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.environ["SCALE_SOURCE_DIR"]
BUILD = os.environ["SCALE_BUILD_DIR"]
TOKEN = "console-e2e-token-0123456789"
XSS_NAME = "<img src=x onerror=alert(1)>"
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


def submit_jobs(cluster):
    """Jobs for every page: the XSS name (too large for any agent, so it stays QUEUED), others at
    two more priorities that run and finish on the emulator."""
    def submit(name, priority, cpus):
        status, body = http(f"{cluster.haproxy}/v6/jobs/", "POST",
                            {"name": name, "command": "true", "priority": priority,
                             "resources": {"cpus": cpus, "mem": 64}}, TOKEN)
        if status != 201:
            fail(f"submitting {name!r}: {status} {body}")
        return body["id"]
    xss_id = submit(XSS_NAME, 100, 1000)
    submit("too big as well", 10, 500)
    for i in range(6):
        submit(f"render-{i}", 50 if i % 2 else 100, 0.5)
    return xss_id


def check_leader(console, cluster):
    status, leader = http(f"{cluster.haproxy}/v6/leader/")
    if status != 200:
        fail(f"/v6/leader/ answered {status}: {leader}")
    wait_for("the leader shown to be /v6/leader/'s",
             lambda: console.text("leader-replica") == leader["replica_id"]
             and console.text("leader-epoch") == str(leader["epoch"]))
    print(f"leader {leader['replica_id']} epoch {leader['epoch']} shown", flush=True)
    return leader


def check_pause(console, cluster):
    # No token in the page yet: the replicas refuse the write and the page says so.
    wait_for("the pause button", lambda: console.find("pause-button").is_enabled())
    console.find("pause-button").click()
    wait_for("the 401 on the page",
             lambda: console.find("banner").is_displayed() and "401" in console.text("banner"))
    if "401" not in console.text("pause-result"):
        fail(f"pause result without the token: {console.text('pause-result')!r}")
    console.shot("unauthorized")
    # With the token, typed once into the page.
    console.find("token-input").send_keys(TOKEN)
    console.find("token-form").submit()
    wait_for("the banner to clear", lambda: not console.find("banner").is_displayed())
    console.find("pause-button").click()
    wait_for("the card to turn PAUSED", lambda: console.text("scheduler-state") == "PAUSED",
             timeout=15)
    status, document = http(f"{cluster.haproxy}/v6/status/")
    if status != 200 or document["scheduler"]["state"]["name"] != "PAUSED":
        fail(f"/v6/status/ does not agree: {status} {document and document['scheduler']['state']}")
    console.shot("overview-paused")
    wait_for("the resume button", lambda: console.text("pause-button") == "Resume scheduling")
    console.find("pause-button").click()
    wait_for("the card to turn READY again", lambda: console.text("scheduler-state") == "READY",
             timeout=15)
    print("pause through the page: PAUSED, /v6/status/ agrees, resumed", flush=True)


def check_xss(console, xss_id):
    console.go("jobs?status=QUEUED")
    cell = wait_for("the XSS job in the jobs table",
                    lambda: [c for c in console.css(f'tr[data-job="{xss_id}"] .job-name')])
    if cell[0].text != XSS_NAME:
        fail(f"the job name shows as {cell[0].text!r}")
    console.no_alert()
    images = console.driver.execute_script("return document.querySelectorAll('img').length")
    if images:
        fail(f"{images} <img> elements in the page: the name was parsed as HTML")
    console.shot("jobs")
    console.go(f"jobs/{xss_id}")
    wait_for("the job page", lambda: console.text("job-id") == str(xss_id)
             and XSS_NAME in console.text("job-fields"))
    console.no_alert()
    console.shot("job")
    print("XSS job name shown as text, no alert, no element", flush=True)


def check_nodes(console, cluster):
    console.go("nodes")
    rows = wait_for("two nodes", lambda: len(console.css("#nodes-table tbody tr")) == 2
                    and console.css("#nodes-table tbody tr"))
    node_id = rows[0].find_element(console.By.CSS_SELECTOR, "td").text
    console.find(f"reason-{node_id}").send_keys("disk replacement")
    console.driver.find_element(console.By.CSS_SELECTOR, f'[data-key="pause-{node_id}"]').click()
    wait_for("the node paused on the page",
             lambda: "paused: disk replacement" in console.text("nodes-table"))
    _, nodes = http(f"{cluster.haproxy}/v6/nodes/")
    node = next(n for n in nodes["results"] if str(n["id"]) == node_id)
    if not node["is_paused"] or node["pause_reason"] != "disk replacement":
        fail(f"/v6/nodes/ does not agree: {node}")
    console.shot("nodes")
    console.driver.find_element(console.By.CSS_SELECTOR, f'[data-key="resume-{node_id}"]').click()
    wait_for("the node resumed", lambda: "paused" not in console.text("nodes-table"))
    print(f"node {node_id} paused with a reason and resumed through the page", flush=True)


def check_queue_and_failovers(console):
    console.go("queue")
    wait_for("the queue by priority", lambda: len(console.css("#priorities-table tbody tr")) >= 2)
    console.shot("queue")
    console.go("failovers")
    # cluster.terms comes from another part of the replica; without it the page says so.
    wait_for("the failovers page",
             lambda: console.css("#terms-table tbody tr")
             or "No failover history yet" in console.text("terms-empty"))
    console.shot("failovers")


def check_follower(console, cluster, leader):
    follower = next(i for i in (1, 2, 3) if f"replica-{i}" != leader["replica_id"])
    console.open(f"{cluster.replica_url(follower)}/ui/")
    wait_for("the follower's console to show the same leader",
             lambda: console.text("leader-replica") == leader["replica_id"]
             and console.text("answered-by") == f"replica-{follower}")
    print(f"replica-{follower} (follower) shows leader {leader['replica_id']}", flush=True)


def check_console_log(driver):
    """The Content-Security-Policy refused nothing: no inline code, no foreign fetch."""
    refused = [entry["message"] for entry in driver.get_log("browser")
               if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    if refused:
        fail("the page broke its Content-Security-Policy:\n" + "\n".join(refused))


def run(work):
    require_tools()
    os.makedirs(SHOTS, exist_ok=True)
    cluster = Cluster(work)
    driver = None
    try:
        cluster.up()
        xss_id = submit_jobs(cluster)
        started = time.monotonic()
        driver = start_browser(work)
        console = Console(driver)
        console.open(f"{cluster.haproxy}/")  # "/" redirects to ui/
        if not driver.current_url.endswith("/ui/"):
            fail(f"/ did not redirect to ui/: {driver.current_url}")
        leader = check_leader(console, cluster)
        console.shot("overview")
        check_pause(console, cluster)
        check_xss(console, xss_id)
        check_nodes(console, cluster)
        check_queue_and_failovers(console)
        check_console_log(driver)
        check_follower(console, cluster, leader)
        console.go("overview")
        wait_for("the overview again", lambda: console.text("leader-replica") == leader["replica_id"])
        console.shot("overview-follower")
        check_console_log(driver)
        print(f"browser part {time.monotonic() - started:.1f} s", flush=True)
    except BaseException:
        if driver is not None:
            try:
                driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
            except Exception:
                pass
        cluster.logs()
        raise
    finally:
        if driver is not None:
            driver.quit()
        cluster.down()


def main():
    # ctest's timeout and Ctrl-C end the run through the finally blocks: cluster down, browser quit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="scale-console-test.")
    os.chmod(work, 0o755)  # PostgreSQL runs as user postgres inside the run directory
    started = time.monotonic()
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"console browser test: ok ({time.monotonic() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
