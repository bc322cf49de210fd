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
# Many pages, picked at random per request: 2,000 submissions, and 200 searches for words
# from the index's own vocabulary that occur in 0.1–5% of documents, alone or in pairs.
pages="$(mktemp)"; searches="$(mktemp)"
sqlite3 "$archive/index.sqlite" "SELECT '/submissions/' || reference FROM submission ORDER BY random() LIMIT 2000" >"$pages"
documents="$(sqlite3 "$archive/index.sqlite" "SELECT count(*) FROM document")"
sqlite3 "$archive/index.sqlite" "CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, document_text, row);
    SELECT term FROM temp.vocabulary WHERE doc BETWEEN $documents / 1000 AND $documents / 20
    AND term GLOB '[a-z][a-z][a-z]*' ORDER BY random() LIMIT 300" >"$searches.words"
awk 'NR <= 100 { print "/search?q=" $1; next } (NR % 2 == 1) { first = $1; next } { print "/search?q=" first "+" $1 }' \
    "$searches.words" >"$searches"
printf '%-34s %5s %10s %9s %9s %9s\n' page clients "req/s" p50 p90 p99
run() {  # label, path (or @file of paths), clients
    local label="$1" path="$2" clients="$3" script=() target
    local threads=$(( clients < 2 ? 1 : 2 ))
    if [[ "$path" == @* ]]; then script=(-s "$(dirname "$0")/random-path.lua"); target="/"; export DOCKET_PATHS="${path#@}"
    else target="$path"; fi
    out="$(wrk -t "$threads" -c "$clients" -d "${seconds}s" --latency "${script[@]}" \
        -H "Cookie: docket_session=$session" "http://127.0.0.1:$port$target")"
    rate="$(printf '%s' "$out" | awk '/Requests\/sec/ { print $2 }')"
    p50="$(printf '%s' "$out" | awk '$1 == "50%" { print $2 }')"
    p90="$(printf '%s' "$out" | awk '$1 == "90%" { print $2 }')"
    p99="$(printf '%s' "$out" | awk '$1 == "99%" { print $2 }')"
    errors="$(printf '%s' "$out" | awk '/Non-2xx|Socket errors/ { print }')"
    printf '%-34s %5s %10s %9s %9s %9s %s\n' "${label:0:34}" "$clients" "$rate" "$p50" "$p90" "$p99" "$errors"
}
for clients in 1 10 50; do
    run "static style sheet (baseline)" /static/docket.css "$clients"
    run "dashboard /" / "$clients"
    run "one submission page" "/submissions/$reference" "$clients"
    run "2,000 submission pages, random" "@$pages" "$clients"
    run "search: 200 queries, random" "@$searches" "$clients"
done
# Last, since what a flood of them leaves queued would slow whatever ran next.
for clients in 1 10 50; do
    run "search: two common words" "/search?q=grants+council" "$clients"
done
sleep 6
# Pages while 50 clients search for two common words (searches run one per core; see WorkLimiter).
wrk -t 2 -c 50 -d "$(( seconds + 2 ))s" -H "Cookie: docket_session=$session" \
    "http://127.0.0.1:$port/search?q=grants+council" >/dev/null 2>&1 &
flood=$!
sleep 1
run "dashboard, 50 searching meanwhile" / 1
run "submission, 50 searching meanwhile" "@$pages" 1
wait "$flood" || true
rm -f "$pages" "$searches" "$searches.words"
echo "server resident memory after the runs: $(ps -o rss= -p "$server" | awk '{ printf "%.0f MB", $1 / 1024 }')"
