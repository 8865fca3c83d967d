// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/connect/connectdialog.h"

#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "net/session/workerlauncher.h"
#include "ui/connect/launchpages.h"
#include "ui/style/viewstyle.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

ConnectDialog::ConnectDialog(ClusterSession *session, LocalCluster *localCluster, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_localCluster(localCluster)
{
    setWindowTitle(tr("Connect to a cluster"));

    // Profiles
    m_profileCombo = new QComboBox(this);
    m_profileCombo->setObjectName(u"profileCombo"_s);
    m_profileCombo->setEditable(true);
    m_profileCombo->setInsertPolicy(QComboBox::NoInsert);
    m_profileCombo->lineEdit()->setPlaceholderText(tr("Profile name"));
    m_saveProfileButton = new QPushButton(tr("Save"), this);
    m_saveProfileButton->setObjectName(u"saveProfileButton"_s);
    m_deleteProfileButton = new QPushButton(tr("Delete"), this);
    m_deleteProfileButton->setObjectName(u"deleteProfileButton"_s);
    auto *profileLayout = new QHBoxLayout;
    profileLayout->addWidget(new QLabel(tr("Profile:"), this));
    profileLayout->addWidget(m_profileCombo, 1);
    profileLayout->addWidget(m_saveProfileButton);
    profileLayout->addWidget(m_deleteProfileButton);

    // Local cluster
    auto *localPage = new QWidget(this);
    m_localWorkers = new QSpinBox(localPage);
    m_localWorkers->setObjectName(u"localWorkersSpin"_s);
    m_localWorkers->setRange(1, 256);
    m_localWorkers->setValue(2);
    m_localThreads = new QSpinBox(localPage);
    m_localThreads->setObjectName(u"localThreadsSpin"_s);
    m_localThreads->setRange(1, 1024);
    m_localMemoryGiB = new QDoubleSpinBox(localPage);
    m_localMemoryGiB->setObjectName(u"localMemorySpin"_s);
    m_localMemoryGiB->setRange(0, 1024 * 1024);
    m_localMemoryGiB->setDecimals(1);
    m_localMemoryGiB->setSuffix(tr(" GiB"));
    m_localMemoryGiB->setSpecialValueText(tr("automatic (80% of RAM shared)"));
    auto *localForm = new QFormLayout(localPage);
    localForm->addRow(new QLabel(tr("Starts tessera-worker processes on this computer."), localPage));
    localForm->addRow(tr("&Workers:"), m_localWorkers);
    localForm->addRow(tr("&Threads each:"), m_localThreads);
    localForm->addRow(tr("&Memory limit each:"), m_localMemoryGiB);

    // Remote cluster
    auto *remotePage = new QWidget(this);
    m_connectMode = new QRadioButton(tr("Connect to &workers at these addresses:"), remotePage);
    m_connectMode->setObjectName(u"connectModeRadio"_s);
    m_connectMode->setChecked(true);
    m_addresses = new QPlainTextEdit(remotePage);
    m_addresses->setObjectName(u"addressesEdit"_s);
    m_addresses->setPlaceholderText(tr("node1:7070, node2:7070 (commas or one per line)"));
    m_addresses->setTabChangesFocus(true);
    m_listenMode = new QRadioButton(tr("&Listen for workers that dial back (started with --connect):"), remotePage);
    m_listenMode->setObjectName(u"listenModeRadio"_s);
    m_listenHost = new QLineEdit(u"0.0.0.0"_s, remotePage);
    m_listenHost->setObjectName(u"listenHostEdit"_s);
    m_listenPort = new QSpinBox(remotePage);
    m_listenPort->setObjectName(u"listenPortSpin"_s);
    m_listenPort->setRange(0, 65535);
    m_listenPort->setValue(7070);
    m_listenPort->setSpecialValueText(tr("any free port"));
    m_expectedWorkers = new QSpinBox(remotePage);
    m_expectedWorkers->setObjectName(u"expectedWorkersSpin"_s);
    m_expectedWorkers->setRange(1, 4096);
    m_expectedWorkers->setValue(4);
    m_tokenFile = new QLineEdit(remotePage);
    m_tokenFile->setObjectName(u"tokenFileEdit"_s);
    m_tokenFile->setPlaceholderText(tr("File whose first line is the shared token"));
    auto *tokenButton = new QPushButton(tr("Browse..."), remotePage);
    tokenButton->setObjectName(u"tokenFileButton"_s);
    connect(tokenButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Token file"), m_tokenFile->text());
        if (!path.isEmpty())
            m_tokenFile->setText(path);
    });
    m_tlsCaFile = new QLineEdit(remotePage);
    m_tlsCaFile->setObjectName(u"tlsCaFileEdit"_s);
    m_tlsCaFile->setPlaceholderText(tr("None: no TLS (workers started with --tls-cert need it)"));
    m_tlsCaFile->setToolTip(tr("Use TLS, accepting workers whose certificate a CA in this PEM file signed"));
    auto *caButton = new QPushButton(tr("Browse..."), remotePage);
    connect(caButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("TLS CA certificates"), m_tlsCaFile->text());
        if (!path.isEmpty())
            m_tlsCaFile->setText(path);
    });
    m_tlsPin = new QLineEdit(remotePage);
    m_tlsPin->setObjectName(u"tlsPinEdit"_s);
    m_tlsPin->setPlaceholderText(tr("Or the SHA-256 fingerprint of the workers' one certificate"));
    m_tlsPin->setToolTip(tr("openssl x509 -noout -fingerprint -sha256 -in CERT shows it"));
    m_listenInfo = new QLabel(remotePage);
    m_listenInfo->setObjectName(u"listenInfoLabel"_s);
    m_listenInfo->setWordWrap(true);
    m_listenInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *listenForm = new QFormLayout;
    listenForm->addRow(tr("Host:"), m_listenHost);
    listenForm->addRow(tr("Port:"), m_listenPort);
    listenForm->addRow(tr("Expected workers:"), m_expectedWorkers);
    auto *tokenLayout = new QHBoxLayout;
    tokenLayout->addWidget(m_tokenFile, 1);
    tokenLayout->addWidget(tokenButton);
    auto *remoteLayout = new QVBoxLayout(remotePage);
    remoteLayout->addWidget(m_connectMode);
    remoteLayout->addWidget(m_addresses, 1);
    remoteLayout->addWidget(m_listenMode);
    remoteLayout->addLayout(listenForm);
    auto *tokenLabel = new QLabel(tr("Token &file:"), remotePage);
    tokenLabel->setBuddy(m_tokenFile);
    auto *caLayout = new QHBoxLayout;
    caLayout->addWidget(m_tlsCaFile, 1);
    caLayout->addWidget(caButton);
    auto *tokenForm = new QFormLayout;
    tokenForm->addRow(tokenLabel, tokenLayout);
    auto *caLabel = new QLabel(tr("TLS &CA file:"), remotePage);
    caLabel->setBuddy(m_tlsCaFile); // a row given as a layout gets no buddy of its own
    tokenForm->addRow(caLabel, caLayout);
    tokenForm->addRow(tr("TLS &pin:"), m_tlsPin);
    remoteLayout->addLayout(tokenForm);
    remoteLayout->addWidget(m_listenInfo);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"modeTabs"_s);
    m_tabs->addTab(localPage, tr("&Local cluster"));
    m_tabs->addTab(remotePage, tr("&Remote cluster"));
    m_slurmPage = new SlurmPage(this);
    m_tabs->addTab(m_slurmPage, tr("Sl&urm"));
    m_sshPage = new SshPage(this);
    m_tabs->addTab(m_sshPage, tr("ss&h"));

    // Status and buttons
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(viewstyle::errorStyleSheet());
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"connectProgress"_s);
    m_progress->setRange(0, 0);
    m_progress->hide();

    auto *buttons = new QDialogButtonBox(this);
    m_connectButton = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setObjectName(u"connectButton"_s);
    m_connectButton->setDefault(true);
    m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancelButton->setObjectName(u"cancelButton"_s);
    // Accepting is ours to decide: only a finished connection closes the dialog.
    connect(m_connectButton, &QPushButton::clicked, this, &ConnectDialog::startConnecting);
    connect(m_cancelButton, &QPushButton::clicked, this, &ConnectDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(profileLayout);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_progress);
    layout->addWidget(buttons);

    connect(m_tabs, &QTabWidget::currentChanged, this, &ConnectDialog::updateWidgets);
    connect(m_listenMode, &QRadioButton::toggled, this, &ConnectDialog::updateWidgets);
    connect(m_saveProfileButton, &QPushButton::clicked, this, &ConnectDialog::saveProfile);
    connect(m_deleteProfileButton, &QPushButton::clicked, this, &ConnectDialog::deleteProfile);
    connect(m_profileCombo, &QComboBox::textActivated, this, &ConnectDialog::applyProfile);

    showProfile(ConnectProfile::lastUsed());
    reloadProfileNames(ConnectProfile::lastProfileName());
    resize(520, 420);
}

void ConnectDialog::setCurrentTab(Tab tab)
{
    m_tabs->setCurrentIndex(tab);
}

QString ConnectDialog::errorText() const
{
    return m_errorLabel->isHidden() ? QString() : m_errorLabel->text();
}

void ConnectDialog::reject()
{
    // While connecting, Cancel stops the attempt; a second Cancel closes.
    if (m_busy) {
        if (m_operation)
            m_operation->cancel();
        return;
    }
    QDialog::reject();
}

void ConnectDialog::updateWidgets()
{
    const int tab = m_tabs->currentIndex();
    const bool listen = m_listenMode->isChecked();
    m_connectButton->setText(tab == LocalTab   ? tr("&Start local cluster")
                             : tab == SlurmTab ? tr("&Submit job")
                             : tab == SshTab   ? tr("&Start workers")
                             : listen          ? tr("&Listen")
                                               : tr("&Connect"));
    m_addresses->setEnabled(!listen);
    m_listenHost->setEnabled(listen);
    m_listenPort->setEnabled(listen);
    m_expectedWorkers->setEnabled(listen);
    m_tabs->setEnabled(!m_busy);
    m_profileCombo->setEnabled(!m_busy);
    m_saveProfileButton->setEnabled(!m_busy);
    m_deleteProfileButton->setEnabled(!m_busy && !m_profileCombo->currentText().isEmpty());
    m_connectButton->setEnabled(!m_busy);
    m_progress->setVisible(m_busy);
}

void ConnectDialog::setBusy(bool busy)
{
    m_busy = busy;
    if (busy)
        m_progress->setRange(0, 0);
    updateWidgets();
}

void ConnectDialog::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

void ConnectDialog::startConnecting()
{
    if (m_busy)
        return;
    showError({});
    m_listenInfo->clear();
    // A new cluster replaces the old one: its arrays would refer to workers we no longer have.
    if (m_session->isConnected())
        m_session->disconnectAll();

    currentProfile().saveAsLastUsed(m_profileCombo->currentText());

    switch (m_tabs->currentIndex()) {
    case LocalTab: connectLocal(); break;
    case RemoteTab: connectRemote(); break;
    default: connectLaunched(); break;
    }
}

void ConnectDialog::connectLocal()
{
    const LocalClusterOptions options = currentProfile().localOptions();
    setBusy(true);
    watchOperation(m_session->connectToLocalCluster(m_localCluster, options));
}

void ConnectDialog::connectRemote()
{
    QByteArray token;
    if (!m_tokenFile->text().trimmed().isEmpty()) {
        const Result<QByteArray> read = readTokenFile(m_tokenFile->text().trimmed());
        if (!read) {
            showError(read.status().message());
            return;
        }
        token = *read;
    }
    const TlsSettings tls{{}, {}, m_tlsCaFile->text().trimmed(), m_tlsPin->text().trimmed()};
    if (tls.verifiesPeers()) {
        if (const Result<QSslConfiguration> checked = clientTlsConfiguration(tls); !checked.isOk()) {
            showError(checked.status().message());
            return;
        }
    }
    m_session->setTls(tls);

    if (m_listenMode->isChecked()) {
        const QHostAddress host(m_listenHost->text().trimmed());
        if (host.isNull()) {
            showError(tr("\"%1\" is not an IP address to listen on.").arg(m_listenHost->text()));
            return;
        }
        setBusy(true);
        Operation *operation =
            m_session->listenForWorkers(host, quint16(m_listenPort->value()), token, m_expectedWorkers->value());
        m_listenInfo->setText(
            tr("Waiting for %1 workers. Start each with:\n"
               "tessera-worker --connect %2 --token-file %3")
                .arg(m_expectedWorkers->value())
                .arg(m_session->listenAddress(), m_tokenFile->text().isEmpty() ? tr("FILE") : m_tokenFile->text()));
        watchOperation(operation);
        return;
    }

    const Result<QStringList> addresses = parseHostPortList(m_addresses->toPlainText());
    if (!addresses) {
        showError(addresses.status().message());
        return;
    }
    setBusy(true);
    watchOperation(m_session->connectToWorkers(*addresses, token));
}

void ConnectDialog::connectLaunched()
{
    const bool slurm = m_tabs->currentIndex() == SlurmTab;
    DialBackFields *dialBack = slurm ? m_slurmPage->dialBack() : m_sshPage->dialBack();
    const Result<QHostAddress> address = dialBack->address();
    if (!address.isOk()) {
        showError(address.status().message());
        return;
    }
    Result<std::unique_ptr<WorkerLauncher>> launcher = slurm ? m_slurmPage->makeLauncher() : m_sshPage->makeLauncher();
    if (!launcher.isOk()) {
        showError(launcher.status().message());
        return;
    }
    m_session->setTls({}); // launched workers have no certificates; the token guards them
    setBusy(true);
    Operation *operation = m_session->launchWorkers(std::move(*launcher), *address, dialBack->port());
    // What the launcher says (job submitted, pending and why) is the user's only view of it.
    connect(operation, &Operation::progress, m_listenInfo,
            [this](qint64, qint64, const QString &text) { m_listenInfo->setText(text); });
    watchOperation(operation);
}

void ConnectDialog::watchOperation(Operation *operation)
{
    m_operation = operation;
    connect(operation, &Operation::progress, this, [this](qint64 done, qint64 total, const QString &what) {
        if (total <= 0)
            return;
        m_progress->setRange(0, int(total));
        m_progress->setValue(int(done));
        m_progress->setFormat(u"%v/%m "_s + what);
    });
    // An operation that failed at once (a bad address) may have finished before we got it.
    if (operation->isFinished())
        operationFinished(operation);
    else
        connect(operation, &Operation::finished, this, [this, operation] { operationFinished(operation); });
}

void ConnectDialog::operationFinished(Operation *operation)
{
    setBusy(false);
    m_operation.clear();
    if (operation->status().isOk())
        accept();
    else if (operation->status().code() == ErrorCode::Cancelled)
        showError(tr("Cancelled."));
    else
        showError(operation->status().message());
}

// Profiles: ConnectProfile keeps them; the dialog shows one and reads one back.

ConnectProfile ConnectDialog::currentProfile() const
{
    ConnectProfile profile;
    profile.mode = ConnectProfile::Mode(m_tabs->currentIndex());
    profile.localWorkers = m_localWorkers->value();
    profile.localThreads = m_localThreads->value();
    profile.localMemoryGiB = m_localMemoryGiB->value();
    profile.listen = m_listenMode->isChecked();
    profile.addresses = m_addresses->toPlainText();
    profile.listenHost = m_listenHost->text();
    profile.listenPort = m_listenPort->value();
    profile.expectedWorkers = m_expectedWorkers->value();
    profile.tokenFile = m_tokenFile->text();
    profile.tlsCaFile = m_tlsCaFile->text();
    profile.tlsPin = m_tlsPin->text();
    m_slurmPage->readInto(profile);
    m_sshPage->readInto(profile);
    // The two pages share the dial-back fields of the profile: the shown page's win.
    (profile.mode == ConnectProfile::Ssh ? m_sshPage->dialBack() : m_slurmPage->dialBack())->readInto(profile);
    return profile;
}

void ConnectDialog::showProfile(const ConnectProfile &profile)
{
    m_tabs->setCurrentIndex(profile.mode);
    m_localWorkers->setValue(profile.localWorkers);
    m_localThreads->setValue(profile.localThreads);
    m_localMemoryGiB->setValue(profile.localMemoryGiB);
    (profile.listen ? m_listenMode : m_connectMode)->setChecked(true);
    m_addresses->setPlainText(profile.addresses);
    m_listenHost->setText(profile.listenHost);
    m_listenPort->setValue(profile.listenPort);
    m_expectedWorkers->setValue(profile.expectedWorkers);
    m_tokenFile->setText(profile.tokenFile);
    m_tlsCaFile->setText(profile.tlsCaFile);
    m_tlsPin->setText(profile.tlsPin);
    m_slurmPage->showProfile(profile);
    m_sshPage->showProfile(profile);
    updateWidgets();
}

QStringList ConnectDialog::profileNames() const
{
    return ConnectProfile::names();
}

void ConnectDialog::reloadProfileNames(const QString &current)
{
    m_profileCombo->clear();
    m_profileCombo->addItems(ConnectProfile::names());
    m_profileCombo->setCurrentText(current);
}

void ConnectDialog::saveProfile()
{
    const QString name = m_profileCombo->currentText().trimmed();
    if (name.isEmpty() || name.contains(u'/')) {
        showError(tr("Name the profile first (no '/')."));
        return;
    }
    currentProfile().save(name);
    reloadProfileNames(name);
    updateWidgets();
}

void ConnectDialog::deleteProfile()
{
    const QString name = m_profileCombo->currentText().trimmed();
    if (name.isEmpty())
        return;
    ConnectProfile::remove(name);
    reloadProfileNames(QString());
    updateWidgets();
}

void ConnectDialog::applyProfile(const QString &name)
{
    if (const std::optional<ConnectProfile> profile = ConnectProfile::load(name))
        showProfile(*profile);
    showError({});
}

} // namespace tessera::ui
