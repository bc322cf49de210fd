#!/usr/bin/env bash
# How Fixtures/archive-format-1 was made (once, with the Docket of 2026-12-01, archive format 1).
# It is kept byte for byte so that ArchiveFormatTests can prove that an archive written then
# still verifies and accepts writes. Do not regenerate it: a new format gets a new fixture.
#   usage: make-archive-format-1.sh DOCKET_BINARY OUTPUT_DIRECTORY
set -euo pipefail
docket="$1"
export DOCKET_ARCHIVE="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$docket" init
"$docket" user add olivia --role officer --name "Olivia Officer"
"$docket" user add mayor --role mayor --name "John Biggs"
"$docket" user add clara --role clerk --name "Clara Clerk"
"$docket" user add ada --role admin
"$docket" series add BVP --title "Best Value Plan: six-monthly update to the Secretary of State" \
    --cadence P6M --first-due 2015-09-30 --workflow best-value-submission \
    --service "Service Head, Corporate Strategy and Equality" --as clara
ref=$("$docket" submission new --workflow best-value-submission --series BVP \
    --title "Best Value Plan: first six-month update" --as olivia)
printf 'The Council has made progress against each of the directions.\n' >"$work/submission.txt"
printf 'Dear Secretary of State,\nPlease find attached our first update.\n' >"$work/cover.txt"
printf 'The Commissioners note the progress made.\n' >"$work/response.txt"
sub=$("$docket" document add "$ref" "$work/submission.txt" --kind submission --title "First six-month submission" \
    --annex A --to "Secretary of State (DCLG)" --date 2015-09-20 --as olivia)
"$docket" document add "$ref" "$work/cover.txt" --kind cover-letter --title "Cover letter" \
    --from "John Biggs (Mayor)" --date 2015-09-20 --as olivia
"$docket" submission fire "$ref" submit-for-sign-off --as olivia
"$docket" submission fire "$ref" sign-off --as mayor
"$docket" submission fire "$ref" dispatch --field dispatched-on=2015-09-21 --as olivia
"$docket" document add "$ref" "$work/response.txt" --kind response --title "Commissioners' response" \
    --from "(Commissioners)" --relation "reply-to:$sub" --as olivia
"$docket" submission fire "$ref" record-response --field received-on=2015-10-05 --as olivia
meeting=$("$docket" meeting new --board "Best Value Programme Board" --date 2015-11-18 --as clara)
"$docket" submission fire "$ref" schedule-for-board --field "meeting=$meeting" --as clara
printf 'This report presents the {ordinal} six-monthly update.\n\nIt was sent on {dispatched-on}.\n' \
    >"$work/introduction.txt"
"$docket" report edit "$ref" --section introduction --file "$work/introduction.txt" --as olivia
"$docket" meeting publish "$meeting" --as clara
"$docket" verify
rm -rf "$DOCKET_ARCHIVE/index.sqlite" "$DOCKET_ARCHIVE/auth"
