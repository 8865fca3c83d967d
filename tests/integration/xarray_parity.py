#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tessera's language against xarray on files xarray writes.

Each case is a Tessera statement and the same question asked of xarray. The files are written
here by xarray (netCDF4 engine), in layouts Tessera's sample data does not have: monthly files of
28-31 daily steps, a 6-hourly series, latitude ascending, time last, a 360-day calendar, missing
values. tessera-cli answers every statement with --out; each written file must hold xarray's
values (NaN where xarray has NaN), dimensions and coordinates.

Run by ctest (integration/xarray_parity) with TESSERA_CLI set; needs python3-xarray.
"""

import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import xarray as xr

CLI = os.environ.get("TESSERA_CLI", "tessera-cli")
RTOL = 1e-9
warnings.filterwarnings("ignore", category=FutureWarning)  # pandas' own deprecations, inside xarray


def field(shape, seed):
    """Smooth temperatures (K) with a little noise: values where sums do not cancel."""
    rng = np.random.default_rng(seed)
    return 250.0 + 40.0 * rng.random(shape)


def monthly_files(folder):
    """Daily 2014-01..2014-08, one file per month (28-31 steps), latitude descending."""
    lat = np.arange(90.0, -90.1, -5.0)
    lon = np.arange(0.0, 360.0, 7.5)
    paths = []
    for month in range(1, 9):
        time = xr.cftime_range(f"2014-{month:02d}-01", periods=31, freq="D", calendar="standard")
        time = time[time.month == month]
        values = field((len(time), len(lat), len(lon)), month).astype("float32")
        data = xr.DataArray(values, dims=("time", "latitude", "longitude"),
                            coords={"time": time.to_datetimeindex(), "latitude": lat, "longitude": lon},
                            attrs={"units": "K"})
        path = os.path.join(folder, f"t2m_2014{month:02d}.nc")
        data.to_dataset(name="t2m").to_netcdf(path, encoding={"time": {"units": "days since 2014-01-01"}})
        paths.append(path)
    return paths


def six_hourly_file(folder):
    """One file of 6-hourly steps over 40 days, latitude ascending, with a missing patch."""
    time = xr.date_range("2014-12-20", periods=160, freq="6H")
    lat = np.arange(-60.0, 60.1, 10.0)
    lon = np.arange(-20.0, 40.0, 5.0)
    values = field((len(time), len(lat), len(lon)), 99)
    values[10:30, 2:5, 3:6] = np.nan
    data = xr.DataArray(values, dims=("time", "lat", "lon"), coords={"time": time, "lat": lat, "lon": lon},
                        attrs={"units": "K"})
    path = os.path.join(folder, "tas_6h.nc")
    data.to_dataset(name="tas").to_netcdf(path, encoding={"time": {"units": "hours since 2014-12-01"}})
    return [path]


def time_last_360_day_file(folder):
    """Two years of daily steps in a 360-day calendar, stored (lat, lon, time)."""
    time = xr.cftime_range("2001-01-01", periods=720, freq="D", calendar="360_day")
    lat = np.arange(-45.0, 45.1, 15.0)
    lon = np.arange(0.0, 360.0, 45.0)
    values = field((len(lat), len(lon), len(time)), 360)
    data = xr.DataArray(values, dims=("lat", "lon", "time"), coords={"time": time, "lat": lat, "lon": lon},
                        attrs={"units": "K"})
    path = os.path.join(folder, "pr_360day.nc")
    data.to_dataset(name="tas").to_netcdf(path, encoding={"time": {"units": "days since 2001-01-01"}})
    return [path]


def noleap_files(folder):
    """Three years of daily steps in a 365-day calendar, one file per year."""
    lat = np.arange(-80.0, 81.0, 40.0)
    lon = np.arange(0.0, 360.0, 90.0)
    paths = []
    for year in (2001, 2002, 2003):
        time = xr.cftime_range(f"{year}-01-01", periods=365, freq="D", calendar="noleap")
        data = xr.DataArray(field((365, len(lat), len(lon)), year), dims=("time", "lat", "lon"),
                            coords={"time": time, "lat": lat, "lon": lon}, attrs={"units": "K"})
        path = os.path.join(folder, f"tas_{year}.nc")
        data.to_dataset(name="tas").to_netcdf(path, encoding={"time": {"units": "days since 2001-01-01"}})
        paths.append(path)
    return paths


def open_stack(paths, variable):
    """What Tessera loads: the files stacked along their first dimension, as float64."""
    arrays = [xr.open_dataset(path, use_cftime=None)[variable].load() for path in paths]
    first = arrays[0].dims[0]
    return xr.concat(arrays, dim=first).astype("float64") if len(arrays) > 1 else arrays[0].astype("float64")


def numeric_time(x):
    """x with its time as the numbers the files hold (days since 2014-01-01), as Tessera fits it."""
    days = (x.time - np.datetime64("2014-01-01")) / np.timedelta64(1, "D")
    return x.assign_coords(time=days.values)


def weights(x, name):
    return np.cos(np.deg2rad(x[name]))


ERA_CASES = [
    ("x.mean(dim='time')", lambda x: x.mean(dim="time")),
    ("x.std('time')", lambda x: x.std("time")),
    ("x.max(dim=('latitude', 'longitude'))", lambda x: x.max(dim=("latitude", "longitude"))),
    ("x.latitude", lambda x: x.latitude),
    ("x.sel(time='2014-02').mean(('latitude', 'longitude'))", lambda x: x.sel(time="2014-02").mean(("latitude", "longitude"))),
    ("x.sel(time='2014-03-05')", lambda x: x.sel(time="2014-03-05")),
    ("x.sel(time=slice('2014-06-01', '2014-08-31'), latitude=slice(72, 34), longitude=slice(0, 40)).mean('time')",
     lambda x: x.sel(time=slice("2014-06-01", "2014-08-31"), latitude=slice(72, 34), longitude=slice(0, 40)).mean("time")),
    ("x.sel(latitude=52.5, longitude=13.4, method='nearest')",
     lambda x: x.sel(latitude=52.5, longitude=13.4, method="nearest")),
    ("x.isel(time=0, latitude=slice(0, 10))", lambda x: x.isel(time=0, latitude=slice(0, 10))),
    ("x.weighted(cos(radians(x.latitude))).mean(dim=('latitude', 'longitude'))",
     lambda x: x.weighted(weights(x, "latitude")).mean(dim=("latitude", "longitude"))),
    ("x.weighted(cos(radians(x.latitude))).sum('latitude')",
     lambda x: x.weighted(weights(x, "latitude")).sum("latitude")),
    ("x.groupby('time.month').mean()", lambda x: x.groupby("time.month").mean()),
    ("x.groupby('time.season').max()", lambda x: x.groupby("time.season").max()),
    ("x.groupby('time.dayofyear').count()", lambda x: x.groupby("time.dayofyear").count()),
    ("x.groupby('time.month').var()", lambda x: x.groupby("time.month").var()),
    ("x.groupby('time.month') - x.groupby('time.month').mean()",
     lambda x: x.groupby("time.month") - x.groupby("time.month").mean()),
    ("x.resample(time='1MS').mean()", lambda x: x.resample(time="1MS").mean()),
    ("(x < 273.15).sum('time')", lambda x: (x < 273.15).sum("time")),
    ("((x > 260) & (x < 280) | ~(x < 285)).mean()", lambda x: ((x > 260) & (x < 280) | ~(x < 285)).mean()),
    ("where(x > 280, x, 0).mean('time')", lambda x: xr.where(x > 280, x, 0).mean("time")),
    ("x.where(x >= 280).mean('time')", lambda x: x.where(x >= 280).mean("time")),
    ("x.where(x > 289).count('time')", lambda x: x.where(x > 289).count("time")),
    ("(x == x.max()).any()", lambda x: (x == x.max()).any()),
    ("(x != 0).all()", lambda x: (x != 0).all()),
    ("x - x.mean('time')", lambda x: x - x.mean("time")),
    ("x.mean('longitude') - x.mean(('time', 'longitude'))", lambda x: x.mean("longitude") - x.mean(("time", "longitude"))),
    ("(x ** 2).mean('time')", lambda x: (x**2).mean("time")),
    ("exp(x / 300).sum('time')", lambda x: np.exp(x / 300).sum("time")),
    ("log(x).min('time') + log10(x).max('time')", lambda x: np.log(x).min("time") + np.log10(x).max("time")),
    ("sin(radians(x)).mean('time') + cos(x).mean('time') + tan(x).mean('time')",
     lambda x: np.sin(np.deg2rad(x)).mean("time") + np.cos(x).mean("time") + np.tan(x).mean("time")),
    ("floor(x).sum('time') - ceil(x).sum('time') + degrees(x).mean('time')",
     lambda x: np.floor(x).sum("time") - np.ceil(x).sum("time") + np.rad2deg(x).mean("time")),
    ("clip(x, 260, 290).mean('time')", lambda x: x.clip(260, 290).mean("time")),
    ("x.median(dim='time')", lambda x: x.median(dim="time")),
    ("x.quantile([0.1, 0.9], dim='time')", lambda x: x.quantile([0.1, 0.9], dim="time")),
    ("x.quantile(0.25, dim='longitude')", lambda x: x.quantile(0.25, dim="longitude").drop_vars("quantile")),
    ("x.rechunk(time=-1, latitude=5).mean('time')", lambda x: x.mean("time")),
    ("x.polyfit(dim='time', deg=1)", lambda x: numeric_time(x).polyfit(dim="time", deg=1).polyfit_coefficients),
    ("x.polyfit(dim='time', deg=2)[0]", lambda x: numeric_time(x).polyfit(dim="time", deg=2).polyfit_coefficients[0]),
]

SIX_HOURLY_CASES = [
    ("x.resample(time='1D').mean()", lambda x: x.resample(time="1D").mean()),
    ("x.resample(time='1D').max()", lambda x: x.resample(time="1D").max()),
    ("x.groupby('time.hour').mean()", lambda x: x.groupby("time.hour").mean()),
    ("x.groupby('time.month').sum()", lambda x: x.groupby("time.month").sum()),
    ("x.groupby('time.hour') - x.groupby('time.hour').mean()",
     lambda x: x.groupby("time.hour") - x.groupby("time.hour").mean()),
    ("x.weighted(cos(radians(x.lat))).mean(('lat', 'lon'))", lambda x: x.weighted(weights(x, "lat")).mean(("lat", "lon"))),
    ("x.sel(lat=slice(-30, 30), lon=slice(-10, 10)).mean('time')",
     lambda x: x.sel(lat=slice(-30, 30), lon=slice(-10, 10)).mean("time")),
    ("x.sel(time=slice('2014-12-31', '2015-01-02')).mean('time')",
     lambda x: x.sel(time=slice("2014-12-31", "2015-01-02")).mean("time")),
    ("x.sel(time='2015-01-03T06:00:00')", lambda x: x.sel(time="2015-01-03T06:00:00")),
    ("isnan(x).sum('time')", lambda x: np.isnan(x).sum("time")),
    ("notnull(x).all('time')", lambda x: x.notnull().all("time")),
    ("x.count()", lambda x: x.count()),
    ("x.mean()", lambda x: x.mean()),
    ("x.std(dim='time')", lambda x: x.std(dim="time")),
    ("x.sel(time='2015-01-03')", lambda x: x.sel(time="2015-01-03")),
    ("x.sel(time='2014-12-25T05:00', method='nearest')", lambda x: x.sel(time="2014-12-25T05:00", method="nearest")),
    ("x.where(x > 280, 0).sum('time')", lambda x: x.where(x > 280, 0).sum("time")),
    ("x.groupby('time.day').std()", lambda x: x.groupby("time.day").std()),
    ("x.groupby('time.hour').min()", lambda x: x.groupby("time.hour").min()),
    ("x.resample(time='1D').count()", lambda x: x.resample(time="1D").count()),
    ("x.groupby('time.month').count()", lambda x: x.groupby("time.month").count()),
]

NOLEAP_CASES = [
    ("x.groupby('time.dayofyear').mean()", lambda x: x.groupby("time.dayofyear").mean()),
    ("x.resample(time='1MS').max()", lambda x: x.resample(time="1MS").max()),
    ("x.sel(time='2003-02').mean('time')", lambda x: x.sel(time="2003-02").mean("time")),
    ("x.sel(time=slice('2002-12-15', '2003-01-15')).sum('time')",
     lambda x: x.sel(time=slice("2002-12-15", "2003-01-15")).sum("time")),
    ("x.groupby('time.season') - x.groupby('time.season').mean()",
     lambda x: x.groupby("time.season") - x.groupby("time.season").mean()),
]

TIME_LAST_CASES = [
    ("x.mean('time')", lambda x: x.mean("time")),
    ("x.groupby('time.month').mean()", lambda x: x.groupby("time.month").mean()),
    ("x.groupby('time.season').mean()", lambda x: x.groupby("time.season").mean()),
    ("x.groupby('time.dayofyear').max()", lambda x: x.groupby("time.dayofyear").max()),
    ("x.groupby('time.month') - x.groupby('time.month').mean()",
     lambda x: x.groupby("time.month") - x.groupby("time.month").mean()),
    ("x.resample(time='1MS').mean()", lambda x: x.resample(time="1MS").mean()),
    ("x.sel(time='2001-02-30')", lambda x: x.sel(time="2001-02-30")),
    ("x.sel(time='2002-07').mean('time')", lambda x: x.sel(time="2002-07").mean("time")),
    ("x.sel(lat=slice(-20, 40)).weighted(cos(radians(x.lat))).mean(('lat', 'lon'))",
     lambda x: x.sel(lat=slice(-20, 40)).weighted(weights(x, "lat").sel(lat=slice(-20, 40))).mean(("lat", "lon"))),
    ("x.isel(time=slice(0, 100, 7), lon=3)", lambda x: x.isel(time=slice(0, 100, 7), lon=3)),
    ("x.mean(('lat', 'lon')) - x.mean()", lambda x: x.mean(("lat", "lon")) - x.mean()),
]


def run_tessera(paths, variable, statements, out):
    command = [CLI, "run", "--local", "2", "--files", os.path.dirname(paths[0]), "--var", variable, "--out", out]
    for statement in statements:
        command += ["-e", statement]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    for line in run.stderr.splitlines():
        if not line.startswith("wrote "):
            print(line)
    return sorted(name for name in os.listdir(out) if name.endswith(".nc"))


def coordinate_values(array, name):
    values = array[name].values
    if np.issubdtype(values.dtype, np.datetime64) or values.dtype == object and not isinstance(values.flat[0], str):
        return [str(value)[:19].replace("T", " ") for value in values]
    return list(values)


def compare(statement, got, expected):
    """Problems with `got` (read from Tessera's file) against xarray's `expected`, as text."""
    problems = []
    if set(got.dims) != set(expected.dims):
        return [f"dimensions {got.dims}, xarray has {expected.dims}"]
    got = got.transpose(*expected.dims)
    for dim in expected.dims:
        if dim not in expected.coords:
            continue
        if dim not in got.coords:
            problems.append(f"no coordinate {dim}")
            continue
        mine, theirs = coordinate_values(got, dim), coordinate_values(expected, dim)
        if len(mine) != len(theirs) or any(
                a != b if isinstance(b, str) else not np.isclose(float(a), float(b)) for a, b in zip(mine, theirs)):
            problems.append(f"coordinate {dim}: {mine[:6]}... xarray has {theirs[:6]}...")
    mine = np.asarray(got.values, dtype="float64")
    theirs = np.asarray(expected.values, dtype="float64")
    if mine.shape != theirs.shape:
        problems.append(f"shape {mine.shape}, xarray has {theirs.shape}")
    elif not np.allclose(mine, theirs, rtol=RTOL, atol=1e-12, equal_nan=True):
        worst = np.nanmax(np.abs(mine - theirs))
        nan_mismatch = int((np.isnan(mine) != np.isnan(theirs)).sum())
        problems.append(f"values differ: largest difference {worst:g}, NaN in one only at {nan_mismatch} places")
    return problems


def check_eof(paths, variable, folder, k=3):
    """eof() against numpy's SVD of the weighted anomalies: patterns, PCs and variance up to sign."""
    out = os.path.join(folder, "out-eof")
    statement = f"eof(x, k={k}, dim='time', weights=sqrt(cos(radians(x.latitude))))"
    written = run_tessera(paths, variable, [statement], out)
    if not written:
        print(f"FAIL eof: {statement}\n       no result written")
        return 1
    x = open_stack(paths, variable)
    w = np.sqrt(np.cos(np.deg2rad(x.latitude)))
    anomalies = ((x - x.mean("time")) * w).fillna(0).values.reshape(x.shape[0], -1)
    u, s, vt = np.linalg.svd(anomalies, full_matrices=False)
    with xr.open_dataset(os.path.join(out, written[0])) as dataset:
        patterns = dataset["result"].values.reshape(k, -1)
        pcs = dataset["pcs"].values
        fractions = dataset["variance_fraction"].values
    problems = []
    if not np.allclose(fractions, s[:k] ** 2 / np.sum(s ** 2), rtol=1e-9):
        problems.append(f"variance fractions {fractions}, numpy {s[:k] ** 2 / np.sum(s ** 2)}")
    for mode in range(k):
        sign = np.sign(np.dot(patterns[mode], vt[mode]))
        if not np.allclose(patterns[mode], sign * vt[mode], atol=1e-8):
            problems.append(f"pattern {mode + 1} differs from numpy's beyond sign")
        if not np.allclose(pcs[mode], sign * u[:, mode] * s[mode], rtol=1e-7, atol=1e-7 * s[mode]):
            problems.append(f"principal component {mode + 1} differs from numpy's beyond sign")
    print(f"{'ok' if not problems else 'FAIL':4} eof: {statement}")
    for problem in problems:
        print(f"       {problem}")
    return 1 if problems else 0


def check(name, paths, variable, cases, folder):
    out = os.path.join(folder, "out-" + name)
    written = run_tessera(paths, variable, [statement for statement, _ in cases], out)
    x = open_stack(paths, variable)
    failures = 0
    for number, (statement, ask_xarray) in enumerate(cases, start=1):
        file_name = next((name for name in written if name.startswith(f"{number:02d}-")), None)
        if file_name is None:
            print(f"FAIL {name}: {statement}\n       no result written (see tessera-cli's messages above)")
            failures += 1
            continue
        with xr.open_dataset(os.path.join(out, file_name), use_cftime=True) as dataset:
            got = dataset["result"].load()
        expected = ask_xarray(x)
        if expected.dtype == bool:
            expected = expected.astype("float64")
        problems = compare(statement, got, expected)
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {name}: {statement}")
        for problem in problems:
            print(f"       {problem}")
        failures += bool(problems)
    return failures


def main():
    with tempfile.TemporaryDirectory(prefix="tessera-xarray-") as folder:
        failures = 0
        for name, make, variable, cases in (("monthly-files", monthly_files, "t2m", ERA_CASES),
                                            ("six-hourly", six_hourly_file, "tas", SIX_HOURLY_CASES),
                                            ("time-last-360-day", time_last_360_day_file, "tas", TIME_LAST_CASES),
                                            ("noleap-yearly-files", noleap_files, "tas", NOLEAP_CASES)):
            data = os.path.join(folder, name)
            os.makedirs(data)
            failures += check(name, make(data), variable, cases, folder)
        failures += check_eof(monthly_files(os.path.join(folder, "monthly-files")), "t2m", folder)
        total = len(ERA_CASES) + len(SIX_HOURLY_CASES) + len(TIME_LAST_CASES) + len(NOLEAP_CASES) + 1
        print(f"{total - failures} of {total} statements agree with xarray {xr.__version__}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
