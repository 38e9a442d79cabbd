#!/usr/bin/python3
"""e2e: a real headless Chromium (Debian's chromium + chromium-driver, through python3-selenium)
drives the operator's console of a 3-replica cluster started with tools/cluster (ZooKeeper
ensemble, PostgreSQL, mesos-sim, HAProxy), the replicas holding an API token.

It checks what an operator relies on: the leader and epoch shown are /v6/leader/'s; a write
without the token shows the 401 on the page; Pause through the page (with the token) turns the
card PAUSED and /v6/status/ agrees; after a SIGKILL of the leader the failover timeline shows
the new term with the duration of each promotion step; a job named <img src=x onerror=alert(1)> shows as those
characters (no alert, no element); a follower's console shows the same leader; a node is paused
and resumed with a reason; the Content-Security-Policy refuses nothing the page does. It writes a
PNG of every page to $SCALE_BUILD_DIR/console-screenshots/.

Run by ctest (label e2e) with /usr/bin/python3, which has Debian's selenium.
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_support import (SHOTS, TOKEN, Cluster, Console, fail, http,  # noqa: E402
                             require_tools, start_browser, wait_for)

XSS_NAME = "<img src=x onerror=alert(1)>"


def submit(cluster, name, priority, cpus, url=None):
    status, body = http(f"{url or cluster.haproxy}/v6/jobs/", "POST",
                        {"name": name, "command": "true", "priority": priority,
                         "resources": {"cpus": cpus, "mem": 64}}, TOKEN)
    if status != 201:
        fail(f"submitting {name!r}: {status} {body}")
    return body["id"]


def submit_jobs(cluster):
    """Jobs for every page: the XSS name (too large for any agent, so it stays QUEUED), others at
    two more priorities that run and finish on the emulator."""
    xss_id = submit(cluster, XSS_NAME, 100, 1000)
    big_id = submit(cluster, "too big as well", 10, 500)
    for i in range(6):
        submit(cluster, f"render-{i}", 50 if i % 2 else 100, 0.5)
    return xss_id, big_id


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


def job_status(cluster, job_id):
    status, job = http(f"{cluster.haproxy}/v6/jobs/{job_id}/")
    return job["status"] if status == 200 else None


def check_cancel_and_requeue(console, cluster, job_id):
    """Cancel a queued job from the jobs table, then requeue it from the canceled ones."""
    console.go("jobs?status=QUEUED")
    # Retried: a refresh may redraw the row between finding a button and clicking it.
    wait_for("clicking cancel", lambda: console.click(f'[data-key="cancel-{job_id}"]'))
    wait_for("the job CANCELED", lambda: job_status(cluster, job_id) == "CANCELED")
    console.go("jobs?status=CANCELED")
    wait_for("clicking requeue", lambda: console.click(f'[data-key="requeue-{job_id}"]'))
    wait_for("the requeue accepted on the page", lambda: "requeue accepted" in
             console.text("jobs-result"))
    wait_for("the job QUEUED again", lambda: job_status(cluster, job_id) == "QUEUED", timeout=15)
    console.shot("jobs-requeued")
    print(f"job {job_id} canceled and requeued from the jobs page", flush=True)


def check_nodes(console, cluster):
    console.go("nodes")

    def first_of_two_nodes():
        rows = console.css("#nodes-table tbody tr")
        return len(rows) == 2 and rows[0].find_element(console.By.CSS_SELECTOR, "td").text

    # Read inside the wait: a refresh may redraw the rows between finding one and reading it.
    node_id = wait_for("two nodes", first_of_two_nodes)

    def type_reason():
        field = console.find(f"reason-{node_id}")
        field.clear()
        field.send_keys("disk replacement")
        return field.get_attribute("value") == "disk replacement"

    # Retried: a refresh may redraw the row between finding a control and using it.
    wait_for("typing the pause reason", type_reason, timeout=10)
    wait_for("clicking Pause", lambda: console.click(f'[data-key="pause-{node_id}"]'), timeout=10)
    wait_for("the node paused on the page",
             lambda: "paused: disk replacement" in console.text("nodes-table"))
    _, nodes = http(f"{cluster.haproxy}/v6/nodes/")
    node = next(n for n in nodes["results"] if str(n["id"]) == node_id)
    if not node["is_paused"] or node["pause_reason"] != "disk replacement":
        fail(f"/v6/nodes/ does not agree: {node}")
    console.shot("nodes")
    wait_for("clicking Resume", lambda: console.click(f'[data-key="resume-{node_id}"]'), timeout=10)
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


def new_leader(url, old):
    status, leader = http(f"{url}/v6/leader/")
    return leader if status == 200 and leader["epoch"] > old["epoch"] else None


def check_failover(console, cluster, old):
    """SIGKILL of the leader: the console (of a replica that lives on) shows the new term with
    the duration of each promotion step, first launch included (jobs wait for the new leader)."""
    cluster.kill_leader()
    # A replica that lives on: HAProxy answers 502 until it marks the killed leader down.
    live = cluster.replica_url(next(i for i in (1, 2, 3) if f"replica-{i}" != old["replica_id"]))
    for i in range(3):
        submit(cluster, f"after-failover-{i}", 50, 0.5, live)
    leader = wait_for("a new leader", lambda: new_leader(live, old), timeout=30)
    console.go("failovers")
    row = f'#terms-table tbody tr[data-epoch="{leader["epoch"]}"] .steps'
    steps = wait_for(f"epoch {leader['epoch']}'s steps up to the first launch",
                     lambda: [c.text for c in console.css(row) if "first_launch" in c.text],
                     timeout=30)[0]
    for name in ("elected", "fenced", "state_loaded", "subscribed", "reconciled", "first_launch"):
        if f"{name} " not in steps or " ms" not in steps:
            fail(f"step {name} missing from {steps!r}")
    _, document = http(f"{live}/v6/status/")
    terms = document["cluster"]["terms"]
    with open(os.path.join(SHOTS, "terms-after-sigkill.json"), "w") as out:
        json.dump(terms, out, indent=2)
    console.shot("failovers-after-sigkill")
    print(f"epoch {old['epoch']} -> {leader['epoch']} ({leader['replica_id']}): {steps}",
          flush=True)


def check_console_log(driver):
    """The Content-Security-Policy refused nothing: no inline code, no foreign fetch."""
    refused = [entry["message"] for entry in driver.get_log("browser")
               if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    if refused:
        fail("the page broke its Content-Security-Policy:\n" + "\n".join(refused))


def run(work):
    require_tools()
    shutil.rmtree(SHOTS, ignore_errors=True)  # no picture of an earlier run is left to mislead
    os.makedirs(SHOTS)
    cluster = Cluster(work)
    driver = None
    try:
        cluster.up()
        xss_id, big_id = submit_jobs(cluster)
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
        check_cancel_and_requeue(console, cluster, big_id)
        check_nodes(console, cluster)
        check_queue_and_failovers(console)
        check_console_log(driver)
        check_follower(console, cluster, leader)
        console.go("overview")
        wait_for("the overview again", lambda: console.text("leader-replica") == leader["replica_id"])
        console.shot("overview-follower")
        check_failover(console, cluster, leader)
        check_console_log(driver)
        print(f"browser part {time.monotonic() - started:.1f} s", flush=True)
    except BaseException as error:
        # First, so that a shortened CI log still shows what failed before the cluster's logs.
        print(f"FAILED: {error!r}", flush=True)
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


# The test's own deadline, well inside ctest's TIMEOUT (240 s, which ends a test with SIGKILL and
# so would skip every cleanup): past it the run fails through the finally blocks.
BUDGET_S = 180


def out_of_time(*_):
    raise TimeoutError(f"the console browser test ran past its {BUDGET_S} s budget")


def main():
    # SIGTERM, Ctrl-C and the budget end the run through the finally blocks: browser quit,
    # cluster down (every process it started, by pid).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(BUDGET_S)
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
