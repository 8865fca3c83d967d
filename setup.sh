#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Tessera's two set-up commands for a fresh Debian 12 machine:
#   ./setup.sh run    install what is missing, build, and run the main job
#   ./setup.sh test   install what is missing, build, and run every test
# As root it installs packages with apt-get; otherwise it prints the apt-get line and stops.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(g++ cmake ninja-build pkg-config qt6-base-dev libqcustomplot-dev libnetcdf-c++4-dev libeigen3-dev
    libblosc-dev zlib1g-dev libzstd-dev help2man fonts-dejavu-core)
# Only the tests need these: the formatting check, netCDF4-python as the reference reader, xarray
# as the reference for the language, clang with its runtime and llvm-symbolizer for the sanitized
# build and the fuzz targets, openssl to make TLS test certificates, iproute2 (ip, tc) to make
# test hosts of network namespaces, the launchers the tests start workers with: a real Slurm
# (slurmctld, slurmd, munge; the test starts and stops its own), Open MPI's mpirun, and sshd; and
# the other Zarr implementations: zarr-python, and node with npm for zarrita (pinned in
# tests/zarr/package.json, installed into tests/zarr/node_modules).
TEST_PACKAGES=(clang-format python3-netcdf4 python3-xarray python3-zarr clang libclang-rt-14-dev llvm-14 openssl iproute2
    slurm-wlm munge openmpi-bin openssh-server nodejs npm)
BUILD_DIR=${TESSERA_BUILD_DIR:-build}

usage() {
    echo "usage: $0 run|test" >&2
    exit 2
}

install_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Tessera needs these Debian packages; install them as root, then run this again:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
    cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

# ctest in build folder $1 with the options after it. A skipped test (ctest's "(Skipped)": the
# multi-host, Slurm and ssh tests skip where network namespaces cannot be made) is a failure here
# when run as root, as CI runs, where they can.
run_ctest() {
    local dir=$1 log status
    shift
    log=$(mktemp)
    set +e
    (cd "$dir" && ctest "$@") 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -eq 0 ] && [ "$(id -u)" -eq 0 ] && grep -q '(Skipped)' "$log"; then
        echo "tests were skipped (listed above) although this runs as root, where every test can run" >&2
        status=1
    fi
    rm -f "$log"
    return "$status"
}

# The seed experiment at a size this machine's memory can hold (90 days = 3 GB per copy).
bench_days() {
    local memory_gb
    memory_gb=$(awk '/MemTotal/ {printf "%d", $2 / 1048576}' /proc/meminfo)
    local days=$(( memory_gb * 4 ))
    [ "$days" -gt 90 ] && days=90
    [ "$days" -lt 8 ] && days=8
    echo "$days"
}

# The whole suite again, built with clang, AddressSanitizer and UndefinedBehaviorSanitizer, and
# the libFuzzer targets in the same build (one build for both keeps CI under its 30 minutes). Every
# process (tests, workers, the CLI) writes its reports into one folder; any report fails.
run_sanitized_tests() {
    local dir="$BUILD_DIR-asan" root="$PWD" reports symbolizer=/usr/bin/llvm-symbolizer-14
    # -O1 and line tables only, as the sanitizers' own documentation suggests: reports keep every
    # frame's file and line, and the build is shorter than with -O2 and full debug information.
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
        -DTESSERA_SANITIZE=address,undefined -DTESSERA_FUZZ=ON -DTESSERA_MAN_PAGES=OFF \
        -DTESSERA_FUZZ_SECONDS="${TESSERA_FUZZ_SECONDS:-30}"
    cmake --build "$dir" --parallel "$(nproc)"
    reports="$(cd "$dir" && pwd)/sanitizer-reports"
    rm -rf "$reports" && mkdir -p "$reports"
    ASAN_OPTIONS="log_path=$reports/asan:log_exe_name=1:external_symbolizer_path=$symbolizer" \
        LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS="log_path=$reports/ubsan:log_exe_name=1:print_stacktrace=1:external_symbolizer_path=$symbolizer" \
        QT_QPA_PLATFORM=offscreen run_ctest "$dir" -LE fuzz --output-on-failure --timeout 900 --parallel "$(nproc)"
    if [ -n "$(ls -A "$reports")" ]; then
        cat "$reports"/* >&2
        echo "sanitizer reports above (kept in $reports)" >&2
        return 1
    fi
    echo "sanitized suite: no reports"
}

# Each libFuzzer target for TESSERA_FUZZ_SECONDS (30 by default) from its seed corpus; a crash or
# a sanitizer report fails.
run_fuzzers() {
    run_ctest "$BUILD_DIR-asan" -L fuzz --output-on-failure --timeout 900 --parallel "$(nproc)"
}

case "${1:-}" in
run)
    install_packages "${PACKAGES[@]}"
    build
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$BUILD_DIR/app/tessera" ]; then
        exec "$BUILD_DIR/app/tessera" --local 2 --demo
    fi
    echo "no display: running the seed experiment headless"
    exec "$BUILD_DIR/app/tessera-cli" bench --local 2 --days "$(bench_days)"
    ;;
test)
    if command -v npm >/dev/null; then # a Node.js that brings its own npm (NodeSource's) conflicts with Debian's
        TEST_PACKAGES=("${TEST_PACKAGES[@]/%npm/nodejs}")
    fi
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    npm ci --prefix tests/zarr --no-audit --no-fund --loglevel=error
    build
    QT_QPA_PLATFORM=offscreen run_ctest "$BUILD_DIR" --output-on-failure --timeout 600 --parallel "$(nproc)"
    run_sanitized_tests
    run_fuzzers
    ;;
*)
    usage
    ;;
esac
