#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Test hosts on one machine: network namespaces joined by a bridge, each host's link shaped with tc.
# Addresses come from 198.18.0.0/24 (set aside for benchmarking networks) and nothing else.
#
#   netbed.sh up BED N [--rate RATE] [--delay DELAY]   make hosts 0..N-1 (replaces a bed of that name)
#   netbed.sh down BED                                  remove them all (also what up left half made)
#   netbed.sh run BED I PROGRAM [ARGS...]               run PROGRAM on host I, named BED-hI
#   netbed.sh address BED I                             host I's address
#
# The bridge has 198.18.0.1 in the namespace that calls `up` (the machine itself, reachable from
# every host); host I is 198.18.0.(10+I). RATE is tc's ("600mbit"); DELAY is one way ("2ms") and
# needs the kernel's sch_netem. Run as root. Only one bed exists at a time: they share the range.
set -euo pipefail

die() {
    echo "netbed: $*" >&2
    exit 1
}

host_address() { echo "198.18.0.$((10 + $1))"; }

bridge_of() { echo "${1:0:10}-br"; }

namespaces_of() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-h[0-9]+$" || true; }

down() {
    local bed=$1
    for ns in $(namespaces_of "$bed"); do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
        ip netns delete "$ns"
    done
    # A namespace's end of a veth goes with it, but the other end only when the kernel gets to it.
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^${bed:0:10}-v[0-9]+$"); do
        ip link delete "$link" 2>/dev/null || true
    done
    ip link delete "$(bridge_of "$bed")" 2>/dev/null || true
}

# Shapes the egress of one end of a link; the arguments after the first three run tc (inside a
# namespace or not).
shape_egress() {
    local device=$1 rate=$2 delay=$3 parent=root
    shift 3
    if [ -n "$delay" ]; then
        "$@" qdisc add dev "$device" root handle 1: netem delay "$delay" limit 100000 2>/dev/null ||
            die "cannot delay links by $delay: this kernel has no sch_netem (tc qdisc netem)"
        parent="parent 1:"
    fi
    # A burst above the 64 kB a veth hands over at once (GSO); a queue of up to 100 ms at the rate.
    if [ -n "$rate" ]; then
        # shellcheck disable=SC2086 # parent is two words
        "$@" qdisc add dev "$device" $parent handle 2: tbf rate "$rate" burst 256kb latency 100ms
    fi
}

up() {
    local bed=$1 count=$2 rate="" delay=""
    shift 2
    while [ $# -gt 0 ]; do
        case $1 in
        --rate) rate=$2; shift 2 ;;
        --delay) delay=$2; shift 2 ;;
        *) die "unknown option $1" ;;
        esac
    done
    [ "$(id -u)" -eq 0 ] || die "making network namespaces needs root"
    [[ $bed =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "bed name '$bed': 1-10 lowercase letters and digits"
    [[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] && [ "$count" -le 32 ] || die "host count '$count': 1 to 32"
    down "$bed"
    # shellcheck disable=SC2064 # the name, now
    trap "down '$bed'" EXIT # a half-made bed is removed
    local bridge
    bridge=$(bridge_of "$bed")
    ip link add "$bridge" type bridge
    ip addr add 198.18.0.1/24 dev "$bridge"
    ip link set "$bridge" up
    for ((i = 0; i < count; i++)); do
        local ns="$bed-h$i" outside="${bed:0:10}-v$i"
        ip netns add "$ns"
        ip link add "$outside" type veth peer name eth0 netns "$ns"
        ip link set "$outside" master "$bridge" up
        ip -n "$ns" addr add "$(host_address "$i")/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
        shape_egress "$outside" "$rate" "$delay" tc        # into the host
        shape_egress eth0 "$rate" "$delay" ip netns exec "$ns" tc # out of it
    done
    trap - EXIT
}

case ${1:-} in
up) [ $# -ge 3 ] || die "usage: netbed.sh up BED N [--rate RATE] [--delay DELAY]"; up "${@:2}" ;;
down) [ $# -eq 2 ] || die "usage: netbed.sh down BED"; down "$2" ;;
address) [ $# -eq 3 ] || die "usage: netbed.sh address BED I"; host_address "$3" ;;
run)
    [ $# -ge 4 ] || die "usage: netbed.sh run BED I PROGRAM [ARGS...]"
    bed=$2 host=$3
    shift 3
    # Its own UTS namespace, so the host's programs see their host's name.
    # nsenter, not `ip netns exec`: that mounts a sysfs of its own, without /sys/fs/cgroup.
    exec nsenter --net="/run/netns/$bed-h$host" unshare --uts /bin/sh -c 'hostname "$0" && exec "$@"' "$bed-h$host" "$@"
    ;;
*) die "usage: netbed.sh up|down|run|address ..." ;;
esac
