"""Signing in through an OpenID provider, end to end: a real `docket serve --oidc` on loopback,
the misbehaving provider of provider.py on loopback, and a real HTTP client (requests)
following every redirect by hand as a browser would.

Run by scripts/test:  python3 Tests/OIDC/test_oidc_flow.py DOCKET_BINARY
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "Browser")]
from loopback import free_port, stop, wait_for  # noqa: E402
from provider import ProviderServer  # noqa: E402

DOCKET = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket"
CLIENT_ID = "docket-test-client"
CLIENT_SECRET = "a secret+with/odd:characters"
TIMEOUT = 30  # every HTTP request's limit, seconds


class OpenIDSignIn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="docket-oidc-")
        cls.provider = ProviderServer(CLIENT_ID, CLIENT_SECRET).start()
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        secret = os.path.join(cls.work, "client-secret")
        with open(secret, "w") as handle:
            handle.write(CLIENT_SECRET + "\n")
        os.chmod(secret, 0o600)
        cls.config = os.path.join(cls.work, "oidc.json")
        with open(cls.config, "w") as handle:
            json.dump({
                "issuer": cls.provider.issuer, "client_id": CLIENT_ID, "client_secret_file": secret,
                "redirect_url": cls.base + "/sign-in/oidc/callback", "display_name": "Test Council ID",
                "role_mapping": {"g-officers": ["officer"], "g-clerks": ["clerk"], "g-other": ["viewer"]},
                # Every unknown key may refetch the key set at once (the rotation test needs it).
                "jwks_refetch_seconds": 0,
            }, handle)
        cls.log = open(os.path.join(cls.work, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [DOCKET, "serve", "--demo", "--archive", os.path.join(cls.work, "archive"), "--port", str(cls.port),
             "--oidc", cls.config, "--no-password-sign-in"],
            stdout=cls.log, stderr=subprocess.STDOUT)
        wait_for(cls.base + "/sign-in", cls.server, cls.log.name)

    @classmethod
    def tearDownClass(cls):
        cls.provider.stop()
        cls.log.close()
        stop(cls.server)
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.provider.control(mode="good", jwks=["rsa-1", "rsa-2", "ec-1"], claims={
            "sub": "entra-subject-0001", "preferred_username": "Jo.Bloggs@council.example",
            "name": "Jo Bloggs", "email": "jo.bloggs@council.example", "groups": ["g-officers"]})

    # The flow, one hop at a time.

    def start(self, browser, next_path="/submissions"):
        """Docket's start: a 303 to the provider's authorization endpoint. Returns that URL."""
        answer = browser.get(self.base + "/sign-in/oidc", params={"next": next_path}, allow_redirects=False,
                             timeout=TIMEOUT)
        self.assertEqual(answer.status_code, 303, answer.text)
        location = answer.headers["Location"]
        self.assertTrue(location.startswith(self.provider.issuer + "/authorize?"), location)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        self.assertEqual(query["code_challenge_method"], "S256")
        self.assertGreaterEqual(len(query["state"]), 22)
        self.assertTrue(query["nonce"])
        return location

    def authorize(self, location):
        """The provider's answer: a redirect back to Docket's callback with a code."""
        answer = requests.get(location, allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(answer.status_code, 302, answer.text)
        callback = answer.headers["Location"]
        self.assertTrue(callback.startswith(self.base + "/sign-in/oidc/callback?"), callback)
        return callback

    def sign_in(self, browser=None):
        """The whole flow; returns (browser, the callback's answer)."""
        browser = browser or requests.Session()
        callback = self.authorize(self.start(browser))
        return browser, browser.get(callback, allow_redirects=False, timeout=TIMEOUT)

    def assert_signed_in(self, browser, answer, roles):
        self.assertEqual(answer.status_code, 303, answer.text)
        self.assertEqual(answer.headers["Location"], "/submissions")
        self.assertIn("docket_session", browser.cookies)
        page = browser.get(self.base + "/", allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 200, page.text)
        self.assertIn(f"({roles})", page.text)
        return page

    def assert_refused(self, browser, answer, status, words):
        self.assertEqual(answer.status_code, status, answer.text)
        self.assertIn(words, answer.text)
        self.assertNotIn("docket_session", browser.cookies)
        page = browser.get(self.base + "/", allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].startswith("/sign-in"))

    def audit(self):
        run = subprocess.run([DOCKET, "audit", "--json", "--archive", os.path.join(self.work, "archive")],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        entries = json.loads(run.stdout)
        return entries if isinstance(entries, list) else entries.get("entries", [])

    # What must work.

    def test_two_groups_give_two_roles_and_roles_follow_the_provider(self):
        self.provider.control(claims={**self.provider.claims, "groups": ["g-officers", "g-clerks", "g-unknown"]})
        browser, answer = self.sign_in()
        page = self.assert_signed_in(browser, answer, "clerk, officer")
        self.assertIn("Signed in as <strong>jo.bloggs", page.text)
        # The request log names the callback but not its code or state.
        log = open(self.log.name).read()
        self.assertIn("/sign-in/oidc/callback?(query not logged)", log)
        self.assertNotIn("callback?code=", log)
        # At the next sign-in the provider grants one group only: Docket follows.
        self.provider.control(claims={**self.provider.claims, "groups": ["g-officers"]})
        browser, answer = self.sign_in()
        self.assert_signed_in(browser, answer, "officer")
        signed_in = [e for e in self.audit() if e.get("action") == "sign-in" and e.get("method") == "oidc"]
        self.assertTrue(any(e.get("user") == "jo.bloggs" for e in signed_in), signed_in[-2:])

    def test_es256_tokens_and_a_rotated_in_key_are_accepted_and_a_rotated_out_key_is_refused(self):
        self.provider.control(mode="es256")
        self.assert_signed_in(*self.sign_in()[0:2], "officer")
        # rsa-3 is published and rsa-2 removed: a token with rsa-3 makes Docket fetch the set again.
        self.provider.control(mode="rsa-3", jwks=["rsa-1", "rsa-3", "ec-1"])
        browser, answer = self.sign_in()
        self.assert_signed_in(browser, answer, "officer")
        self.provider.control(mode="rsa-2")
        browser, answer = self.sign_in()
        self.assert_refused(browser, answer, 403, "key")

    def test_a_user_whose_groups_map_to_nothing_is_signed_in_with_no_access(self):
        self.provider.control(claims={"sub": "entra-subject-0002", "preferred_username": "nobody@council.example",
                                      "groups": ["g-unknown"]})
        browser, answer = self.sign_in()
        self.assertEqual(answer.status_code, 303, answer.text)
        for path in ["/", "/submissions", "/search?q=best", "/meetings"]:
            page = browser.get(self.base + path, allow_redirects=False, timeout=TIMEOUT)
            self.assertEqual(page.status_code, 403, path)
            self.assertIn("no role", page.text)
            self.assertNotIn("BVP-", page.text)

    # What must be refused.

    def test_a_disabled_account_cannot_sign_in_through_the_provider(self):
        self.provider.control(claims={"sub": "entra-subject-0003", "preferred_username": "Leaver@council.example",
                                      "groups": ["g-officers"]})
        browser, answer = self.sign_in()
        self.assert_signed_in(browser, answer, "officer")
        run = subprocess.run([DOCKET, "user", "disable", "leaver", "--reason", "left the council",
                              "--archive", os.path.join(self.work, "archive")],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        page = browser.get(self.base + "/", allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 303, "the session ended at once")
        browser, answer = self.sign_in()
        self.assert_refused(browser, answer, 403, "disabled")
        self.assertNotIn("left the council", answer.text)

    def test_each_bad_token_is_refused_and_gives_no_session(self):
        for mode, words in [("tampered", "signature"), ("expired", "expired"), ("wrong-audience", "audience"),
                            ("replayed-nonce", "nonce"), ("alg-none", "none"), ("hmac-public-key", "HS256"),
                            ("stray-key", "key")]:
            with self.subTest(mode=mode):
                self.provider.control(mode="good")
                self.sign_in()  # a sign-in first, so that "replayed-nonce" has a nonce to replay
                self.provider.control(mode=mode)
                browser, answer = self.sign_in()
                self.assert_refused(browser, answer, 403, words)
                self.assertNotIn("eyJ", answer.text, "a token must never be shown")
        # Every refusal is in the archive's access log, as a provider sign-in, with no token.
        entries = self.audit()
        refused = [e for e in entries if e.get("action") == "sign-in-refused" and e.get("method") == "oidc"]
        self.assertGreaterEqual(len(refused), 7, entries[-3:])
        self.assertNotIn("eyJ", json.dumps(entries))

    def test_a_code_issued_for_another_pkce_challenge_is_refused_by_the_provider(self):
        # An attacker's code (bound to the attacker's challenge) injected into a victim's callback:
        # Docket sends the victim's verifier, the provider checks it and refuses.
        attacker = requests.Session()
        attacker_callback = self.authorize(self.start(attacker))
        attacker_code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(attacker_callback).query))["code"]
        victim = requests.Session()
        victim_callback = self.authorize(self.start(victim))
        state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(victim_callback).query))["state"]
        injected = self.base + "/sign-in/oidc/callback?" + urllib.parse.urlencode({"code": attacker_code, "state": state})
        answer = victim.get(injected, allow_redirects=False, timeout=TIMEOUT)
        self.assert_refused(victim, answer, 400, "invalid_grant")
        self.assertEqual(self.provider.requests[-1]["code"], attacker_code)

    def test_a_callback_replayed_or_carried_to_another_browser_is_refused(self):
        browser = requests.Session()
        callback = self.authorize(self.start(browser))
        # Another browser (without the first one's binding cookie) cannot complete it ...
        thief = requests.Session()
        self.assert_refused(thief, thief.get(callback, allow_redirects=False, timeout=TIMEOUT), 403, "unknown")
        # ... and it is used up: not even its own browser can use it afterwards.
        self.assert_refused(browser, browser.get(callback, allow_redirects=False, timeout=TIMEOUT), 403, "unknown")
        # A callback used once is not good twice.
        browser, answer = self.sign_in()
        self.assert_signed_in(browser, answer, "officer")
        again = requests.Session()
        again.cookies.update({"docket_oidc": browser.cookies.get("docket_oidc", "")})
        replay = again.get(answer.url, allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(replay.status_code, 403)

    def test_the_providers_refusal_is_shown_and_gives_no_session(self):
        browser = requests.Session()
        location = self.start(browser)
        state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["state"]
        answer = browser.get(self.base + "/sign-in/oidc/callback",
                             params={"error": "access_denied", "error_description": "<b>user cancelled</b>",
                                     "state": state}, allow_redirects=False, timeout=TIMEOUT)
        self.assert_refused(browser, answer, 400, "access_denied")
        self.assertNotIn("<b>user", answer.text)

    def test_with_password_sign_in_off_the_form_is_gone_and_posting_it_is_refused(self):
        browser = requests.Session()
        page = browser.get(self.base + "/sign-in", timeout=TIMEOUT)
        self.assertIn("Sign in with Test Council ID", page.text)
        self.assertNotIn('name="password"', page.text)
        answer = browser.post(self.base + "/sign-in", data={"user": "ada", "password": "best-value-2016"},
                              allow_redirects=False, timeout=TIMEOUT)
        self.assertEqual(answer.status_code, 403)
        self.assertNotIn("docket_session", browser.cookies)

    def test_no_password_sign_in_without_a_provider_is_refused_at_start(self):
        run = subprocess.run([DOCKET, "serve", "--archive", os.path.join(self.work, "archive"),
                              "--no-password-sign-in"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("--no-password-sign-in needs --oidc", run.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
