// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/connect/launchpages.h"

#include "net/session/slurmjob.h"
#include "net/session/sshworkers.h"

#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

QLineEdit *lineEdit(QWidget *parent, const QString &objectName, const QString &placeholder)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    return edit;
}

QSpinBox *spinBox(QWidget *parent, const QString &objectName, int minimum, int maximum)
{
    auto *spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(minimum, maximum);
    return spin;
}

QLabel *note(QWidget *parent, const QString &text)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

} // namespace

DialBackFields::DialBackFields(const QString &objectPrefix, QWidget *parent)
    : QWidget(parent)
{
    m_host = lineEdit(this, objectPrefix + u"ListenHostEdit"_s, u"0.0.0.0"_s);
    m_host->setToolTip(tr("An address of this machine the workers can reach; 0.0.0.0: all of them, and the workers are "
                          "given this machine's name"));
    m_port = spinBox(this, objectPrefix + u"ListenPortSpin"_s, 0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_host, 1);
    layout->addWidget(new QLabel(tr("port"), this));
    layout->addWidget(m_port);
    // The row's label leads here: QLabel gives the focus only to a buddy that takes focus itself,
    // and the proxy passes it on to the host field.
    setFocusPolicy(Qt::StrongFocus);
    setFocusProxy(m_host);
}

void DialBackFields::showProfile(const ConnectProfile &profile)
{
    m_host->setText(profile.launchListenHost);
    m_port->setValue(profile.launchListenPort);
}

void DialBackFields::readInto(ConnectProfile &profile) const
{
    profile.launchListenHost = m_host->text().trimmed();
    profile.launchListenPort = m_port->value();
}

Result<QHostAddress> DialBackFields::address() const
{
    const QString text = m_host->text().trimmed().isEmpty() ? u"0.0.0.0"_s : m_host->text().trimmed();
    const QHostAddress address(text);
    if (address.isNull())
        return makeError(ErrorCode::InvalidArgument,
                         tr("\"%1\" is not an IP address of this machine to listen on; 0.0.0.0 listens on all.").arg(text));
    return address;
}

quint16 DialBackFields::port() const
{
    return quint16(m_port->value());
}

SlurmPage::SlurmPage(QWidget *parent)
    : QWidget(parent)
{
    m_nodes = spinBox(this, u"slurmNodesSpin"_s, 1, 100000);
    m_tasksPerNode = spinBox(this, u"slurmTasksSpin"_s, 1, 1024);
    m_partition = lineEdit(this, u"slurmPartitionEdit"_s, tr("the cluster's default"));
    m_timeLimit = lineEdit(this, u"slurmTimeEdit"_s, tr("the partition's default, e.g. 2:00:00"));
    m_arguments = lineEdit(this, u"slurmArgumentsEdit"_s, tr("e.g. --account=climate --mem=64G"));
    m_tokenFile = lineEdit(this, u"slurmTokenFileEdit"_s, tr("None: a new one in ~/.tessera, removed with the job"));
    m_waitSeconds = spinBox(this, u"slurmWaitSpin"_s, 10, 7 * 24 * 3600);
    m_waitSeconds->setSuffix(tr(" s"));
    m_dialBack = new DialBackFields(u"slurm"_s, this);
    auto *form = new QFormLayout;
    form->addRow(tr("&Nodes:"), m_nodes);
    form->addRow(tr("&Workers per node:"), m_tasksPerNode);
    form->addRow(tr("&Partition:"), m_partition);
    form->addRow(tr("&Time limit:"), m_timeLimit);
    form->addRow(tr("More sbatch &arguments:"), m_arguments);
    form->addRow(tr("Token &file:"), m_tokenFile);
    form->addRow(tr("Cancel unless all &dial in within:"), m_waitSeconds);
    form->addRow(tr("Workers dial &back to:"), m_dialBack);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note(this, tr("Submits one Slurm job, tessera-workers, whose tasks each run a worker that dials back "
                                    "here. Each worker takes the CPUs and memory Slurm gives its task. The job is "
                                    "cancelled when you disconnect or quit.")));
    layout->addLayout(form);
    layout->addStretch(1);
}

void SlurmPage::showProfile(const ConnectProfile &profile)
{
    m_nodes->setValue(profile.slurmNodes);
    m_tasksPerNode->setValue(profile.slurmTasksPerNode);
    m_partition->setText(profile.slurmPartition);
    m_timeLimit->setText(profile.slurmTimeLimit);
    m_arguments->setText(profile.slurmArguments);
    m_tokenFile->setText(profile.slurmTokenFile);
    m_waitSeconds->setValue(profile.slurmWaitSeconds);
    m_dialBack->showProfile(profile);
}

void SlurmPage::readInto(ConnectProfile &profile) const
{
    profile.slurmNodes = m_nodes->value();
    profile.slurmTasksPerNode = m_tasksPerNode->value();
    profile.slurmPartition = m_partition->text().trimmed();
    profile.slurmTimeLimit = m_timeLimit->text().trimmed();
    profile.slurmArguments = m_arguments->text().trimmed();
    profile.slurmTokenFile = m_tokenFile->text().trimmed();
    profile.slurmWaitSeconds = m_waitSeconds->value();
    m_dialBack->readInto(profile);
}

Result<std::unique_ptr<WorkerLauncher>> SlurmPage::makeLauncher() const
{
    ConnectProfile profile;
    readInto(profile);
    SlurmRequest request;
    request.nodes = profile.slurmNodes;
    request.tasksPerNode = profile.slurmTasksPerNode;
    request.partition = profile.slurmPartition;
    request.timeLimit = profile.slurmTimeLimit;
    request.extraArguments = QProcess::splitCommand(profile.slurmArguments);
    request.dialInSeconds = profile.slurmWaitSeconds;
    request.outputDirectory = QDir::home().filePath(u".tessera"_s);
    Result<std::unique_ptr<SlurmJob>> job = SlurmJob::create(request, profile.slurmTokenFile);
    if (!job.isOk())
        return job.status();
    return std::unique_ptr<WorkerLauncher>(std::move(*job));
}

SshPage::SshPage(QWidget *parent)
    : QWidget(parent)
{
    m_hosts = new QPlainTextEdit(this);
    m_hosts->setObjectName(u"sshHostsEdit"_s);
    m_hosts->setPlaceholderText(tr("node1, node2, ana@node3 (commas or one per line; your ssh config's names work)"));
    m_hosts->setTabChangesFocus(true);
    m_jumpHost = lineEdit(this, u"sshJumpEdit"_s, tr("None, or the login node between here and the hosts (ssh -J)"));
    m_arguments = lineEdit(this, u"sshArgumentsEdit"_s, tr("e.g. -p 2222 -o User=ana"));
    m_workerProgram = lineEdit(this, u"sshWorkerEdit"_s, tr("tessera-worker on the hosts' PATH"));
    m_dialBack = new DialBackFields(u"ssh"_s, this);
    auto *form = new QFormLayout;
    form->addRow(tr("&Jump host:"), m_jumpHost);
    form->addRow(tr("More ssh &arguments:"), m_arguments);
    form->addRow(tr("&Worker program:"), m_workerProgram);
    form->addRow(tr("Workers dial &back to:"), m_dialBack);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note(this, tr("Starts one worker on each host over ssh, with your ssh config, keys and agent (no "
                                    "password is asked or kept). The workers end when you disconnect or quit.")));
    auto *hostsLabel = new QLabel(tr("&Hosts:"), this);
    hostsLabel->setBuddy(m_hosts);
    layout->addWidget(hostsLabel);
    layout->addWidget(m_hosts, 1);
    layout->addLayout(form);
}

void SshPage::showProfile(const ConnectProfile &profile)
{
    m_hosts->setPlainText(profile.sshHosts);
    m_jumpHost->setText(profile.sshJumpHost);
    m_arguments->setText(profile.sshArguments);
    m_workerProgram->setText(profile.sshWorkerProgram);
    m_dialBack->showProfile(profile);
}

void SshPage::readInto(ConnectProfile &profile) const
{
    profile.sshHosts = m_hosts->toPlainText();
    profile.sshJumpHost = m_jumpHost->text().trimmed();
    profile.sshArguments = m_arguments->text().trimmed();
    profile.sshWorkerProgram = m_workerProgram->text().trimmed();
    m_dialBack->readInto(profile);
}

Result<std::unique_ptr<WorkerLauncher>> SshPage::makeLauncher() const
{
    ConnectProfile profile;
    readInto(profile);
    SshRequest request;
    request.hosts = profile.sshHosts.split(QRegularExpression(u"[,\\s]+"_s), Qt::SkipEmptyParts);
    if (request.hosts.isEmpty())
        return makeError(ErrorCode::InvalidArgument, tr("List the hosts to start workers on."));
    request.jumpHost = profile.sshJumpHost;
    request.sshArguments = QProcess::splitCommand(profile.sshArguments);
    request.workerProgram = profile.sshWorkerProgram;
    return std::unique_ptr<WorkerLauncher>(std::make_unique<SshWorkers>(request));
}

} // namespace tessera::ui
