// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"
#include "ui/connect/connectprofile.h"

#include <QHostAddress>
#include <QWidget>

#include <memory>

class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace tessera {
class WorkerLauncher;
}

namespace tessera::ui {

// Where workers started elsewhere dial back to: an address of this machine and a port.
class DialBackFields final : public QWidget
{
    Q_OBJECT

public:
    DialBackFields(const QString &objectPrefix, QWidget *parent = nullptr);
    void showProfile(const ConnectProfile &profile);
    void readInto(ConnectProfile &profile) const;
    // The address to listen on, or why the host field holds none.
    Result<QHostAddress> address() const;
    quint16 port() const;

private:
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
};

// Workers as one Slurm job (see SlurmJob). Object names for tests: slurmNodesSpin,
// slurmTasksSpin, slurmPartitionEdit, slurmTimeEdit, slurmArgumentsEdit, slurmTokenFileEdit,
// slurmWaitSpin, slurmListenHostEdit, slurmListenPortSpin.
class SlurmPage final : public QWidget
{
    Q_OBJECT

public:
    explicit SlurmPage(QWidget *parent = nullptr);
    void showProfile(const ConnectProfile &profile);
    void readInto(ConnectProfile &profile) const;
    Result<std::unique_ptr<WorkerLauncher>> makeLauncher() const;
    DialBackFields *dialBack() const { return m_dialBack; }

private:
    QSpinBox *m_nodes = nullptr;
    QSpinBox *m_tasksPerNode = nullptr;
    QLineEdit *m_partition = nullptr;
    QLineEdit *m_timeLimit = nullptr;
    QLineEdit *m_arguments = nullptr;
    QLineEdit *m_tokenFile = nullptr;
    QSpinBox *m_waitSeconds = nullptr;
    DialBackFields *m_dialBack = nullptr;
};

// Workers over ssh, one per host (see SshWorkers). Object names for tests: sshHostsEdit,
// sshJumpEdit, sshArgumentsEdit, sshWorkerEdit, sshListenHostEdit, sshListenPortSpin.
class SshPage final : public QWidget
{
    Q_OBJECT

public:
    explicit SshPage(QWidget *parent = nullptr);
    void showProfile(const ConnectProfile &profile);
    void readInto(ConnectProfile &profile) const;
    Result<std::unique_ptr<WorkerLauncher>> makeLauncher() const;
    DialBackFields *dialBack() const { return m_dialBack; }

private:
    QPlainTextEdit *m_hosts = nullptr;
    QLineEdit *m_jumpHost = nullptr;
    QLineEdit *m_arguments = nullptr;
    QLineEdit *m_workerProgram = nullptr;
    DialBackFields *m_dialBack = nullptr;
};

} // namespace tessera::ui
