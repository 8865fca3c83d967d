#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails, naming them, when source or build files lack their SPDX licence line (LICENSE: GPL-3.0-or-later).
set -eu
cd "$1"
missing=$(find app core net ui tests cmake packaging resources -type f \
              \( -name '*.cpp' -o -name '*.h' -o -name '*.sh' -o -name 'CMakeLists.txt' -o -name '*.cmake' \) \
              -exec grep -L 'SPDX-License-Identifier:' {} + | sort)
if [ -n "$missing" ]; then
    echo "no SPDX-License-Identifier line in:" >&2
    echo "$missing" | sed 's/^/  /' >&2
    exit 1
fi
echo "every source file names its licence"
