#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Dask's rechunk of the seed's array, beside tessera-cli bench's `r = x.rechunk(time=-1, latitude=8)`.

Usage: dask_rechunk_bench.py DATADIR [--workers 2] [--threads 1] [--reps 3]
Loads the files on the workers (one block per file, as Tessera does), persists x, then times
x.rechunk((T, 8, X)).persist() and the median along time (which rechunks first). Prints the
first run and the median of each step, as ../../shared/bench/dask_seed_bench.py prints its own.
"""
import argparse
import gc
import glob
import statistics
import time

import dask.array as da
import netCDF4
import numpy as np
from distributed import Client, LocalCluster, wait

parser = argparse.ArgumentParser()
parser.add_argument("datadir")
parser.add_argument("--workers", type=int, default=2)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--reps", type=int, default=3)
parser.add_argument("--var", default="t2m")
args = parser.parse_args()


def load(path, var=args.var):
    with netCDF4.Dataset(path) as f:
        return np.asarray(f[var][:], dtype="f8")


def timed(name, run):
    seconds = []
    for _ in range(args.reps):
        gc.collect()
        time.sleep(0.5)  # the previous run's keys forgotten: nothing cached
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    print(f"{name:36s} first {seconds[0]:8.4f} s  median {statistics.median(seconds):8.4f} s  "
          f"runs={' '.join('%.4f' % s for s in seconds)}", flush=True)


if __name__ == "__main__":
    files = sorted(glob.glob(args.datadir + "/*.nc"))
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads, processes=True,
                           dashboard_address=None, memory_limit=0)
    client = Client(cluster)
    shape0 = load(files[0]).shape
    blocks = client.map(load, files)
    wait(blocks)
    x = da.concatenate([da.from_delayed(block, shape0, dtype="f8") for block in blocks], axis=0).persist()
    wait(x)
    print("array", x.shape, x.chunksize, f"{x.nbytes / 1e9:.2f} GB", flush=True)

    def rechunk():
        r = x.rechunk((x.shape[0], 8, x.shape[2])).persist()
        wait(r)
        del r

    timed("r = x.rechunk(time=-1, latitude=8)", rechunk)
    timed("median(x, axis=0)", lambda: da.median(x, axis=0).compute())
    client.close()
    cluster.close()
