#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tessera's bench --zarr steps on xarray + Dask: the array in the workers' memory written to a
Zarr store with zstd (to_zarr), then read back into the workers' memory (open_zarr, persist).

usage: dask_zarr_bench.py DATADIR OUTDIR [--workers 2] [--threads 1] [--reps 3]

As ../shared/bench/dask_seed_bench.py: a distributed LocalCluster of processes, each file loaded
on a worker (one chunk per file, as Tessera's blocks), timings of the first run and the median.
Debian 12's zarr-python (2.13) writes Zarr v2 only; the codec (zstd level 3) and the chunks
(one per file) are Tessera's.
"""
import argparse
import gc
import glob
import os
import shutil
import statistics
import time

import dask.array as da
import netCDF4
import numcodecs
import numpy as np
import xarray as xr
from distributed import Client, LocalCluster, wait

p = argparse.ArgumentParser()
p.add_argument("datadir")
p.add_argument("outdir")
p.add_argument("--workers", type=int, default=2)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--reps", type=int, default=3)
a = p.parse_args()


def load(fn):
    with netCDF4.Dataset(fn) as f:
        return np.asarray(f["t2m"][:], dtype="f8")


def timed(name, fn, before=None):
    runs = []
    for _ in range(a.reps):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    rerun = statistics.median(runs[1:]) if len(runs) > 1 else runs[0]
    print(f"{name:34s} first {runs[0]:8.3f} s  rerun median {rerun:8.3f} s  runs={' '.join('%.3f' % t for t in runs)}",
          flush=True)


if __name__ == "__main__":
    files = sorted(glob.glob(os.path.join(a.datadir, "*.nc")))
    cluster = LocalCluster(n_workers=a.workers, threads_per_worker=a.threads, processes=True,
                           dashboard_address=None, memory_limit=0)
    client = Client(cluster)
    shape0 = load(files[0]).shape
    blocks = client.map(load, files)
    wait(blocks)
    x = da.concatenate([da.from_delayed(b, shape0, dtype="f8") for b in blocks], axis=0).persist()
    wait(x)
    print("array", x.shape, x.chunksize, f"{x.nbytes / 1e9:.2f} GB", flush=True)
    data = xr.DataArray(x, dims=("time", "latitude", "longitude"), name="t2m").to_dataset()
    store = os.path.join(a.outdir, "dask-bench.zarr")
    encoding = {"t2m": {"compressor": numcodecs.Zstd(level=3), "chunks": x.chunksize}}

    def remove():
        shutil.rmtree(store, ignore_errors=True)

    timed("to_zarr (v2, zstd)", lambda: data.to_zarr(store, mode="w-", encoding=encoding), before=remove)
    print(f"store: {sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs) / 1e6:.1f} MB",
          flush=True)

    def read():
        y = xr.open_zarr(store)["t2m"].data.persist()
        wait(y)
        del y

    def forget():
        # A rerun names the same keys: let the scheduler forget the last run's, or it hands them back.
        gc.collect()
        time.sleep(1.0)

    timed("open_zarr + persist", read, before=forget)
    remove()
    client.close()
    cluster.close()
