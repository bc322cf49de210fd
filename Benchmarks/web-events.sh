#!/usr/bin/env bash
# Many concurrent writers through the JSON API, set up and measured by one command: makes (or
# reuses) an archive with CLIENTS submissions in drafting, each with the submission and cover
# letter that `submit-for-sign-off` requires, an officer and a Mayor with personal API tokens;
# starts `docket serve` on loopback; runs Benchmarks/web-events.py (which measures the disk's
# 4 KB write + fsync rate in the same run, in the archive's file system); stops the server.
#
#   Benchmarks/web-events.sh RELEASE_DOCKET_BINARY ARCHIVE [CLIENTS] [SECONDS] [RUNS]
#
# ARCHIVE is created with `docket init` when missing; an existing one (e.g. a copy of a
# generated archive) gains the two users and, for each of the RUNS runs, CLIENTS new
# submissions. The server runs throughout; the runs follow each other.
set -euo pipefail
docket="$(realpath "${1:?docket binary}")"; archive="${2:?archive}"; clients="${3:-50}"; seconds="${4:-20}"
runs="${5:-1}"
here="$(cd "$(dirname "$0")" && pwd)"
port="${DOCKET_BENCH_PORT:-18281}"
officer=bench-officer; mayor=bench-mayor
d() { timeout 300 "$docket" "$@" --archive "$archive"; }

[[ -d "$archive" ]] || d init >/dev/null
users="$(d user list)"
grep -q "^$officer\b" <<<"$users" || d user add "$officer" --role officer --name "Benchmark Officer" >/dev/null
grep -q "^$mayor\b" <<<"$users" || d user add "$mayor" --role mayor --name "Benchmark Mayor" >/dev/null
pack="$(mktemp -d)"
trap 'rm -rf "$pack"' EXIT
printf 'The six-monthly update.\n' >"$pack/update.txt"
printf 'Dear Secretary of State,\n' >"$pack/cover.txt"
# Fresh submissions for each run: a fire re-checks its submission's whole chain, so runs on
# histories grown by earlier runs would not compare.
for run in $(seq 1 "$runs"); do
    for _ in $(seq 1 "$clients"); do
        reference="$(d submission new --workflow best-value-submission --title "Concurrent writers" --as "$officer")"
        d document add "$reference" "$pack/update.txt" --kind submission --title "Update" --as "$officer" >/dev/null
        d document add "$reference" "$pack/cover.txt" --kind cover-letter --title "Cover letter" --as "$officer" \
            >/dev/null
        echo "$reference"
    done >"$pack/run-$run"
done
officer_token="$(d user token "$officer" --label "web-events benchmark")"
mayor_token="$(d user token "$mayor" --label "web-events benchmark")"

"$docket" serve --archive "$archive" --port "$port" >/tmp/docket-web-events.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$pack"' EXIT
# At most 20 minutes: the first server on a large archive brings its index up to date first.
ready=""
for _ in $(seq 1 6000); do
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" && { ready=yes; break; }
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
done
[[ -n "$ready" ]] || { echo "the server did not come up"; cat /tmp/docket-web-events.log; exit 1; }
echo "machine: $(nproc) cores, $(uname -r); archive $archive ($(find "$archive/submissions" -maxdepth 1 -mindepth 1 \
    | wc -l) submissions)"
status=0
cpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }  # the server's user + system time, in ticks
for run in $(seq 1 "$runs"); do
    echo "run $run:"
    before="$(cpu)"
    DOCKET_FSYNC_DIR="$archive" timeout $(( seconds * 3 + 120 )) python3 "$here/web-events.py" \
        "http://127.0.0.1:$port" "$officer_token" "$mayor_token" "$pack/run-$run" "$clients" "$seconds" \
        | tee "$pack/out" || status=1
    # CPU per event: what the server spent, however busy the rest of the machine was.
    spent=$(( ($(cpu) - before) * 1000 / $(getconf CLK_TCK) ))
    accepted="$(awk '/events accepted/ { print $5 }' "$pack/out")"
    awk -v spent="$spent" -v events="${accepted:-0}" \
        'BEGIN { printf "server CPU: %d ms for %d events, %.2f ms an event\n", spent, events, events ? spent / events : 0 }'
done
kill "$server"
timeout 30 tail --pid="$server" -f /dev/null || kill -9 "$server"
exit "$status"
