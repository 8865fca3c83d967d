#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# check-headless.sh PROGRAM...: fails when a program that runs on cluster nodes (the worker, the
# CLI) needs Qt's GUI or Widgets libraries, which a node without a desktop does not have.
set -eu
status=0
for program in "$@"; do
    needed=$(readelf -d "$program" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
    [ -n "$needed" ] || { echo "$program: readelf found no shared libraries" >&2; exit 1; }
    gui=$(echo "$needed" | grep -E '^libQt6(Gui|Widgets|PrintSupport|OpenGL)' || true)
    if [ -n "$gui" ]; then
        echo "$(basename "$program") needs $(echo $gui | tr '\n' ' '); cluster nodes may not have them" >&2
        status=1
    fi
done
exit $status
