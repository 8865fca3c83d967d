// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Test hosts on one machine for integration tests: tests/netbed/netbed.sh makes network namespaces
// joined by a bridge (198.18.0.0/24 only); a NetBed removes them when it goes, also when a test
// fails. The test process itself is on the bridge at 198.18.0.1.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <unistd.h>

namespace integration {

class NetBed
{
public:
    NetBed(QString name, int hosts, QString rate = {})
        : m_name(std::move(name))
        , m_hosts(hosts)
        , m_rate(std::move(rate))
    {
    }
    ~NetBed() { script({QStringLiteral("down"), m_name}); }
    NetBed(const NetBed &) = delete;
    NetBed &operator=(const NetBed &) = delete;

    // Why no bed can be made here without counting as a failure ("" when one can be tried).
    static QString whyNotHere()
    {
        if (::geteuid() != 0)
            return QStringLiteral("making network namespaces needs root (CI runs as root); the multi-host tests did not run");
        return {};
    }

    // Makes the hosts; returns the harness's error, or "".
    QString up()
    {
        QStringList arguments{QStringLiteral("up"), m_name, QString::number(m_hosts)};
        if (!m_rate.isEmpty())
            arguments << QStringLiteral("--rate") << m_rate;
        return script(arguments);
    }

    static QString hostAddress(int host) { return QStringLiteral("198.18.0.%1").arg(10 + host); }
    static QString machineAddress() { return QStringLiteral("198.18.0.1"); }
    QString hostName(int host) const { return QStringLiteral("%1-h%2").arg(m_name).arg(host); }

    // The command that runs a program on `host` (see startWorker's launcher).
    QStringList on(int host) const
    {
        return {QStringLiteral(TESSERA_NETBED), QStringLiteral("run"), m_name, QString::number(host)};
    }

    const QString &name() const { return m_name; }
    int hosts() const { return m_hosts; }

    // Runs one of the harness's scripts (netbed.sh, slurmbed.sh beside it); returns its error or "".
    static QString script(const QStringList &arguments, const QString &program = QStringLiteral(TESSERA_NETBED))
    {
        QProcess process;
        process.start(program, arguments);
        if (!process.waitForFinished(60000))
            return QStringLiteral("%1 %2 did not finish: %3").arg(program, arguments.join(u' '), process.errorString());
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            return QStringLiteral("%1 %2 failed: %3")
                .arg(program, arguments.join(u' '), QString::fromUtf8(process.readAllStandardError()).trimmed());
        }
        return {};
    }

private:
    QString m_name;
    int m_hosts;
    QString m_rate;
};

// A real Slurm on a NetBed's hosts (tests/netbed/slurmbed.sh): nodes n0..nN-1, one per host,
// everything in `directory`; stopped when this goes. Clients need SLURM_CONF=configuration().
class SlurmBed
{
public:
    SlurmBed(const NetBed &bed, QString directory)
        : m_bed(bed)
        , m_directory(std::move(directory))
    {
    }
    ~SlurmBed() { NetBed::script({QStringLiteral("down"), m_directory}, program()); }
    SlurmBed(const SlurmBed &) = delete;
    SlurmBed &operator=(const SlurmBed &) = delete;

    QString up()
    {
        return NetBed::script({QStringLiteral("up"), m_directory, m_bed.name(), QString::number(m_bed.hosts())}, program());
    }
    QString configuration() const { return m_directory + QStringLiteral("/slurm.conf"); }

private:
    static QString program()
    {
        return QStringLiteral(TESSERA_NETBED).replace(QStringLiteral("netbed.sh"), QStringLiteral("slurmbed.sh"));
    }

    const NetBed &m_bed;
    QString m_directory;
};

// A real sshd on some of a NetBed's hosts (tests/netbed/sshbed.sh), keys and configuration in
// `directory`; stopped when this goes. Clients take `ssh -F configuration()`.
class SshBed
{
public:
    SshBed(const NetBed &bed, QString directory)
        : m_bed(bed)
        , m_directory(std::move(directory))
    {
    }
    ~SshBed() { NetBed::script({QStringLiteral("down"), m_directory}, program()); }
    SshBed(const SshBed &) = delete;
    SshBed &operator=(const SshBed &) = delete;

    QString up(const QList<int> &hosts)
    {
        QStringList arguments{QStringLiteral("up"), m_directory, m_bed.name()};
        for (int host : hosts)
            arguments << QString::number(host);
        return NetBed::script(arguments, program());
    }
    QString configuration() const { return m_directory + QStringLiteral("/ssh_config"); }
    // The same, with a key no sshd accepts.
    QString otherConfiguration() const { return m_directory + QStringLiteral("/other_config"); }

private:
    static QString program()
    {
        return QStringLiteral(TESSERA_NETBED).replace(QStringLiteral("netbed.sh"), QStringLiteral("sshbed.sh"));
    }

    const NetBed &m_bed;
    QString m_directory;
};

} // namespace integration
