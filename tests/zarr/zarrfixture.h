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
inline QString run(const QString &program, const QStringList &arguments, const QStringList &environment = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (!environment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &entry : environment)
            env.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
        process.setProcessEnvironment(env);
    }
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

} // namespace zarrfixture
