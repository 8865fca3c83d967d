#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails, naming the files, when a C++ file of the tree is not formatted as .clang-format says.
# Fix with: clang-format -i $(git ls-files '*.cpp' '*.h')
set -eu
cd "$1"
if ! command -v clang-format >/dev/null 2>&1; then
    echo "clang-format is not installed (Debian: clang-format; ./setup.sh test installs it)" >&2
    exit 1
fi
files=$(find app core net ui tests -name '*.cpp' -o -name '*.h' | sort)
unformatted=""
for file in $files; do
    if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
        unformatted="$unformatted $file"
    fi
done
if [ -n "$unformatted" ]; then
    echo "not formatted as .clang-format says:$unformatted" >&2
    echo "fix with: clang-format -i$unformatted" >&2
    exit 1
fi
echo "$(echo "$files" | wc -l) files formatted"
