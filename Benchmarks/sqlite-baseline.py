#!/usr/bin/env python3
"""The baseline for `docket-bench scale`: the SQL statements of Docket's search in raw FTS5 mode
(FTS5's own bm25() and prefix merging, `usesFTS5Ranking`), run by SQLite directly (Python's sqlite3 module over the system libsqlite3, the library Docket uses),
timed per search with perf_counter. Reads JSON {"index": PATH, "rounds": N, "queries":
[{"name": ..., "statements": [SQL, ...]}]} on stdin; prints {"NAME": [seconds, ...]}."""
import json
import sqlite3
import sys
import time

spec = json.load(sys.stdin)
connection = sqlite3.connect(f"file:{spec['index']}?mode=ro", uri=True)
results = {}
for query in spec["queries"]:
    times = []
    for _ in range(spec["rounds"]):
        start = time.perf_counter()
        for statement in query["statements"]:
            connection.execute(statement).fetchall()
        times.append(time.perf_counter() - start)
    results[query["name"]] = times
json.dump(results, sys.stdout)
