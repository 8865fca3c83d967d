#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The seed experiment on dask.array + distributed, on a running cluster (dask-scheduler and
dask-worker started elsewhere, as netbed_bench.sh does on test hosts): the same steps, in the same
order and the same way as ../shared/bench/dask_seed_bench.py, which runs them on a LocalCluster.

Usage: dask_cluster_bench.py DATADIR --scheduler tcp://HOST:PORT [--workers N] [--reps 3]
The rechunk is tessera-cli bench's `r = x.rechunk(time=-1, latitude=8)`, persisted.
Prints one line per step: name, first run, median of all runs, every run, a checksum, and the
bytes the workers sent each other during the step (from the workers' own counters).
"""
import argparse, gc, glob, statistics, time
import numpy as np, netCDF4
import dask.array as da
from distributed import Client, wait

p = argparse.ArgumentParser()
p.add_argument("datadir"); p.add_argument("--scheduler", required=True)
p.add_argument("--workers", type=int, default=1, help="wait for this many workers")
p.add_argument("--reps", type=int, default=3); p.add_argument("--var", default="t2m")
a = p.parse_args()


def load(fn, var=a.var):
    with netCDF4.Dataset(fn) as f:
        return np.asarray(f[var][:], dtype="f8")


def peer_bytes(c):
    """Bytes the workers have sent to each other so far (their transfer logs)."""
    logs = c.run(lambda dask_worker: sum(t["total"] for t in dask_worker.transfer_outgoing_log))
    return sum(logs.values())


def timed(c, name, fn):
    ts = []
    moved = 0
    for _ in range(a.reps):
        gc.collect()     # drop the last run's futures now, not whenever Python's collector runs
        time.sleep(0.5)  # let the scheduler forget the last run's keys: no cached results
        before = peer_bytes(c)
        t0 = time.perf_counter(); r = fn(); ts.append(time.perf_counter() - t0)
        moved = peer_bytes(c) - before
    chk = r if np.isscalar(r) or getattr(r, "size", 2) == 1 else float(np.asarray(r, dtype="f8").sum())
    print(f"{name:28s} first {ts[0]:9.4f} s  median {statistics.median(ts):9.4f} s  "
          f"runs={' '.join('%.4f' % t for t in ts)}  check={float(np.asarray(chk)):.6f}  "
          f"worker<->worker {moved / 1e6:.1f} MB", flush=True)
    return r


def main():
    files = sorted(glob.glob(a.datadir + "/*.nc"))
    c = Client(a.scheduler)
    c.wait_for_workers(a.workers)
    print("workers:", ", ".join(sorted(c.scheduler_info()["workers"])), flush=True)
    shape0 = load(files[0]).shape
    t0 = time.perf_counter()
    futures = [c.scatter(load(fn)) for fn in files]  # the head node reads, then scatters
    wait(futures)
    print(f"{'load+scatter (head node)':28s} {time.perf_counter() - t0:10.4f} s   files={len(files)}", flush=True)
    x = da.concatenate([da.from_delayed(f, shape0, dtype="f8") for f in futures], axis=0)
    x = x.persist(); wait(x)
    print("array", x.shape, x.chunksize, f"{x.nbytes / 1e9:.2f} GB", flush=True)
    timed(c, "x[0,0,0]", lambda: x[0, 0, 0].compute())
    timed(c, "x[100,:,:]", lambda: x[min(100, x.shape[0] - 1), :, :].compute())
    timed(c, "x.sum()", lambda: x.sum().compute())
    timed(c, "x.mean(axis=(1,2))", lambda: x.mean(axis=(1, 2)).compute())
    timed(c, "x.mean(axis=0)", lambda: x.mean(axis=0).compute())

    def anomaly():
        y = (x - x.mean()).persist(); wait(y); r = y[0, 0, 0].compute(); del y; return r
    timed(c, "x - x.mean() (persist)", anomaly)
    timed(c, "x.std(axis=0)", lambda: x.std(axis=0).compute())

    def rechunk():  # as tessera-cli bench's `r = x.rechunk(time=-1, latitude=8)`
        r = x.rechunk((x.shape[0], 8, x.shape[2])).persist(); wait(r); s = r[0, 0, 0].compute(); del r; return s
    timed(c, "rechunk (persist)", rechunk)
    del x, futures
    t0 = time.perf_counter()
    fs = c.map(load, files); wait(fs)  # each worker reads its files from the shared path
    print(f"{'load on workers (parallel)':28s} {time.perf_counter() - t0:10.4f} s", flush=True)
    c.close()


if __name__ == "__main__":
    main()
