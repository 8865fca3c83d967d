#!/bin/sh
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when an include points up the layers (app -> ui -> net -> core) or across modules the
# architecture keeps apart (docs/ARCHITECTURE.md), or when a private header (_p.h) is included
# from outside its own folder.
set -eu
cd "$1"
status=0

# forbid FOLDER PATTERN WHY: no file directly in FOLDER (or below, with a trailing /) may include PATTERN.
forbid() {
    folder=$1 pattern=$2 why=$3
    if [ "${folder%/}" != "$folder" ]; then
        found=$(grep -rnE "#include \"($pattern)" "$folder" --include='*.h' --include='*.cpp' || true)
    else
        found=$(grep -nE "#include \"($pattern)" "$folder"/*.h "$folder"/*.cpp 2>/dev/null || true)
    fi
    if [ -n "$found" ]; then
        echo "$why:" >&2
        echo "$found" | sed 's/^/  /' >&2
        status=1
    fi
}

forbid core "core/[a-z]+/|net/|ui/|app/" "core's base types include no module"
forbid core/expr/ "core/(kernels|io|plan)/|net/|ui/|app/" "the expression language stands on the base types alone"
forbid core/kernels/ "core/(expr|io|plan)/|net/|ui/|app/" "kernels stand on the base types alone"
forbid core/zarr/ "core/(expr|kernels|io|plan)/|net/|ui/|app/" "Zarr's formats and codecs stand on the base types alone"
forbid core/io/ "core/(expr|kernels|plan)/|net/|ui/|app/" "file IO stands on the base types and Zarr's codecs alone"
forbid core/plan/ "net/|ui/|app/" "planning is core: no sockets, no widgets"
forbid net/protocol/ "net/(worker|session)/|ui/|app/" "the protocol knows neither the worker nor the session"
forbid net/worker/ "net/session/|ui/|app/" "the worker does not know the workbench's session"
forbid net/session/ "net/worker/|ui/|app/" "the session talks to workers only through the protocol"
forbid ui/ "app/" "ui does not include the programs' mains"

private=$(grep -rnoE '#include "[a-z/]+_p\.h"' app core net ui tests --include='*.h' --include='*.cpp' || true)
echo "$private" | while IFS= read -r line; do
    [ -z "$line" ] && continue
    file=${line%%:*}
    header=$(echo "$line" | sed -E 's/.*#include "([^"]+)".*/\1/')
    if [ "$(dirname "$file")" != "$(dirname "$header")" ]; then
        echo "$file includes $header, private to $(dirname "$header")/" >&2
        exit 1
    fi
done || status=1

[ $status -eq 0 ] && echo "includes follow the layers"
exit $status
