// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ui/connect/connectprofile.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;
namespace tessera {
class ClusterSession;
class Operation;
} // namespace tessera

namespace tessera::ui {

class SlurmPage;
class SshPage;

// Connects the session to a cluster: a local one started with one click, remote workers by
// address, workers that dial back, or workers it starts as a Slurm job or over ssh (the pages of
// launchpages.h). A failure (unreachable, wrong token, version mismatch)
// is shown here and the dialog stays open so the user can fix it; it closes (accepted) once
// the session is connected. Settings can be kept as named profiles.
//
// The widgets tests drive carry object names: modeTabs, localWorkersSpin, localThreadsSpin,
// localMemorySpin, addressesEdit, connectModeRadio, listenModeRadio, listenHostEdit,
// listenPortSpin, expectedWorkersSpin, tokenFileEdit, tokenFileButton, tlsCaFileEdit, tlsPinEdit, profileCombo,
// saveProfileButton, deleteProfileButton, connectButton, cancelButton, errorLabel,
// listenInfoLabel, connectProgress, and those launchpages.h lists.
class ConnectDialog final : public QDialog
{
    Q_OBJECT

public:
    enum Tab { LocalTab, RemoteTab, SlurmTab, SshTab }; // ConnectProfile::Mode's order

    // The local cluster belongs to the caller, so its workers outlive the dialog.
    ConnectDialog(tessera::ClusterSession *session, tessera::LocalCluster *localCluster, QWidget *parent = nullptr);

    void setCurrentTab(Tab tab);
    QString errorText() const;
    bool isConnecting() const { return m_busy; }

    QStringList profileNames() const;

public Q_SLOTS:
    void reject() override;

private:
    void startConnecting();
    void connectLocal();
    void connectRemote();
    void connectLaunched();
    void watchOperation(tessera::Operation *operation);
    void operationFinished(tessera::Operation *operation);
    void showError(const QString &message);
    void setBusy(bool busy);
    void updateWidgets();

    void saveProfile();
    void deleteProfile();
    void applyProfile(const QString &name);
    ConnectProfile currentProfile() const;
    void showProfile(const ConnectProfile &profile);
    void reloadProfileNames(const QString &current);

    tessera::ClusterSession *m_session = nullptr;
    tessera::LocalCluster *m_localCluster = nullptr;
    QPointer<tessera::Operation> m_operation;
    bool m_busy = false;

    QComboBox *m_profileCombo = nullptr;
    QPushButton *m_saveProfileButton = nullptr;
    QPushButton *m_deleteProfileButton = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSpinBox *m_localWorkers = nullptr;
    QSpinBox *m_localThreads = nullptr;
    QDoubleSpinBox *m_localMemoryGiB = nullptr;
    QRadioButton *m_connectMode = nullptr;
    QRadioButton *m_listenMode = nullptr;
    QPlainTextEdit *m_addresses = nullptr;
    QLineEdit *m_listenHost = nullptr;
    QSpinBox *m_listenPort = nullptr;
    QSpinBox *m_expectedWorkers = nullptr;
    QLineEdit *m_tokenFile = nullptr;
    QLineEdit *m_tlsCaFile = nullptr;
    QLineEdit *m_tlsPin = nullptr;
    QLabel *m_listenInfo = nullptr;
    SlurmPage *m_slurmPage = nullptr;
    SshPage *m_sshPage = nullptr;
    QLabel *m_errorLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_connectButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
};

} // namespace tessera::ui
