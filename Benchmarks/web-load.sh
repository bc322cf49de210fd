#!/usr/bin/env bash
# Web app load figures with wrk on loopback, against a baseline in the same run: the same
# server answering its static style sheet (every middleware, no archive work). Quotes
# requests per second and the latency distribution at several concurrency levels, and the
# server's memory after the runs.
#
#   Benchmarks/web-load.sh RELEASE_DOCKET_BINARY ARCHIVE USER [SECONDS]
#
# USER must exist in ARCHIVE; it gets the password below for the run.
set -euo pipefail
docket="${1:?docket binary}"; archive="${2:?archive}"; user="${3:?user}"; seconds="${4:-10}"
port=18280
password="benchmark-password-1"
printf '%s\n' "$password" | "$docket" user passwd "$user" --password-stdin --archive "$archive" >/dev/null
"$docket" serve --archive "$archive" --port "$port" >/tmp/docket-web-load.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/sign-in" && break; sleep 0.2; done
jar="$(mktemp)"
form="$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/sign-in")"
token="$(printf '%s' "$form" | sed -n 's/.*name="token" value="\([0-9a-f]*\)".*/\1/p' | head -1)"
curl -s -o /dev/null -c "$jar" -b "$jar" --data "token=$token&user=$user&password=$password" "http://127.0.0.1:$port/sign-in"
session="$(awk '$6 == "docket_session" { print $7 }' "$jar")"
reference="$(sqlite3 "$archive/index.sqlite" "SELECT reference FROM submission ORDER BY last_activity DESC LIMIT 1")"
printf '%-28s %5s %10s %9s %9s %9s\n' page clients "req/s" p50 p90 p99
for path in /static/docket.css / "/submissions/$reference" "/search?q=grants+council"; do
    for clients in 1 10 50; do
        threads=$(( clients < 2 ? 1 : 2 ))
        out="$(wrk -t "$threads" -c "$clients" -d "${seconds}s" --latency -H "Cookie: docket_session=$session" \
            "http://127.0.0.1:$port$path")"
        rate="$(printf '%s' "$out" | awk '/Requests\/sec/ { print $2 }')"
        p50="$(printf '%s' "$out" | awk '$1 == "50%" { print $2 }')"
        p90="$(printf '%s' "$out" | awk '$1 == "90%" { print $2 }')"
        p99="$(printf '%s' "$out" | awk '$1 == "99%" { print $2 }')"
        errors="$(printf '%s' "$out" | awk '/Non-2xx|Socket errors/ { print }')"
        printf '%-28s %5s %10s %9s %9s %9s %s\n' "${path:0:28}" "$clients" "$rate" "$p50" "$p90" "$p99" "$errors"
    done
done
echo "server resident memory after the runs: $(ps -o rss= -p "$server" | awk '{ printf "%.0f MB", $1 / 1024 }')"
