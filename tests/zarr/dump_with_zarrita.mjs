// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Reads one array of a Zarr store with zarrita (the JavaScript Zarr implementation), as a user of
// Tessera's stores would.
//
// usage: node dump_with_zarrita.mjs STORE ARRAYPATH OUT.f64
//
// Writes the stored values (not CF-decoded: zarrita does not decode) in C order as
// little-endian float64 to OUT.f64 and prints, as JSON, the array's shape, dtype, chunks,
// fill value, attributes and codecs.
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import fs from "node:fs";

const [storePath, arrayPath, out] = process.argv.slice(2);
const root = zarr.root(new FileSystemStore(storePath));
const array = await zarr.open(root.resolve(arrayPath), { kind: "array" });
const chunk = await zarr.get(array);
const count = chunk.shape.reduce((a, b) => a * b, 1);
const values = new Float64Array(count);
// zarr.get may hand back strides other than C order (after a transpose codec): walk them.
const index = new Array(chunk.shape.length).fill(0);
for (let flat = 0; flat < count; ++flat) {
    let offset = 0;
    for (let axis = 0; axis < index.length; ++axis) offset += index[axis] * chunk.stride[axis];
    values[flat] = Number(chunk.data[offset]);
    for (let axis = index.length - 1; axis >= 0; --axis) {
        if (++index[axis] < chunk.shape[axis]) break;
        index[axis] = 0;
    }
}
fs.writeFileSync(out, Buffer.from(values.buffer));
const fill = array.fillValue;
console.log(JSON.stringify({
    shape: array.shape,
    dtype: array.dtype,
    chunks: array.chunks,
    fill_value: typeof fill === "bigint" ? Number(fill) : (Number.isNaN(fill) ? "NaN" : fill),
    attrs: array.attrs,
    codecs: (array.codecs ?? []).map((c) => c.name),
}));
