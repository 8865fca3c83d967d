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
# every host); host I is 198.18.0.(10+I). RATE is tc's ("600mbit"), applied to each direction of
# each host's link; DELAY ("2ms", needs the kernel's sch_netem) is added at both ends of each
# host's link, so host to host one way takes 2 x DELAY. IPv6 is off on every interface of the bed,
# so nothing leaves it but IPv4 within the range. Run as root. Only one bed exists at a time: they
# share the range. Commands in a host run through nsenter (only its network namespace), which
# also works where / is not a mount point (a chroot), unlike `ip netns exec`.
set -euo pipefail

die() {
    echo "netbed: $*" >&2
    exit 1
}

host_address() { echo "198.18.0.$((10 + $1))"; }

check_name() { [[ $1 =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "bed name '$1': 1-10 lowercase letters and digits"; }

in_host() {
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" "$@"
}

no_ipv6() { # DEVICE, then optionally a command prefix that enters a host
    local device=$1
    shift
    "$@" sh -c "[ ! -e /proc/sys/net/ipv6/conf/$device/disable_ipv6 ] || echo 1 >/proc/sys/net/ipv6/conf/$device/disable_ipv6"
}

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
        if ! "$@" qdisc add dev "$device" root handle 1: netem delay "$delay" limit 100000; then
            grep -qw sch_netem /proc/modules 2>/dev/null || [ -d /sys/module/sch_netem ] ||
                die "cannot delay links by $delay: this kernel has no sch_netem (tc qdisc netem)"
            die "tc could not delay $device by $delay (see its message above)"
        fi
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
    check_name "$bed"
    [[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 1 ] && [ "$count" -le 32 ] || die "host count '$count': 1 to 32"
    down "$bed"
    if ip -4 -o addr show | grep -q ' 198\.18\.0\.'; then
        die "198.18.0.0/24 is in use here already ($(ip -4 -o addr show | grep ' 198\.18\.0\.' | awk '{print $2}' | head -1)); remove that bed first"
    fi
    # shellcheck disable=SC2064 # the name, now
    trap "down '$bed'" EXIT # a half-made bed is removed
    local bridge
    bridge=$(bridge_of "$bed")
    ip link add "$bridge" type bridge
    no_ipv6 "$bridge"
    ip addr add 198.18.0.1/24 dev "$bridge"
    ip link set "$bridge" up
    for ((i = 0; i < count; i++)); do
        local ns="$bed-h$i" outside="${bed:0:10}-v$i"
        ip netns add "$ns"
        ip link add "$outside" type veth peer name eth0 netns "$ns"
        no_ipv6 "$outside"
        no_ipv6 all in_host "$ns"
        ip link set "$outside" master "$bridge" up
        in_host "$ns" ip addr add "$(host_address "$i")/24" dev eth0
        in_host "$ns" ip link set lo up
        in_host "$ns" ip link set eth0 up
        shape_egress "$outside" "$rate" "$delay" tc             # into the host
        shape_egress eth0 "$rate" "$delay" in_host "$ns" tc # out of it
    done
    trap - EXIT
}

case ${1:-} in
up) [ $# -ge 3 ] || die "usage: netbed.sh up BED N [--rate RATE] [--delay DELAY]"; up "${@:2}" ;;
down)
    [ $# -eq 2 ] || die "usage: netbed.sh down BED"
    check_name "$2"
    down "$2"
    ;;
address) [ $# -eq 3 ] || die "usage: netbed.sh address BED I"; host_address "$3" ;;
run)
    [ $# -ge 4 ] || die "usage: netbed.sh run BED I PROGRAM [ARGS...]"
    bed=$2 host=$3
    check_name "$bed"
    [[ $host =~ ^[0-9]+$ ]] || die "host '$host' is not a number"
    shift 3
    # Its own UTS namespace, so the host's programs see their host's name.
    # nsenter, not `ip netns exec`: that mounts a sysfs of its own, without /sys/fs/cgroup.
    exec nsenter --net="/run/netns/$bed-h$host" unshare --uts /bin/sh -c 'hostname "$0" && exec "$@"' "$bed-h$host" "$@"
    ;;
*) die "usage: netbed.sh up|down|run|address ..." ;;
esac
