#!/usr/bin/env python3
"""Many clients firing events at once through the JSON API, each on its own submission.

Each client owns one submission in `drafting` (with its submission and cover letter, so the
first event's guard passes) and, for the given time, walks it round the workflow's one loop:
the officer submits it for sign-off, the Mayor returns it for redraft, and again. Every event
goes with the `If-Match` ETag of the client's last answer, as a real client's would.

It then checks that nothing was lost: each submission's sequence (from the API) must equal its
starting sequence plus the events its client saw accepted. A baseline in the same run: this
disk's rate of 4 KB write + fsync (by one writer, and by as many as there are clients at once),
since every event is made durable before it is answered.

    Benchmarks/web-events.py BASE_URL OFFICER_TOKEN MAYOR_TOKEN REFERENCES_FILE [CLIENTS] [SECONDS]

Exits 1 if any request failed or any submission's history does not add up.
"""

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

STEPS = [
    ("submit-for-sign-off", "officer", None),
    ("return-for-redraft", "mayor", "load test: back to drafting"),
]


def fsync_rate(seconds=3.0, writers=1):
    """4 KB writes each followed by fsync, per second, in the archive's file system: by one
    writer, or by `writers` at once, each on its own file (as concurrent fires are)."""
    directory = os.environ.get("DOCKET_FSYNC_DIR", tempfile.gettempdir())
    counts = [0] * writers
    deadline = time.monotonic() + seconds

    def write(number):
        with tempfile.NamedTemporaryFile(dir=directory) as handle:
            block = b"x" * 4096
            while time.monotonic() < deadline:
                handle.write(block)
                handle.flush()
                os.fsync(handle.fileno())
                counts[number] += 1

    threads = [threading.Thread(target=write, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


class Client(threading.Thread):
    def __init__(self, base, tokens, reference, deadline):
        super().__init__(daemon=True)
        self.url = urllib.parse.urlsplit(base)
        self.tokens = tokens
        self.reference = reference
        self.deadline = deadline
        self.latencies = []
        self.errors = []
        self.accepted = 0
        self.start_sequence = None

    def request(self, connection, method, path, token, body=None, etag=None):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if etag:
            headers["If-Match"] = etag
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("ETag"), response.read()

    def run(self):
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
        path = f"/api/submissions/{self.reference}"
        try:
            status, etag, body = self.request(connection, "GET", path, self.tokens["officer"])
            if status != 200:
                self.errors.append(f"GET {self.reference}: {status}")
                return
            submission = json.loads(body)
            self.start_sequence = submission["sequence"]
            step = 0 if submission["state"] == "drafting" else 1
            while time.monotonic() < self.deadline:
                event, role, comment = STEPS[step]
                payload = {"event": event}
                if comment:
                    payload["comment"] = comment
                began = time.monotonic()
                status, new_etag, body = self.request(
                    connection, "POST", f"{path}/events", self.tokens[role], payload, etag)
                self.latencies.append(time.monotonic() - began)
                if status != 201:
                    self.errors.append(f"{event} on {self.reference}: {status} {body[:200]!r}")
                    return
                self.accepted += 1
                etag = new_etag
                step = 1 - step
        except Exception as error:  # a refused or dropped connection is a failure of the run
            self.errors.append(f"{self.reference}: {error!r}")
        finally:
            connection.close()


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    base, officer, mayor, references_file = sys.argv[1:5]
    clients = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 20
    references = [line.strip() for line in open(references_file) if line.strip()][:clients]
    if len(references) < clients:
        print(f"need {clients} references, {references_file} has {len(references)}")
        return 2
    tokens = {"officer": officer, "mayor": mayor}

    baseline = fsync_rate()
    overlapped = fsync_rate(writers=clients)
    deadline = time.monotonic() + seconds
    threads = [Client(base, tokens, reference, deadline) for reference in references]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    latencies = sorted(x for thread in threads for x in thread.latencies)
    errors = [e for thread in threads for e in thread.errors]
    accepted = sum(thread.accepted for thread in threads)

    # Nothing lost: every accepted event is in its submission's history, and nothing else is.
    mismatches = []
    checker = Client(base, tokens, None, 0)
    connection = http.client.HTTPConnection(checker.url.hostname, checker.url.port, timeout=60)
    for thread in threads:
        if thread.start_sequence is None:
            continue
        status, _, body = checker.request(connection, "GET", f"/api/submissions/{thread.reference}", officer)
        sequence = json.loads(body)["sequence"] if status == 200 else None
        if sequence != thread.start_sequence + thread.accepted:
            mismatches.append(f"{thread.reference}: sequence {sequence}, expected "
                              f"{thread.start_sequence} + {thread.accepted}")
    connection.close()

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    print(f"clients {clients}, {elapsed:.1f} s: {accepted} events accepted, {accepted / elapsed:.1f} events/s")
    print(f"latency p50 {quantile(0.5):.1f} ms, p90 {quantile(0.9):.1f} ms, p99 {quantile(0.99):.1f} ms, "
          f"max {quantile(1.0):.1f} ms; mean {statistics.fmean(latencies) * 1000 if latencies else 0:.1f} ms")
    print(f"baseline: 4 KB write + fsync {baseline:.0f}/s on this disk, "
          f"{overlapped:.0f}/s by {clients} writers at once")
    print(f"errors: {len(errors)}; histories that do not add up: {len(mismatches)}")
    for line in (errors + mismatches)[:10]:
        print("  " + line)
    return 1 if errors or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
