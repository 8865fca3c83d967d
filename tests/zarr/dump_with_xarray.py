#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads a Zarr v2 store with xarray (CF decoding on) and zarr-python, as a user of Tessera's
stores would.

usage: dump_with_xarray.py STORE VARIABLE OUT.f64

Writes the decoded values as little-endian float64 to OUT.f64 and prints, as JSON, what xarray
says of the variable: dims, coordinates (names and values), attrs, dtype, chunks, compressor.
"""
import json
import sys

import numpy as np
import xarray as xr
import zarr

store, variable, out = sys.argv[1:4]
with xr.open_zarr(store) as ds:
    array = ds[variable]
    # float64, as Tessera computes; xarray decodes packed int16 to float32.
    np.asarray(array.values, dtype="<f8").tofile(out)
    coords = {name: np.asarray(ds[name].values).astype("f8").tolist() if ds[name].dtype.kind in "fiu"
              else [str(v) for v in ds[name].values] for name in array.coords}
    raw = zarr.open_group(store, mode="r")[variable]
    print(json.dumps({
        "dims": list(array.dims),
        "shape": list(array.shape),
        "coords": coords,
        "attrs": {k: (v if isinstance(v, (str, int, float)) else str(v)) for k, v in array.attrs.items()},
        "encoding_dtype": str(array.encoding.get("dtype")),
        "chunks": list(raw.chunks),
        "compressor": raw.compressor.get_config() if raw.compressor else None,
        "time_dtype": str(ds["time"].dtype) if "time" in ds.coords else None,
    }))
