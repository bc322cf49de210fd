"""Docket behind nginx, end to end: the site configuration of dist/nginx/docket.conf in a private
nginx (Debian's, on loopback high ports, a self-signed certificate from `openssl req`) in front
of a real `docket serve --secure-cookies` trusting that proxy (DOCKET_TRUSTED_PROXIES, as
dist/systemd/docket.service sets it), and a real HTTP client (requests).

The client connects from 127.0.0.3, nginx reaches docket from 127.0.0.1: an access log that
records 127.0.0.3 for a request through nginx read X-Forwarded-For, and one that records
127.0.0.3 (not the header) for a forged request sent straight to docket ignored it.

Run by scripts/test:  python3 Tests/Proxy/test_nginx_proxy.py DOCKET_BINARY
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import requests
import requests.adapters

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path[:0] = [os.path.join(HERE, "..", "Browser")]
from loopback import free_port, stop  # noqa: E402

DOCKET = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket")
CONFIG = os.path.join(ROOT, "dist", "nginx", "docket.conf")
CLIENT = "127.0.0.3"  # the browser's address; nginx itself reaches docket from 127.0.0.1
PASSWORD = "best-value-2016"
TIMEOUT = 60  # every HTTP request's limit, seconds
MIB = 1024 * 1024


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address, as a browser on another machine would be."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser():
    session = requests.Session()
    session.mount("http://", FromAddress(CLIENT))
    session.mount("https://", FromAddress(CLIENT))
    return session


def replaced(text, old, new):
    """`text` with `old` replaced, failing if the configuration no longer has it."""
    if old not in text:
        raise AssertionError(f"dist/nginx/docket.conf no longer has {old!r}: update the test with it")
    return text.replace(old, new)


def run(*arguments, timeout=120):
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(arguments)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


class NginxProxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="docket-proxy-")
        cls.nginx = cls.server = None
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls):
        started = time.monotonic()
        cls.archive = os.path.join(cls.work, "archive")
        cls.key = os.path.join(cls.work, "signing-key.pem")
        cls.docket("demo")
        cls.reference = cls.docket(
            "submission", "new", "--workflow", "best-value-submission", "--series", "BVP", "--title",
            "Papers through the proxy", "--service", "Corporate Strategy", "--as", "olivia").strip()

        # The upload limit the nginx configuration must equal: docket's default, as docket says it.
        shown = json.loads(run(DOCKET, "config", "show", "--json"))
        limit = [row for row in shown["settings"] if row["key"] == "serve.upload_limit_mib"]
        assert limit and limit[0]["origin"] == "default", shown
        cls.limit = int(limit[0]["value"]) * MIB

        nginx = os.path.join(cls.work, "nginx")
        os.mkdir(nginx)
        cls.certificate = os.path.join(nginx, "tls.pem")
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", os.path.join(nginx, "tls.key"),
            "-out", cls.certificate)

        cls.docket_port, cls.http_port, cls.https_port = free_port(), free_port(), free_port()
        with open(CONFIG) as handle:
            site = handle.read()
        megabytes = re.search(r"^\s*client_max_body_size (\d+)m;$", site, re.MULTILINE)
        assert megabytes, "dist/nginx/docket.conf sets no client_max_body_size in MiB"
        cls.proxy_limit = int(megabytes.group(1)) * MIB
        # Only what a test machine must change: ports, addresses (loopback, IPv4) and certificate.
        site = replaced(site, "server 127.0.0.1:8080;", f"server 127.0.0.1:{cls.docket_port};")
        site = replaced(site, "listen 80;", f"listen 127.0.0.1:{cls.http_port};")
        site = replaced(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{cls.https_port} ssl http2;")
        site = replaced(site, "    listen [::]:80;\n", "")
        site = replaced(site, "    listen [::]:443 ssl http2;\n", "")
        site = replaced(site, "/etc/ssl/certs/docket.council.example.pem", cls.certificate)
        site = replaced(site, "/etc/ssl/private/docket.council.example.key", os.path.join(nginx, "tls.key"))
        with open(os.path.join(nginx, "docket.conf"), "w") as handle:
            handle.write(site)
        temporary = "\n".join(f"    {kind}_temp_path {nginx}/{kind};" for kind in
                              ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
        with open(os.path.join(nginx, "nginx.conf"), "w") as handle:
            handle.write(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {nginx}/nginx.pid;
error_log {nginx}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {nginx}/access.log;
{temporary}
    include {nginx}/docket.conf;
}}
""")
        cls.nginx_command = ["nginx", "-p", nginx, "-c", os.path.join(nginx, "nginx.conf"),
                             "-e", os.path.join(nginx, "error.log")]
        run(*cls.nginx_command, "-t")

        cls.serve_log = open(os.path.join(cls.work, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [DOCKET, "serve", "--archive", cls.archive, "--signing-key", cls.key, "--host", "127.0.0.1",
             "--port", str(cls.docket_port), "--secure-cookies"],
            env={**os.environ, "DOCKET_TRUSTED_PROXIES": "127.0.0.1"},
            stdout=cls.serve_log, stderr=subprocess.STDOUT)
        cls.nginx = subprocess.Popen([*cls.nginx_command, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.base = f"https://127.0.0.1:{cls.https_port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(cls.base + "/sign-in", verify=cls.certificate, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or cls.server.poll() is not None or cls.nginx.poll() is not None:
                raise RuntimeError("docket behind nginx did not come up:\n" + cls.logs())
            time.sleep(0.3)
        print(f"demo, certificate, nginx and docket up in {time.monotonic() - started:.1f} s", file=sys.stderr)

    @classmethod
    def docket(cls, *arguments):
        """A docket command on the test's archive, with its signing key; returns its output."""
        return run(DOCKET, *arguments, "--archive", cls.archive, "--signing-key", cls.key)

    @classmethod
    def logs(cls):
        text = ""
        for path in [os.path.join(cls.work, "serve.log"), os.path.join(cls.work, "nginx", "error.log")]:
            if os.path.exists(path):
                with open(path) as handle:
                    text += f"--- {path}\n" + handle.read()[-4000:]
        return text

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.nginx is not None:
                # SIGQUIT: nginx's graceful stop; killed if it takes over 30 s.
                cls.nginx.send_signal(signal.SIGQUIT)
                try:
                    cls.nginx.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    cls.nginx.kill()
                    cls.nginx.wait(timeout=10)
        finally:
            try:
                if cls.server is not None:
                    stop(cls.server)
                    cls.serve_log.close()
            finally:
                shutil.rmtree(cls.work, ignore_errors=True)

    # Helpers.

    def sign_in(self, session, base, name, password, headers=None):
        """The sign-in form as a browser posts it; returns the POST's answer."""
        form = session.get(base + "/sign-in", headers=headers, verify=self.certificate, timeout=TIMEOUT)
        self.assertEqual(form.status_code, 200, form.text)
        token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
        return session.post(base + "/sign-in", data={"token": token, "user": name, "password": password,
                                                     "next": "/"},
                            headers=headers, allow_redirects=False, verify=self.certificate, timeout=TIMEOUT)

    def audit(self):
        return json.loads(self.docket("audit", "--json"))

    def documents(self):
        shown = json.loads(self.docket("submission", "show", self.reference, "--json"))
        return {document["sha256"]: document for document in shown["documents"]}

    def signed_in_officer(self):
        session = browser()
        answer = self.sign_in(session, self.base, "olivia", PASSWORD)
        self.assertEqual(answer.status_code, 303, answer.text)
        return session, answer

    def upload(self, session, size, title):
        page = session.get(f"{self.base}/submissions/{self.reference}", verify=self.certificate, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 200, page.text)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        sequence = re.search(r'name="sequence" value="(\d+)"', page.text).group(1)
        content = os.urandom(size)
        fields = {"csrf": csrf, "sequence": sequence, "kind": "annex", "title": title}
        body, content_type = requests.models.RequestEncodingMixin._encode_files(
            {"file": (f"{title}.bin", content, "application/octet-stream")}, fields)
        started = time.monotonic()
        answer = session.post(f"{self.base}/submissions/{self.reference}/documents", data=body,
                              headers={"Content-Type": content_type}, allow_redirects=False,
                              verify=self.certificate, timeout=TIMEOUT)
        print(f"{title}: {len(body):,} bytes, HTTP {answer.status_code} in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        return answer, len(body), hashlib.sha256(content).hexdigest()

    # The tests.

    def test_plain_http_only_sends_the_browser_to_https(self):
        answer = browser().get(f"http://127.0.0.1:{self.http_port}/sign-in?next=/", allow_redirects=False,
                               timeout=TIMEOUT)
        self.assertEqual(answer.status_code, 301)
        self.assertEqual(answer.headers["Location"], "https://127.0.0.1/sign-in?next=/")
        self.assertNotIn("Set-Cookie", answer.headers)

    def test_sign_in_over_https_sets_a_secure_cookie(self):
        session, answer = self.signed_in_officer()
        cookies = answer.raw.headers.getlist("Set-Cookie")
        session_cookie = [cookie for cookie in cookies if cookie.startswith("docket_session=")]
        self.assertEqual(len(session_cookie), 1, cookies)
        attributes = [part.strip().lower() for part in session_cookie[0].split(";")[1:]]
        self.assertIn("secure", attributes)
        self.assertIn("httponly", attributes)
        self.assertIn("Strict-Transport-Security", answer.headers)
        # The cookie works through the proxy: the dashboard, not the sign-in page.
        page = session.get(self.base + "/", allow_redirects=False, verify=self.certificate, timeout=TIMEOUT)
        self.assertEqual(page.status_code, 200)
        self.assertIn("olivia", page.text)

    def test_uploads_pass_up_to_the_limit_and_no_further(self):
        self.assertEqual(self.proxy_limit, self.limit, "nginx's client_max_body_size is not docket's upload limit")
        session, _ = self.signed_in_officer()
        before = self.documents()

        answer, size, sha256 = self.upload(session, self.limit - 64 * 1024, "Annex just under the limit")
        self.assertLessEqual(size, self.limit)
        self.assertGreater(size, self.limit - 128 * 1024)
        self.assertEqual(answer.status_code, 303, answer.text[:2000])
        self.assertIn(sha256, self.documents())
        self.assertEqual(self.documents()[sha256]["size"], self.limit - 64 * 1024)

        answer, size, sha256 = self.upload(session, self.limit, "Annex over the limit")
        self.assertGreater(size, self.limit)
        self.assertEqual(answer.status_code, 413, answer.text[:2000])
        self.assertIn("Request Entity Too Large", answer.text)  # nginx's answer: docket never saw it
        self.assertNotIn(sha256, self.documents())
        self.assertEqual(len(self.documents()), len(before) + 1)

    def test_the_access_log_records_the_client_not_a_forged_header(self):
        # Straight to docket, not through the trusted proxy: the header is the client's own.
        # (A bad API token: the sign-in form's cookie is Secure, never sent over plain HTTP.)
        answer = browser().get(f"http://127.0.0.1:{self.docket_port}/api/submissions", timeout=TIMEOUT,
                               headers={"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer forged"})
        self.assertEqual(answer.status_code, 401, answer.text)
        # Through nginx, with the same forgery: nginx appends the address it saw.
        answer = self.sign_in(browser(), self.base, "forger-proxied", "wrong", {"X-Forwarded-For": "198.51.100.7"})
        self.assertEqual(answer.status_code, 401, answer.text)
        _, answer = self.signed_in_officer()

        addresses = {}
        for entry in self.audit():
            name = "direct token" if entry.get("method") == "token" else entry.get("user") or entry.get("attemptedName")
            if entry["action"] in ["sign-in", "sign-in-refused"]:
                addresses.setdefault(name, set()).add(entry.get("address"))
        # Not 203.0.113.9 (the forged header) for the direct request, not 198.51.100.7 (forged)
        # nor 127.0.0.1 (nginx) for those through the proxy.
        self.assertEqual(addresses, {"direct token": {CLIENT}, "forger-proxied": {CLIENT}, "olivia": {CLIENT}})

        # The request log names the same client, and never a forged address.
        with open(os.path.join(self.work, "serve.log")) as handle:
            log = handle.read()
        self.assertRegex(log, rf"client={re.escape(CLIENT)}\b.*Request")
        self.assertNotIn("203.0.113.9", log)
        self.assertNotIn("198.51.100.7", log)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
