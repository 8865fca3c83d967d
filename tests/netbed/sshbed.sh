#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# A real sshd on some of netbed.sh's hosts, with keys made here and everything in DIR; the
# machine's own ssh configuration and keys are not touched.
#
#   sshbed.sh up DIR BED I...    start sshd on hosts I... of BED (port 22 of each host's address)
#   sshbed.sh down DIR           stop them
#
# Clients use `ssh -F DIR/ssh_config HOST`: it names the key, the user (root) and the known host
# key. DIR/other_config is the same with a key no sshd accepts. The sanitizers' options of the caller's
# environment are passed on to the sessions' programs, so their reports land where the caller's do.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "sshbed: $*" >&2
    exit 1
}

down() {
    local dir=$1 pidfile
    [ -d "$dir" ] || return 0
    for pidfile in "$dir"/sshd-*.pid; do
        [ -f "$pidfile" ] || continue
        kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

write_configs() {
    local dir=$1 variable
    cat >"$dir/sshd_config" <<CONF
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel ERROR
CONF
    for variable in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
        [ -n "${!variable:-}" ] && echo "SetEnv $variable=\"${!variable}\"" >>"$dir/sshd_config"
    done
    cat >"$dir/ssh_config" <<CONF
Host *
    User root
    IdentityFile $dir/user_key
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    StrictHostKeyChecking yes
    LogLevel ERROR
CONF
    sed "s|$dir/user_key|$dir/other_key|" "$dir/ssh_config" >"$dir/other_config"
    echo "198.18.0.* $(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"
}

up() {
    local dir=$1 bed=$2 host
    shift 2
    [ "$(id -u)" -eq 0 ] || die "starting sshd needs root"
    [ -x /usr/sbin/sshd ] || die "sshd is missing: apt-get install openssh-server (./setup.sh test does)"
    down "$dir"
    mkdir -p "$dir" /run/sshd
    # shellcheck disable=SC2064 # the folder, now
    trap "down '$dir'" EXIT # a half-started bed is stopped
    for key in host_key user_key other_key; do
        rm -f "$dir/$key" "$dir/$key.pub"
        ssh-keygen -q -t ed25519 -N '' -C "tessera-test-$key" -f "$dir/$key"
    done
    cp "$dir/user_key.pub" "$dir/authorized_keys"
    write_configs "$dir"
    for host in "$@"; do
        "$here/netbed.sh" run "$bed" "$host" /usr/sbin/sshd -f "$dir/sshd_config" \
            -o "ListenAddress=$("$here/netbed.sh" address "$bed" "$host")" -o "PidFile=$dir/sshd-$host.pid" ||
            die "sshd on host $host did not start"
    done
    for host in "$@"; do
        for _ in $(seq 50); do
            [ -s "$dir/sshd-$host.pid" ] && break
            sleep 0.1
        done
        [ -s "$dir/sshd-$host.pid" ] || die "sshd on host $host wrote no pid file"
    done
    trap - EXIT
}

case ${1:-} in
up) [ $# -ge 4 ] || die "usage: sshbed.sh up DIR BED I..."; up "${@:2}" ;;
down) [ $# -eq 2 ] || die "usage: sshbed.sh down DIR"; down "$2" ;;
*) die "usage: sshbed.sh up|down ..." ;;
esac
