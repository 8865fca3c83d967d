// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Zarr v3 stores written by zarrita (the JavaScript Zarr implementation), with the values Tessera
// must read from them.
//
// usage: node make_v3_fixtures.mjs OUTDIR
//
// Writes OUTDIR/<store>.zarr and OUTDIR/manifest.json in the form make_v2_fixtures.py uses: per
// variable the reference values as little-endian float64 (OUTDIR/<ref>.f64), computed here from
// the values written, decoded as xarray decodes v3 (the fill value masks nothing; _FillValue,
// scale_factor and add_offset attributes do). zarrita 0.7.5 cannot encode gzip, zlib, crc32c or
// shards: those v3 stores come from Tessera's writer, checked by zarrita's reader (tst_zarrwrite).
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import fs from "node:fs";
import path from "node:path";

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const manifest = [];

const typed = {
    int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
    uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
    float32: Float32Array, float64: Float64Array,
};
const bytes = (endian) => ({ name: "bytes", configuration: { endian } });

function valuesFor(dtype, count) {
    const values = new Float64Array(count);
    for (let i = 0; i < count; ++i) {
        if (dtype.startsWith("float")) values[i] = (i % 17) * 1.25 - 7;
        else if (dtype.startsWith("int")) values[i] = (i % 23) - 11;
        else values[i] = i % 29;
    }
    if (dtype.startsWith("float")) values[5] = NaN;
    return values;
}

async function writeArray(group, name, { dtype, shape, chunks, codecs, fill, attributes, dims, keys, skipRows }) {
    const count = shape.reduce((a, b) => a * b, 1);
    const values = valuesFor(dtype, count);
    const array = await zarr.create(group.resolve(name), {
        shape, chunkShape: chunks, dtype, codecs, fillValue: fill, attributes: attributes ?? {},
        dimensionNames: dims, chunkSeparator: keys,
    });
    const Typed = typed[dtype];
    const big = dtype.endsWith("64") && !dtype.startsWith("float");
    const data = new Typed(count);
    for (let i = 0; i < count; ++i) data[i] = big ? BigInt(values[i]) : values[i];
    const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    // Leaves the chunks of the rows before `skipRows` unwritten: they read as the fill value.
    const start = skipRows ?? 0;
    const rowSize = strides[0];
    await zarr.set(array, [zarr.slice(start, shape[0]), ...shape.slice(1).map(() => null)],
        { data: data.subarray(start * rowSize), shape: [shape[0] - start, ...shape.slice(1)], stride: strides });
    const expected = Float64Array.from(values);
    for (let i = 0; i < start * rowSize; ++i) expected[i] = Number(fill);
    return expected;
}

function decode(values, attributes) {
    const masked = [attributes?._FillValue, attributes?.missing_value].filter((v) => typeof v === "number");
    const scale = attributes?.scale_factor ?? 1;
    const offset = attributes?.add_offset ?? 0;
    return values.map((v) => (masked.includes(v) ? NaN : v * scale + offset));
}

function reference(store, variable, shape, values, note) {
    const ref = `${store}-${variable.replaceAll("/", "-")}.f64`;
    fs.writeFileSync(path.join(out, ref), Buffer.from(Float64Array.from(values).buffer));
    manifest.push({ store: `${store}.zarr`, variable, shape, reference: ref, note });
}

async function store(name) {
    const location = path.join(out, `${name}.zarr`);
    fs.rmSync(location, { recursive: true, force: true });
    return zarr.create(new FileSystemStore(location), { attributes: { written_by: "zarrita 0.7.5" } });
}

// Every dtype, little- and big-endian, chunks that do not divide the shape.
{
    const root = await store("zarrita-types");
    let n = 0;
    for (const dtype of Object.keys(typed)) {
        for (const endian of ["little", "big"]) {
            const name = `${dtype}_${endian}`;
            const spec = { dtype, shape: [7, 9], chunks: [3, 4], codecs: [bytes(endian)], fill: dtype.startsWith("float") ? NaN : 3,
                           dims: ["y", "x"], keys: n++ % 2 ? "/" : "." };
            const values = await writeArray(root, name, spec);
            reference("zarrita-types", name, spec.shape, values, `zarrita ${dtype} ${endian}`);
        }
    }
}

// The codecs zarrita encodes: zstd, blosc (each shuffle, three inner compressors), transpose.
{
    const root = await store("zarrita-codecs");
    const codecs = {
        zstd: [bytes("little"), { name: "zstd", configuration: { level: 3, checksum: false } }],
        "zstd-checksum": [bytes("little"), { name: "zstd", configuration: { level: 1, checksum: true } }],
        "blosc-lz4-shuffle": [bytes("little"), { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 8, blocksize: 0 } }],
        "blosc-zstd-bitshuffle": [bytes("little"), { name: "blosc", configuration: { cname: "zstd", clevel: 3, shuffle: "bitshuffle", typesize: 8, blocksize: 0 } }],
        "blosc-zlib-noshuffle": [bytes("little"), { name: "blosc", configuration: { cname: "zlib", clevel: 4, shuffle: "noshuffle", typesize: 8, blocksize: 0 } }],
        transpose: [{ name: "transpose", configuration: { order: [2, 0, 1] } }, bytes("big")],
    };
    for (const [name, chain] of Object.entries(codecs)) {
        const spec = { dtype: "float64", shape: [6, 5, 7], chunks: [4, 2, 3], codecs: chain, fill: NaN, dims: ["time", "lat", "lon"] };
        const values = await writeArray(root, name, spec);
        reference("zarrita-codecs", name, spec.shape, values, `zarrita ${name}`);
    }
}

// Missing chunks, a nested group, and packed values with xarray's attributes.
{
    const root = await store("zarrita-sparse");
    const sub = await zarr.create(root.resolve("group/sub"), { attributes: {} });
    const spec = { dtype: "float32", shape: [8, 6], chunks: [2, 3], codecs: [bytes("little")], fill: -9, dims: ["y", "x"], skipRows: 4 };
    reference("zarrita-sparse", "group/sub/var", spec.shape, await writeArray(sub, "var", spec), "missing chunks, fill not masked");
    const attributes = { scale_factor: 0.5, add_offset: 100, _FillValue: -5, units: "K" };
    const packed = { dtype: "int16", shape: [8, 6], chunks: [3, 6], codecs: [bytes("little")], fill: -5, dims: ["y", "x"], attributes };
    reference("zarrita-sparse", "packed", packed.shape, decode(await writeArray(root, "packed", packed), attributes), "packed int16, _FillValue");
}

fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest, null, 1));
console.log(`${manifest.length} checks in ${out}`);
