// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/connect/connectprofile.h"

#include <QSettings>
#include <QThread>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
const QString ProfilesGroup = u"ConnectProfiles"_s;
const QString LastUsedGroup = u"ConnectDialog/last"_s;
const QString LastProfileKey = u"ConnectDialog/lastProfile"_s;
constexpr double BytesPerGiB = 1024.0 * 1024.0 * 1024.0;
const QStringList ModeNames{u"local"_s, u"remote"_s, u"slurm"_s, u"ssh"_s}; // ConnectProfile::Mode's order

void write(QSettings &settings, const ConnectProfile &profile)
{
    settings.setValue(u"mode"_s, ModeNames.at(profile.mode));
    settings.setValue(u"localWorkers"_s, profile.localWorkers);
    settings.setValue(u"localThreads"_s, profile.localThreads);
    settings.setValue(u"localMemoryGiB"_s, profile.localMemoryGiB);
    settings.setValue(u"listen"_s, profile.listen);
    settings.setValue(u"addresses"_s, profile.addresses);
    settings.setValue(u"listenHost"_s, profile.listenHost);
    settings.setValue(u"listenPort"_s, profile.listenPort);
    settings.setValue(u"expectedWorkers"_s, profile.expectedWorkers);
    settings.setValue(u"tokenFile"_s, profile.tokenFile);
    settings.setValue(u"tlsCaFile"_s, profile.tlsCaFile);
    settings.setValue(u"tlsPin"_s, profile.tlsPin);
    settings.setValue(u"launchListenHost"_s, profile.launchListenHost);
    settings.setValue(u"launchListenPort"_s, profile.launchListenPort);
    settings.setValue(u"slurmNodes"_s, profile.slurmNodes);
    settings.setValue(u"slurmTasksPerNode"_s, profile.slurmTasksPerNode);
    settings.setValue(u"slurmPartition"_s, profile.slurmPartition);
    settings.setValue(u"slurmTimeLimit"_s, profile.slurmTimeLimit);
    settings.setValue(u"slurmArguments"_s, profile.slurmArguments);
    settings.setValue(u"slurmTokenFile"_s, profile.slurmTokenFile);
    settings.setValue(u"slurmWaitSeconds"_s, profile.slurmWaitSeconds);
    settings.setValue(u"sshHosts"_s, profile.sshHosts);
    settings.setValue(u"sshJumpHost"_s, profile.sshJumpHost);
    settings.setValue(u"sshArguments"_s, profile.sshArguments);
    settings.setValue(u"sshWorkerProgram"_s, profile.sshWorkerProgram);
}

std::optional<ConnectProfile> read(const QSettings &settings)
{
    if (!settings.contains(u"mode"_s) && !settings.contains(u"remote"_s))
        return std::nullopt;
    ConnectProfile profile = ConnectProfile::defaults();
    // Profiles saved before Slurm and ssh said only whether they were remote.
    const qsizetype mode = ModeNames.indexOf(settings.value(u"mode"_s).toString());
    profile.mode = mode >= 0 ? ConnectProfile::Mode(mode)
                             : (settings.value(u"remote"_s).toBool() ? ConnectProfile::Remote : ConnectProfile::Local);
    profile.localWorkers = settings.value(u"localWorkers"_s, profile.localWorkers).toInt();
    profile.localThreads = settings.value(u"localThreads"_s, profile.localThreads).toInt();
    profile.localMemoryGiB = settings.value(u"localMemoryGiB"_s, profile.localMemoryGiB).toDouble();
    profile.listen = settings.value(u"listen"_s).toBool();
    profile.addresses = settings.value(u"addresses"_s).toString();
    profile.listenHost = settings.value(u"listenHost"_s, profile.listenHost).toString();
    profile.listenPort = settings.value(u"listenPort"_s, profile.listenPort).toInt();
    profile.expectedWorkers = settings.value(u"expectedWorkers"_s, profile.expectedWorkers).toInt();
    profile.tokenFile = settings.value(u"tokenFile"_s).toString();
    profile.tlsCaFile = settings.value(u"tlsCaFile"_s).toString();
    profile.tlsPin = settings.value(u"tlsPin"_s).toString();
    profile.launchListenHost = settings.value(u"launchListenHost"_s, profile.launchListenHost).toString();
    profile.launchListenPort = settings.value(u"launchListenPort"_s, profile.launchListenPort).toInt();
    profile.slurmNodes = settings.value(u"slurmNodes"_s, profile.slurmNodes).toInt();
    profile.slurmTasksPerNode = settings.value(u"slurmTasksPerNode"_s, profile.slurmTasksPerNode).toInt();
    profile.slurmPartition = settings.value(u"slurmPartition"_s).toString();
    profile.slurmTimeLimit = settings.value(u"slurmTimeLimit"_s).toString();
    profile.slurmArguments = settings.value(u"slurmArguments"_s).toString();
    profile.slurmTokenFile = settings.value(u"slurmTokenFile"_s).toString();
    profile.slurmWaitSeconds = settings.value(u"slurmWaitSeconds"_s, profile.slurmWaitSeconds).toInt();
    profile.sshHosts = settings.value(u"sshHosts"_s).toString();
    profile.sshJumpHost = settings.value(u"sshJumpHost"_s).toString();
    profile.sshArguments = settings.value(u"sshArguments"_s).toString();
    profile.sshWorkerProgram = settings.value(u"sshWorkerProgram"_s).toString();
    return profile;
}
} // namespace

ConnectProfile ConnectProfile::defaults()
{
    ConnectProfile profile;
    profile.localThreads = std::max(1, QThread::idealThreadCount() / 2 / profile.localWorkers);
    return profile;
}

LocalClusterOptions ConnectProfile::localOptions() const
{
    LocalClusterOptions options;
    options.workers = localWorkers;
    options.threadsPerWorker = localThreads;
    options.memoryLimitBytes = std::int64_t(localMemoryGiB * BytesPerGiB);
    return options;
}

QStringList ConnectProfile::names()
{
    QSettings settings;
    settings.beginGroup(ProfilesGroup);
    return settings.childGroups();
}

std::optional<ConnectProfile> ConnectProfile::load(const QString &name)
{
    QSettings settings;
    settings.beginGroup(ProfilesGroup + u'/' + name);
    return read(settings);
}

void ConnectProfile::save(const QString &name) const
{
    QSettings settings;
    settings.beginGroup(ProfilesGroup + u'/' + name);
    write(settings, *this);
}

void ConnectProfile::remove(const QString &name)
{
    QSettings().remove(ProfilesGroup + u'/' + name);
}

ConnectProfile ConnectProfile::lastUsed()
{
    QSettings settings;
    settings.beginGroup(LastUsedGroup);
    return read(settings).value_or(defaults());
}

QString ConnectProfile::lastProfileName()
{
    return QSettings().value(LastProfileKey).toString();
}

void ConnectProfile::saveAsLastUsed(const QString &profileName) const
{
    QSettings settings;
    settings.setValue(LastProfileKey, profileName);
    settings.beginGroup(LastUsedGroup);
    write(settings, *this);
}

} // namespace tessera::ui
