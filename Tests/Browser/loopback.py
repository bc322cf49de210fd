"""What Docket's Python end-to-end tests share: a free port on loopback, waiting for a server
(with a time limit), and headless Chromium from Debian's packages."""

import shutil
import socket
import subprocess
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, process, log_path, seconds=120):
    """Waits until `url` answers; fails with the log when `process` exits or time runs out."""
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            if time.time() > deadline or process.poll() is not None:
                raise RuntimeError(f"{url} did not come up: " + open(log_path).read())
            time.sleep(0.3)


def chromium():
    """Headless Chromium driven by Debian's chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                     "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def stop(process, name="docket serve"):
    """SIGTERM, then 30 s to stop; killed after that, and the test fails: a server must stop cleanly."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"{name} was still running 30 s after SIGTERM: killed")
