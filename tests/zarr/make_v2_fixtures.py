#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Zarr v2 stores written by zarr-python and xarray, with the values xarray decodes from them.

usage: make_v2_fixtures.py OUTDIR

Writes OUTDIR/<store>.zarr and OUTDIR/manifest.json: one entry per variable to check, with the
reference values (xarray.open_zarr, CF decoding on) as raw little-endian float64 in OUTDIR/<ref>.f64,
or, for stores Tessera must refuse, the words its error must contain.
"""
import json
import os
import sys

import numcodecs
import numpy as np
import xarray as xr
import zarr

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
manifest = []


def reference(store, variable, values, note):
    ref = f"{store}-{variable.replace('/', '-')}.f64"
    np.asarray(values, dtype="<f8").tofile(os.path.join(out, ref))
    manifest.append({"store": store + ".zarr", "variable": variable, "shape": list(np.shape(values)),
                     "reference": ref, "note": note})


def decoded(store, variable):
    """What xarray gives, the reference Tessera's decoding must match."""
    group, _, name = variable.rpartition("/")
    with xr.open_zarr(os.path.join(out, store + ".zarr"), group=group or None, consolidated=False) as ds:
        return ds[name].values.astype("f8")


def sample(shape, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 10 + 280).astype("f8")


# One xarray dataset with coordinates, written once per compressor; chunks that do not divide the
# shape, so edge chunks are partial.
shape = (10, 12, 16)
t2m = sample(shape, 1)
t2m[2, 3, 4] = np.nan
ds = xr.Dataset(
    {"t2m": (("time", "latitude", "longitude"), t2m, {"units": "K", "long_name": "2 metre temperature"})},
    coords={
        "time": ("time", np.arange(10) * 6.0, {"units": "hours since 1900-01-01", "calendar": "gregorian"}),
        "latitude": ("latitude", np.linspace(90, -90, 12), {"units": "degrees_north"}),
        "longitude": ("longitude", np.arange(16) * 22.5, {"units": "degrees_east"}),
    },
)
compressors = {
    "none": None,
    "zlib": numcodecs.Zlib(level=1),
    "gzip": numcodecs.GZip(level=5),
    "zstd": numcodecs.Zstd(level=3),
    "blosc-lz4": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc-zstd-bit": numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE),
    "blosc-zlib-noshuffle": numcodecs.Blosc(cname="zlib", clevel=4, shuffle=numcodecs.Blosc.NOSHUFFLE),
    "blosc-lz4hc": numcodecs.Blosc(cname="lz4hc", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
}
for name, compressor in compressors.items():
    store = f"xr-{name}"
    ds.to_zarr(os.path.join(out, store + ".zarr"), mode="w", consolidated=False,
               encoding={"t2m": {"compressor": compressor, "chunks": (3, 5, 7)}})
    reference(store, "t2m", decoded(store, "t2m"), f"xarray, {name}")

# Packed int16 with scale_factor, add_offset and _FillValue (xarray stores it as fill_value),
# plus missing_value on a second variable.
packed = xr.Dataset({"t2m": (("time", "latitude", "longitude"), t2m, {"units": "K"})})
packed.to_zarr(os.path.join(out, "xr-packed.zarr"), mode="w", consolidated=False,
               encoding={"t2m": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0,
                                 "_FillValue": -32767, "chunks": (4, 12, 16)}})
# xarray decodes int16 to float32; Tessera works in float64, as netCDF4-python decodes, so the
# reference is the raw integers decoded in float64, checked against xarray's float32 first.
raw = zarr.open_array(os.path.join(out, "xr-packed.zarr", "t2m"), mode="r")[:]
unpacked = np.where(raw == -32767, np.nan, raw * 0.01 + 280.0)
np.testing.assert_allclose(unpacked, decoded("xr-packed", "t2m"), rtol=1e-6)
reference("xr-packed", "t2m", unpacked, "xarray, packed int16")

# zarr-python alone: each dtype and byte order, Fortran order, '/' separators, missing chunks.
root = zarr.open_group(os.path.join(out, "zarr-types.zarr"), mode="w")
types = ["|i1", "|u1", "<i2", ">i2", "<u2", "<i4", ">u4", "<i8", ">u8", "<f4", ">f4", ">f8", "|b1"]
for index, dtype in enumerate(types):
    name = "a_" + dtype.replace("<", "le_").replace(">", "be_").replace("|", "")
    values = np.arange(7 * 9, dtype="f8").reshape(7, 9) * (3 if dtype[1] in "iu" else 0.75)
    if dtype[1] == "i":
        values -= 40
    array = root.create_dataset(name, shape=(7, 9), chunks=(3, 4), dtype=dtype,
                                fill_value=None if dtype == "|b1" else 5,
                                order="F" if index % 3 == 0 else "C",
                                dimension_separator="/" if index % 2 else ".",
                                compressor=numcodecs.Zstd(level=1) if index % 4 == 1 else None)
    array[:] = values.astype(dtype)
    array.attrs["_ARRAY_DIMENSIONS"] = [f"{name}_y", f"{name}_x"]
    reference("zarr-types", name, decoded("zarr-types", name), f"zarr-python, {dtype}")

# Missing chunks read as the fill value; NaN fill on floats, and a nested group.
sparse = zarr.open_group(os.path.join(out, "zarr-sparse.zarr"), mode="w")
deep = sparse.create_group("group").create_group("sub")
for group, fill in ((sparse, np.nan), (deep, -9.0)):
    array = group.create_dataset("var", shape=(6, 8), chunks=(2, 3), dtype="<f8", fill_value=fill)
    array[0:2, 0:3] = 1.5
    array[4:6, 6:8] = 2.5
    array.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
reference("zarr-sparse", "var", decoded("zarr-sparse", "var"), "missing chunks, NaN fill")
reference("zarr-sparse", "group/sub/var", decoded("zarr-sparse", "group/sub/var"), "nested group, fill -9 masked")

# What Tessera must refuse, with the words the error must hold.
refused = zarr.open_group(os.path.join(out, "zarr-refused.zarr"), mode="w")
refused.create_dataset("delta", shape=(4,), chunks=(2,), dtype="<f8",
                       filters=[numcodecs.Delta(dtype="<f8")])[:] = 1.0
refused.create_dataset("lz4", shape=(4,), chunks=(2,), dtype="<f8", compressor=numcodecs.LZ4())[:] = 1.0
refused.create_dataset("text", shape=(4,), chunks=(2,), dtype=object, object_codec=numcodecs.VLenUTF8())[:] = "a"
refused.create_dataset("complex", shape=(4,), chunks=(2,), dtype="<c16")[:] = 1.0
for name, words in (("delta", ["filter delta"]), ("lz4", ["codec lz4"]), ("text", ["data type", "|O"]),
                    ("complex", ["data type <c16"])):
    manifest.append({"store": "zarr-refused.zarr", "variable": name, "error": words})

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(f"{len(manifest)} checks in {out}")
