"""`/metrics` as Prometheus reads it, and `--log-format json` as a log shipper reads it: the
built `docket serve` on a demo archive on loopback, some requests (a sign-in with the demo
password, API reads and a write, a page that does not exist), then /metrics parsed by
prometheus-client's text parser (the reference reader, PyPI) and every line the server wrote
parsed as JSON.

Run by scripts/test:  python3 Tests/Metrics/test_metrics_format.py DOCKET_BINARY
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import requests
from prometheus_client.parser import text_string_to_metric_families

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "Browser")]
from loopback import free_port, stop, wait_for  # noqa: E402

DOCKET = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/docket"
PASSWORD = "best-value-2016"
METRICS_TOKEN = "a-metrics-token-only-the-scraper-has"
TIMEOUT = 30  # every HTTP request's limit, seconds


def run(*arguments):
    return subprocess.run([DOCKET, *arguments], check=True, capture_output=True, text=True, timeout=300).stdout


class MetricsAndLogs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="docket-metrics-")
        archive = os.path.join(cls.work, "archive")
        key = os.path.join(cls.work, "key.pem")
        run("demo", "--archive", archive, "--signing-key", key)
        cls.api_token = run("user", "token", "olivia", "--label", "metrics test", "--archive", archive,
                            "--signing-key", key).strip()
        # Every submission of the demo is closed: one still open, with its cover letter, for the
        # API to add the update to and send for sign-off.
        cls.reference = run("submission", "new", "--workflow", "best-value-submission", "--title", "Metrics",
                            "--as", "olivia", "--archive", archive, "--signing-key", key).strip()
        cover = os.path.join(cls.work, "cover.txt")
        with open(cover, "w") as handle:
            handle.write("Cover letter\n")
        run("document", "add", cls.reference, cover, "--kind", "cover-letter", "--title", "Cover letter",
            "--as", "olivia", "--archive", archive, "--signing-key", key)
        token_file = os.path.join(cls.work, "metrics-token")
        with open(token_file, "w") as handle:
            handle.write(METRICS_TOKEN + "\n")
        os.chmod(token_file, 0o600)
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.log_path = os.path.join(cls.work, "serve.log")
        cls.log = open(cls.log_path, "w")
        cls.server = subprocess.Popen(
            [DOCKET, "serve", "--archive", archive, "--signing-key", key, "--port", str(cls.port),
             "--log-format", "json", "--metrics-token-file", token_file],
            stdout=cls.log, stderr=subprocess.STDOUT)
        wait_for(cls.base + "/healthz", cls.server, cls.log_path)
        cls.references = cls.exercise()
        cls.metrics_text = cls.scrape()
        cls.log.close()
        stop(cls.server)
        with open(cls.log_path) as handle:
            cls.log_lines = handle.read().splitlines()

    @classmethod
    def tearDownClass(cls):
        if cls.server.poll() is None:
            stop(cls.server)
        shutil.rmtree(cls.work, ignore_errors=True)

    @classmethod
    def exercise(cls):
        """Requests a council's users would make: a sign-in, pages, API reads, a document added and
        an event fired. Returns the references the API listed."""
        browser = requests.Session()
        form = browser.get(cls.base + "/sign-in", timeout=TIMEOUT)
        token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
        signed_in = browser.post(cls.base + "/sign-in", data={
            "token": token, "user": "olivia", "password": PASSWORD, "next": "/"}, allow_redirects=False,
            timeout=TIMEOUT)
        assert signed_in.status_code == 303, signed_in.text
        assert browser.get(cls.base + "/submissions", timeout=TIMEOUT).status_code == 200
        assert requests.get(cls.base + "/no-such-page", timeout=TIMEOUT).status_code == 404
        api = {"Authorization": f"Bearer {cls.api_token}"}
        listed = requests.get(cls.base + "/api/submissions", headers=api, timeout=TIMEOUT)
        assert listed.status_code == 200, listed.text
        references = [line["reference"] for line in listed.json()]
        assert cls.reference in references, references
        path = f"{cls.base}/api/submissions/{cls.reference}"
        read = requests.get(path, headers=api, timeout=TIMEOUT)
        assert read.status_code == 200, read.text
        added = requests.post(
            path + "/documents", files={"file": ("update.txt", b"The update\n", "text/plain")},
            data={"kind": "submission", "title": "The update"}, headers={**api, "If-Match": read.headers["ETag"]},
            timeout=TIMEOUT)
        assert added.status_code == 201, added.text
        fired = requests.post(
            path + "/events", json={"event": "submit-for-sign-off"},
            headers={**api, "If-Match": added.headers["ETag"]}, timeout=TIMEOUT)
        assert fired.status_code == 201, fired.text
        assert requests.get(cls.base + "/healthz", timeout=TIMEOUT).status_code == 200
        assert requests.get(cls.base + "/metrics", timeout=TIMEOUT).status_code == 401
        return references

    @classmethod
    def scrape(cls):
        answer = requests.get(cls.base + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                              timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4"), answer.headers
        return answer.text

    def families(self):
        return {family.name: family for family in text_string_to_metric_families(self.metrics_text)}

    def test_the_expected_families_are_there_with_their_types(self):
        families = self.families()
        expected = {
            "docket_http_requests": "counter", "docket_http_request_duration_seconds": "histogram",
            "docket_events_fired": "counter", "docket_documents_added": "counter",
            "docket_notifications": "counter", "docket_search_queue_length": "gauge",
        }
        for name, kind in expected.items():
            self.assertIn(name, families, self.metrics_text)
            self.assertEqual(families[name].type, kind, name)
        outcomes = {sample.labels["outcome"] for sample in families["docket_notifications"].samples}
        self.assertEqual(outcomes, {"handed_over", "failed", "gave_up"})
        self.assertEqual([sample.value for sample in families["docket_search_queue_length"].samples], [0])

    def test_the_event_and_the_document_are_counted_exactly(self):
        families = self.families()
        counted = {sample.labels["event"]: sample.value for sample in families["docket_events_fired"].samples}
        self.assertEqual(counted, {"submit-for-sign-off": 1})
        self.assertEqual([sample.value for sample in families["docket_documents_added"].samples], [1])

    def test_requests_are_labelled_by_route_pattern_never_by_id(self):
        samples = self.families()["docket_http_requests"].samples
        routes = {sample.labels["route"] for sample in samples}
        self.assertIn("/api/submissions/{reference}", routes)
        self.assertIn("/sign-in", routes)
        self.assertIn("NotFound", routes)
        for reference in self.references:
            self.assertNotIn(reference, self.metrics_text)
        signed_in = [s for s in samples if s.labels == {"route": "/sign-in", "method": "POST", "status": "303"}]
        self.assertEqual([s.value for s in signed_in], [1])

    def test_each_histogram_is_consistent_with_itself_and_the_request_counter(self):
        histogram = self.families()["docket_http_request_duration_seconds"]
        requests_by_labels = {tuple(sorted(s.labels.items())): s.value
                              for s in self.families()["docket_http_requests"].samples}
        series = {}
        for sample in histogram.samples:
            labels = {k: v for k, v in sample.labels.items() if k != "le"}
            entry = series.setdefault(tuple(sorted(labels.items())), {"buckets": [], "count": None, "sum": None})
            if sample.name.endswith("_bucket"):
                entry["buckets"].append((float(sample.labels["le"]), sample.value))
            elif sample.name.endswith("_count"):
                entry["count"] = sample.value
            elif sample.name.endswith("_sum"):
                entry["sum"] = sample.value
        self.assertTrue(series)
        for labels, entry in series.items():
            buckets = sorted(entry["buckets"])
            self.assertEqual(buckets[-1][0], float("inf"), labels)
            counts = [count for _, count in buckets]
            self.assertEqual(counts, sorted(counts), f"cumulative buckets never fall: {labels}")
            self.assertEqual(counts[-1], entry["count"], f"+Inf bucket is the count: {labels}")
            self.assertGreaterEqual(entry["sum"], 0, labels)
            self.assertEqual(entry["count"], requests_by_labels[labels], f"one time per request: {labels}")

    def test_every_line_the_server_wrote_is_a_json_object_with_level_message_and_timestamp(self):
        self.assertGreater(len(self.log_lines), 3, self.log_lines)
        for line in self.log_lines:
            entry = json.loads(line)
            self.assertIsInstance(entry, dict, line)
            for key in ("level", "message", "timestamp"):
                self.assertIn(key, entry, line)
            self.assertRegex(entry["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        messages = [json.loads(line)["message"] for line in self.log_lines]
        self.assertTrue(any(message.startswith("serving ") for message in messages), messages)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
