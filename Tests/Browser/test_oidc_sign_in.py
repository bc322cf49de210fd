"""Signing in through an OpenID provider in a real browser: Debian's chromium, driven by
selenium, goes from Docket's sign-in page to oidc-provider-mock (a real OpenID provider, on
loopback), picks the user there, and lands back on Docket signed in with the roles the
provider's groups map to.

Run by scripts/test:  python3 Tests/Browser/test_oidc_sign_in.py DOCKET_BINARY SCREENSHOT_DIR
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from loopback import chromium, free_port, stop, wait_for

DOCKET = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket"
SHOTS = sys.argv[2] if len(sys.argv) > 2 else ".build/browser-screenshots"


class SignInThroughTheProvider(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="docket-oidc-browser-")
        cls.processes = []
        cls.logs = []
        provider_port = free_port()
        cls.issuer = f"http://127.0.0.1:{provider_port}"
        user = {"sub": "browser-subject-42", "preferred_username": "Bea.Browser@council.example",
                "name": "Bea Browser", "groups": ["g-clerks", "g-officers"]}
        cls.start("provider", [sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port),
                               "--user-claims", json.dumps(user)],
                  cls.issuer + "/.well-known/openid-configuration")
        secret = os.path.join(cls.work, "secret")
        with open(secret, "w") as handle:
            handle.write("browser-test-secret\n")
        os.chmod(secret, 0o600)
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        config = os.path.join(cls.work, "oidc.json")
        with open(config, "w") as handle:
            json.dump({"issuer": cls.issuer, "client_id": "docket-browser", "client_secret_file": secret,
                       "redirect_url": cls.base + "/sign-in/oidc/callback", "display_name": "Council ID",
                       "role_mapping": {"g-clerks": ["clerk"], "g-officers": ["officer"]}}, handle)
        cls.start("docket", [DOCKET, "serve", "--demo", "--archive", os.path.join(cls.work, "archive"),
                             "--port", str(cls.port), "--oidc", config], cls.base + "/sign-in")
        cls.driver = chromium()
        cls.driver.set_script_timeout(120)  # axe runs as an asynchronous script
        os.makedirs(SHOTS, exist_ok=True)

    @classmethod
    def start(cls, name, command, ready_url):
        log = os.path.join(cls.work, f"{name}.log")
        output = open(log, "w")
        cls.logs.append(output)
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        cls.processes.append(process)
        wait_for(ready_url, process, log)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        for process in cls.processes:
            stop(process, process.args[0])
        for output in cls.logs:
            output.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_a_clerk_and_officer_signs_in_through_the_provider(self):
        driver = self.driver
        driver.get(self.base + "/submissions")
        self.assertIn("/sign-in", driver.current_url)
        driver.save_screenshot(os.path.join(SHOTS, "oidc-sign-in.png"))
        axe = Axe(driver)
        axe.inject()
        bad = [v["id"] for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
        self.assertEqual([], bad, "axe on the sign-in page")
        driver.find_element(By.ID, "sign-in-provider").click()
        # On the provider's page: the predefined user's button.
        WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(self.issuer))
        driver.save_screenshot(os.path.join(SHOTS, "oidc-provider.png"))
        driver.find_element(By.CSS_SELECTOR, "button[name=sub][value='browser-subject-42']").click()
        WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(self.base + "/submissions"))
        driver.save_screenshot(os.path.join(SHOTS, "oidc-signed-in.png"))
        masthead = driver.find_element(By.CSS_SELECTOR, "header.masthead").text
        self.assertIn("Signed in as bea.browser", masthead)
        self.assertIn("(clerk, officer)", masthead)
        self.assertEqual(driver.find_element(By.TAG_NAME, "h1").text, "Submissions")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
