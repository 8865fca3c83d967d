#!/bin/bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Overhead per task on a graph of over 100,000 small tasks: 1460 daily sample files on a 2-degree
# grid (5840 x 91 x 180, 765 MB), rechunked into 110,960 blocks of 1 x 5 x 180, then an
# elementwise step and a sum over them. Prints each step's wall time over its task count: what
# planning, placing, dispatching and answering one task costs when its kernel is next to nothing.
#
#   tests/bench/many_tasks.sh BUILD_DIR [DATA_DIR] [WORKERS]
set -euo pipefail
build=${1:?usage: many_tasks.sh BUILD_DIR [DATA_DIR] [WORKERS]}
data=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/tessera/many-tasks-1460d-2.0}
workers=${3:-2}
cli="$build/app/tessera-cli"
json=$(mktemp --suffix=.json)
trap 'rm -f "$json"' EXIT

"$cli" sample-data "$data" --days 1460 --grid 2.0 >/dev/null
"$cli" run --local "$workers" --files "$data" --var t2m --repeat 3 \
    -e 'r = x.rechunk(time=1, latitude=5)' -e 'z = r + 1' -e 'r.sum()' --json "$json" >/dev/null
/usr/bin/python3 - "$json" <<'PY'
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
print(f"{'step':36} {'tasks':>7} {'first s':>8} {'median s':>8} {'us/task':>8}")
for s in steps:
    first, median, tasks = s["runs"][0], s["medianSeconds"], s["tasks"]
    print(f"{s['step']:36} {tasks:7d} {first:8.3f} {median:8.3f} {1e6 * median / tasks:8.1f}")
PY
