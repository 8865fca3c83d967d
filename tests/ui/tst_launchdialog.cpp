// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The connect dialog's Slurm and ssh pages, used as a user would, against a real Slurm and a real
// sshd on test hosts (network namespaces; see tests/netbed): the job is submitted, its state shown,
// the workers dial back and the dialog closes; Slurm's refusal is shown and the dialog stays open;
// the cluster view's Host column says where each worker runs.

#include "../integration/netbed.h"
#include "screenshots.h"
#include "widgetlookup.h"

#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "ui/connect/connectdialog.h"
#include "ui/models/clustermodel.h"

#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace tessera;
using namespace tessera::ui;
using namespace Qt::StringLiterals;

namespace {

constexpr int Hosts = 3;

QStringList hostsInClusterView(ClusterSession &session)
{
    ClusterModel model(&session);
    QStringList hosts;
    for (int row = 0; row < model.rowCount(); ++row)
        hosts << model.index(row, ClusterModel::HOST).data().toString();
    hosts.sort();
    return hosts;
}

} // namespace

class TestLaunchDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void slurmPageSubmitsAJob();
    void slurmsRefusalKeepsTheDialogOpen();
    void sshPageStartsWorkers();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<integration::NetBed> m_bed;
    std::unique_ptr<integration::SlurmBed> m_slurm;
    std::unique_ptr<integration::SshBed> m_ssh;
};

void TestLaunchDialog::initTestCase()
{
    if (const QString why = integration::NetBed::whyNotHere(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"tessera-tests"_s);
    QCoreApplication::setApplicationName(u"tst_launchdialog"_s);
    qputenv("HOME", m_dir.path().toLocal8Bit()); // the Slurm page keeps its token and job output in ~/.tessera
    m_bed = std::make_unique<integration::NetBed>(u"tsld"_s, Hosts);
    QString problem = m_bed->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_slurm = std::make_unique<integration::SlurmBed>(*m_bed, m_dir.filePath(u"slurm"_s));
    problem = m_slurm->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    qputenv("SLURM_CONF", m_slurm->configuration().toLocal8Bit());
    m_ssh = std::make_unique<integration::SshBed>(*m_bed, m_dir.filePath(u"ssh"_s));
    problem = m_ssh->up({1, 2});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLaunchDialog::cleanupTestCase()
{
    m_ssh.reset();
    m_slurm.reset();
    m_bed.reset();
}

void TestLaunchDialog::init()
{
    QSettings().clear();
}

void TestLaunchDialog::slurmPageSubmitsAJob()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::SlurmTab);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QSpinBox>(dialog, u"slurmNodesSpin"_s)->setValue(Hosts);
    child<QLineEdit>(dialog, u"slurmArgumentsEdit"_s)->setText(u"--mem=400"_s);
    child<QLineEdit>(dialog, u"slurmListenHostEdit"_s)->setText(integration::NetBed::machineAddress());
    auto *submit = child<QPushButton>(dialog, u"connectButton"_s);
    QCOMPARE(submit->text(), u"&Submit job"_s);
    QTest::mouseClick(submit, Qt::LeftButton);
    QVERIFY(dialog.isConnecting());
    auto *info = child<QLabel>(dialog, u"listenInfoLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(info->text().startsWith(u"Slurm job "_s), 20000);
    saveScreenshot(&dialog, u"connect-slurm-submitted"_s);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 60000);
    QVERIFY2(dialog.errorText().isEmpty(), qPrintable(dialog.errorText()));
    QCOMPARE(hostsInClusterView(session), (QStringList{m_bed->hostName(0), m_bed->hostName(1), m_bed->hostName(2)}));
    for (const WorkerInfo &worker : session.workers())
        QCOMPARE(worker.memoryLimitBytes, (std::int64_t(400) << 20) / 10 * 8); // the allocation's, not the node's
}

void TestLaunchDialog::slurmsRefusalKeepsTheDialogOpen()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::SlurmTab);
    dialog.show();
    child<QLineEdit>(dialog, u"slurmPartitionEdit"_s)->setText(u"gpu"_s);
    child<QLineEdit>(dialog, u"slurmListenHostEdit"_s)->setText(integration::NetBed::machineAddress());
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isConnecting(), 20000);
    QVERIFY2(dialog.errorText().startsWith(u"Slurm refused the workers' job: invalid partition specified: gpu"_s),
             qPrintable(dialog.errorText()));
    QVERIFY(dialog.isVisible());
    QVERIFY(child<QPushButton>(dialog, u"connectButton"_s)->isEnabled());
    saveScreenshot(&dialog, u"connect-slurm-refused"_s);
}

void TestLaunchDialog::sshPageStartsWorkers()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::SshTab);
    dialog.show();
    child<QPlainTextEdit>(dialog, u"sshHostsEdit"_s)
        ->setPlainText(integration::NetBed::hostAddress(1) + u"\n"_s + integration::NetBed::hostAddress(2));
    child<QLineEdit>(dialog, u"sshArgumentsEdit"_s)->setText(u"-F "_s + m_ssh->configuration());
    child<QLineEdit>(dialog, u"sshWorkerEdit"_s)->setText(LocalCluster::findWorkerProgram());
    child<QLineEdit>(dialog, u"sshListenHostEdit"_s)->setText(integration::NetBed::machineAddress());
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 60000);
    QCOMPARE(hostsInClusterView(session), (QStringList{m_bed->hostName(1), m_bed->hostName(2)}));
}

QTEST_MAIN(TestLaunchDialog)
#include "tst_launchdialog.moc"
