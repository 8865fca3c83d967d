// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Zarr stores written by implementations Tessera did not write (zarr-python and xarray for v2,
// zarrita for v3), made by the scripts in tests/zarr, and the manifest of what each must read as.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <cstring>
#include <vector>

namespace zarrfixture {

// Runs `program` with `arguments`; the error names the command and shows its output.
inline QString run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(10000))
        return QStringLiteral("%1 did not start (%2); ./setup.sh test installs what the Zarr tests need")
            .arg(program, process.errorString());
    process.waitForFinished(300000);
    const QString output = QString::fromUtf8(process.readAll());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 %2 failed:\n%3").arg(program, arguments.join(u' '), output);
    return {};
}

// zarrita is installed into tests/zarr/node_modules (npm ci --prefix tests/zarr) by ./setup.sh test.
inline bool haveZarrita()
{
    return QFile::exists(QStringLiteral(TESSERA_ZARR_SCRIPTS "/node_modules/zarrita/package.json"));
}
inline const char *const zarritaMissing = "zarrita is not installed: run ./setup.sh test, or npm ci --prefix tests/zarr "
                                          "(needs nodejs and npm)";

inline QJsonArray manifest(const QString &folder)
{
    QFile file(folder + QStringLiteral("/manifest.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).array();
}

inline std::vector<double> readDoubles(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    std::vector<double> values(std::size_t(bytes.size()) / sizeof(double));
    std::memcpy(values.data(), bytes.constData(), values.size() * sizeof(double));
    return values;
}

// One array of a store as another implementation reads it: the values the dump script wrote
// (tests/zarr/dump_with_*), the facts it printed as JSON, or why there are none.
struct Dump
{
    std::vector<double> values;
    QJsonObject facts;
    QString failure;
};

inline Dump dumpWith(const QString &program, const QString &script, const QString &store, const QString &variable,
                     const QString &valuesFile)
{
    QProcess process;
    const QStringList arguments{script, store, variable, valuesFile};
    process.start(program, arguments);
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {{},
                {},
                program + u' ' + arguments.join(u' ') + QStringLiteral(": ") + process.errorString() + u'\n'
                    + QString::fromUtf8(process.readAllStandardError())};
    return {readDoubles(valuesFile), QJsonDocument::fromJson(process.readAllStandardOutput()).object(), {}};
}

// xarray.open_zarr (CF decoding on) and zarr-python: v2 stores.
inline Dump dumpWithXarray(const QString &store, const QString &variable, const QString &valuesFile)
{
    return dumpWith(QStringLiteral("/usr/bin/python3"), QStringLiteral(TESSERA_ZARR_SCRIPTS "/dump_with_xarray.py"), store,
                    variable, valuesFile);
}

// zarrita: v2 and v3 stores, the stored values (no CF decoding).
inline Dump dumpWithZarrita(const QString &store, const QString &variable, const QString &valuesFile)
{
    return dumpWith(QStringLiteral("node"), QStringLiteral(TESSERA_ZARR_SCRIPTS "/dump_with_zarrita.mjs"), store, variable,
                    valuesFile);
}

} // namespace zarrfixture
