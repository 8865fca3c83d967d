#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# The seed experiment across test hosts with slow links, Tessera and then Dask on the same hosts
# and files: a head host (0) and N worker hosts (1..N), each with one link of RATE (tests/netbed).
# Run as root, with nothing else heavy running.
#
#   tests/bench/netbed_bench.sh BUILD DATADIR [--hosts 4] [--rate 600mbit] [--repeat 3] [--days 90] [--no-dask]
#
# --no-dask runs Tessera alone, e.g. to compare two builds on one bed in one sitting.
#
# DATADIR gets the sample data (tessera-cli bench writes it when missing); the workers read it
# there too, as a shared file system. Dask needs python3-distributed and python3-netcdf4.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
netbed="$here/../netbed/netbed.sh"
bed=tsbench

build=$(cd "$1" && pwd)
data=$2
shift 2
hosts=4 rate=600mbit repeat=3 days=90 dask=1
while [ $# -gt 0 ]; do
    case $1 in
    --hosts) hosts=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --no-dask) dask=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$data"
data=$(cd "$data" && pwd)
work=$(mktemp -d)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    "$netbed" down "$bed" || true
    rm -rf "$work" # the token too
}
trap cleanup EXIT

"$netbed" up "$bed" $((hosts + 1)) --rate "$rate"
head_address=$("$netbed" address "$bed" 0)
echo "hosts: head $head_address, workers $("$netbed" address "$bed" 1)..$("$netbed" address "$bed" "$hosts"), links $rate"

echo "== Tessera"
head -c 32 /dev/urandom | base64 >"$work/token"
chmod 600 "$work/token"
addresses=()
for ((i = 1; i <= hosts; i++)); do
    address="$("$netbed" address "$bed" "$i"):7070"
    "$netbed" run "$bed" "$i" "$build/app/tessera-worker" --listen "$address" --token-file "$work/token" --threads 1 \
        >"$work/worker-$i.log" 2>&1 &
    pids+=($!)
    addresses+=("$address")
done
sleep 1
"$netbed" run "$bed" 0 "$build/app/tessera-cli" bench --connect "$(IFS=,; echo "${addresses[*]}")" --token-file "$work/token" \
    --data "$data" --days "$days" --repeat "$repeat" --json "$work/tessera.json"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
[ "$dask" = 1 ] || exit 0

echo "== Dask"
"$netbed" run "$bed" 0 dask-scheduler --host "$head_address" --port 8786 --dashboard-address :0 >"$work/scheduler.log" 2>&1 &
pids+=($!)
sleep 3
for ((i = 1; i <= hosts; i++)); do
    "$netbed" run "$bed" "$i" dask-worker "tcp://$head_address:8786" --host "$("$netbed" address "$bed" "$i")" \
        --nthreads 1 --nworkers 1 --memory-limit 0 --no-dashboard >"$work/dask-worker-$i.log" 2>&1 &
    pids+=($!)
done
sleep 5
"$netbed" run "$bed" 0 /usr/bin/python3 "$here/dask_cluster_bench.py" "$data" --scheduler "tcp://$head_address:8786" \
    --workers "$hosts" --reps "$repeat"
