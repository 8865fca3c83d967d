#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# run-fuzzer.sh FUZZER SEEDS WORKDIR SECONDS: writes the seed corpus, runs FUZZER on it for
# SECONDS, and fails (keeping the crashing input in WORKDIR) on any crash or sanitizer report.
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$fuzzer")
mkdir -p "$work/corpus" "$work/artifacts"
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp:print_suppressions=0"
"$seeds" "$name" "$work/corpus"
cd "$work"
# -fork=1 would survive a crash; a crash must fail the run instead.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" corpus 2>"$work/log" || {
    tail -40 "$work/log" >&2
    echo "$name: crashed; inputs kept in $work/artifacts" >&2
    exit 1
}
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" || true
echo "$name: no crash in $seconds s"
