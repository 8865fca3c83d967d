#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# A real Slurm on the test hosts of netbed.sh: munged, slurmctld on the machine (198.18.0.1),
# one slurmd per host as nodes n0..nN-1, everything (configuration, state, logs, the munge key
# and socket) in DIR, so nothing of the machine's own Slurm or munge is touched.
#
#   slurmbed.sh up DIR BED N      start them (BED's hosts must exist); prints SLURM_CONF=...
#   slurmbed.sh down DIR          stop them
#
# Clients (sbatch, squeue, scancel) find this Slurm through SLURM_CONF=DIR/slurm.conf.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "slurmbed: $*" >&2
    exit 1
}

stop_from() {
    local pidfile
    for pidfile in "$@"; do
        [ -f "$pidfile" ] || continue
        kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    done
    sleep 0.5
    for pidfile in "$@"; do
        [ -f "$pidfile" ] || continue
        kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

down() {
    local dir=$1
    [ -d "$dir" ] || return 0
    stop_from "$dir"/slurmd-*.pid "$dir/slurmctld.pid" "$dir/munged.pid"
}

write_conf() {
    local dir=$1 count=$2
    cat >"$dir/slurm.conf" <<CONF
ClusterName=tessera-test
SlurmctldHost=localhost(198.18.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=60
CONF
    local i
    for ((i = 0; i < count; i++)); do
        echo "NodeName=n$i NodeAddr=198.18.0.$((10 + i)) CPUs=2 RealMemory=2000 State=UNKNOWN" >>"$dir/slurm.conf"
    done
    echo "PartitionName=debug Nodes=n[0-$((count - 1))] Default=YES MaxTime=10 State=UP" >>"$dir/slurm.conf"
}

up() {
    local dir=$1 bed=$2 count=$3
    [ "$(id -u)" -eq 0 ] || die "starting slurmctld, slurmd and munged needs root"
    for program in munged slurmctld slurmd sinfo; do
        command -v "$program" >/dev/null || die "$program is missing: apt-get install slurm-wlm munge (./setup.sh test does)"
    done
    down "$dir"
    mkdir -p "$dir/state" "$dir/spool" "$dir/log"
    # shellcheck disable=SC2064 # the folder, now
    trap "down '$dir'" EXIT # a half-started Slurm is stopped
    dd if=/dev/urandom of="$dir/munge.key" bs=128 count=1 status=none
    chmod 600 "$dir/munge.key"
    munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
        --log-file="$dir/log/munged.log" --seed-file="$dir/munged.seed"
    write_conf "$dir" "$count"
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -i || die "slurmctld did not start: $(tail -5 "$dir/log/slurmctld.log" 2>/dev/null)"
    local i
    for ((i = 0; i < count; i++)); do
        "$here/netbed.sh" run "$bed" "$i" slurmd -N "n$i" || die "slurmd n$i did not start: $(tail -5 "$dir/log/slurmd-n$i.log")"
    done
    for _ in $(seq 100); do
        if [ "$(sinfo -h -t idle -o '%D' 2>/dev/null | head -1)" = "$count" ]; then
            trap - EXIT
            echo "SLURM_CONF=$SLURM_CONF"
            return 0
        fi
        sleep 0.2
    done
    die "the $count nodes did not come up idle in 20 s: $(sinfo 2>&1) $(tail -3 "$dir/log/slurmctld.log")"
}

case ${1:-} in
up) [ $# -eq 4 ] || die "usage: slurmbed.sh up DIR BED N"; up "$2" "$3" "$4" ;;
down) [ $# -eq 2 ] || die "usage: slurmbed.sh down DIR"; down "$2" ;;
*) die "usage: slurmbed.sh up|down ..." ;;
esac
