// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The connect dialog driven with clicks against real tessera-worker processes: a local cluster
// in one click, remote workers by address, and the errors a user meets (wrong token,
// unreachable worker, missing token file) shown in the dialog, which stays open for a fix.

#include "ui/connect/connectdialog.h"

#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include "screenshots.h"
#include "widgetlookup.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace tessera;
using namespace tessera::ui;

namespace {
constexpr int ConnectTimeoutMillis = 20000;

QString writeToken(const QTemporaryDir &dir, const QString &fileName, const QByteArray &token)
{
    const QString path = dir.filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(token + "\n");
    return path;
}
} // namespace

class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void localClusterInOneClick();
    void remoteWorkersByAddress();
    void wrongTokenShowsErrorAndStaysOpen();
    void unreachableWorkerShowsError();
    void badTlsSettingsShowAnError();
    void missingTokenFileShowsError();
    void profilesAreSavedAndReused();
    void listenModeShowsTheAddressToDial();
    void launcherPagesAreKeptInProfiles();
    void sshPageNeedsHosts();
    void everyLabelsShortcutReachesItsField();

private:
    // A tessera-worker started by hand, as a site would; returns "host:port".
    QString startWorker(const QStringList &arguments);

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_workers;
};

void TestConnectDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"tessera-tests"_s);
    QCoreApplication::setApplicationName(u"tst_connectdialog"_s);
    QVERIFY2(!LocalCluster::findWorkerProgram().isEmpty(),
             "tessera-worker not found: run through ctest, which sets TESSERA_WORKER");
    QVERIFY(m_dir.isValid());
}

void TestConnectDialog::init()
{
    QSettings().clear();
}

void TestConnectDialog::cleanup()
{
    for (const auto &worker : m_workers) {
        worker->kill();
        worker->waitForFinished();
    }
    m_workers.clear();
}

QString TestConnectDialog::startWorker(const QStringList &arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(LocalCluster::findWorkerProgram(), arguments + QStringList{u"--listen"_s, u"127.0.0.1:0"_s});
    QProcess *raw = process.get();
    m_workers.push_back(std::move(process));
    const QString prefix = u"tessera-worker listening on "_s;
    if (!QTest::qWaitFor([raw] { return raw->canReadLine(); }, ConnectTimeoutMillis))
        return {};
    const QString line = QString::fromUtf8(raw->readLine()).trimmed();
    if (!line.startsWith(prefix))
        return {};
    return line.mid(prefix.size());
}

void TestConnectDialog::localClusterInOneClick()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::LocalTab);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QSpinBox>(dialog, u"localWorkersSpin"_s)->setValue(2);
    child<QSpinBox>(dialog, u"localThreadsSpin"_s)->setValue(1);
    saveScreenshot(&dialog, u"connect-local"_s);

    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), ConnectTimeoutMillis);
    QVERIFY(!dialog.isVisible());
    QVERIFY(session.isConnected());
    QCOMPARE(session.workers().size(), std::size_t(2));
    QCOMPARE(localCluster.addresses().size(), 2);
    // The one-click start is remembered for File > Start local cluster.
    QCOMPARE(ConnectProfile::lastUsed().localOptions().workers, 2);
}

void TestConnectDialog::remoteWorkersByAddress()
{
    const QString first = startWorker({});
    const QString second = startWorker({});
    QVERIFY(!first.isEmpty() && !second.isEmpty());

    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QRadioButton>(dialog, u"connectModeRadio"_s)->setChecked(true);
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(first + u",\n"_s + second);
    saveScreenshot(&dialog, u"connect-remote"_s);

    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), ConnectTimeoutMillis);
    QCOMPARE(session.workers().size(), std::size_t(2));
}

void TestConnectDialog::wrongTokenShowsErrorAndStaysOpen()
{
    const QString rightToken = writeToken(m_dir, u"right.token"_s, "correct horse battery staple");
    const QString wrongToken = writeToken(m_dir, u"wrong.token"_s, "not the token");
    const QString address = startWorker({u"--token-file"_s, rightToken});
    QVERIFY(!address.isEmpty());

    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(address);
    child<QLineEdit>(dialog, u"tokenFileEdit"_s)->setText(wrongToken);

    auto *connectButton = child<QPushButton>(dialog, u"connectButton"_s);
    QTest::mouseClick(connectButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), ConnectTimeoutMillis);
    QVERIFY(dialog.isVisible());
    QVERIFY(!dialog.isConnecting());
    QVERIFY(!session.isConnected());
    QVERIFY2(dialog.errorText().contains(u"token"_s, Qt::CaseInsensitive), qPrintable(dialog.errorText()));
    QVERIFY(child<QLabel>(dialog, u"errorLabel"_s)->isVisible());
    saveScreenshot(&dialog, u"connect-wrong-token"_s);

    // Fixed in place: the right token connects and the dialog closes.
    child<QLineEdit>(dialog, u"tokenFileEdit"_s)->setText(rightToken);
    QTest::mouseClick(connectButton, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), ConnectTimeoutMillis);
    QVERIFY(session.isConnected());
}

void TestConnectDialog::unreachableWorkerShowsError()
{
    // A port nothing listens on: take a free one from a worker, then stop the worker.
    const QString address = startWorker({});
    QVERIFY(!address.isEmpty());
    cleanup();

    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    dialog.show();
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(address);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), ConnectTimeoutMillis);
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.errorText().contains(address), qPrintable(dialog.errorText()));
    saveScreenshot(&dialog, u"connect-unreachable"_s);
}

void TestConnectDialog::badTlsSettingsShowAnError()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.show();
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(u"127.0.0.1:7070"_s);
    child<QLineEdit>(dialog, u"tlsPinEdit"_s)->setText(u"not-a-fingerprint"_s);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    const QString shown = dialog.errorText();
    QVERIFY2(shown.contains(u"--tls-pin"_s) && shown.contains(u"SHA-256"_s), qPrintable(shown));
    QVERIFY(dialog.isVisible());
}

void TestConnectDialog::missingTokenFileShowsError()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    dialog.show();
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(u"127.0.0.1:9"_s);
    const QString missing = m_dir.filePath(u"no-such.token"_s);
    child<QLineEdit>(dialog, u"tokenFileEdit"_s)->setText(missing);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QVERIFY(!dialog.errorText().isEmpty());
    QVERIFY2(dialog.errorText().contains(u"no-such.token"_s), qPrintable(dialog.errorText()));
    QVERIFY(dialog.isVisible());
}

void TestConnectDialog::profilesAreSavedAndReused()
{
    ClusterSession session;
    LocalCluster localCluster;
    {
        ConnectDialog dialog(&session, &localCluster);
        dialog.setCurrentTab(ConnectDialog::RemoteTab);
        child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->setPlainText(u"node1:7070, node2:7070"_s);
        child<QLineEdit>(dialog, u"tokenFileEdit"_s)->setText(u"/etc/tessera/token"_s);
        child<QLineEdit>(dialog, u"tlsCaFileEdit"_s)->setText(u"/etc/tessera/ca.pem"_s);
        child<QLineEdit>(dialog, u"tlsPinEdit"_s)->setText(u"ab:cd"_s);
        child<QComboBox>(dialog, u"profileCombo"_s)->setCurrentText(u"lab cluster"_s);
        QTest::mouseClick(child<QPushButton>(dialog, u"saveProfileButton"_s), Qt::LeftButton);
        QCOMPARE(dialog.profileNames(), QStringList{u"lab cluster"_s});
    }

    ConnectDialog dialog(&session, &localCluster);
    auto *combo = child<QComboBox>(dialog, u"profileCombo"_s);
    QCOMPARE(combo->findText(u"lab cluster"_s), 0);
    child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->clear();
    dialog.setCurrentTab(ConnectDialog::LocalTab);
    // Choosing it with the keyboard, as from the list.
    combo->setCurrentIndex(-1);
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(combo->currentText(), u"lab cluster"_s);
    QCOMPARE(child<QPlainTextEdit>(dialog, u"addressesEdit"_s)->toPlainText(), u"node1:7070, node2:7070"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"tokenFileEdit"_s)->text(), u"/etc/tessera/token"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"tlsCaFileEdit"_s)->text(), u"/etc/tessera/ca.pem"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"tlsPinEdit"_s)->text(), u"ab:cd"_s);
    QCOMPARE(child<QTabWidget>(dialog, u"modeTabs"_s)->currentIndex(), int(ConnectDialog::RemoteTab));

    QTest::mouseClick(child<QPushButton>(dialog, u"deleteProfileButton"_s), Qt::LeftButton);
    QVERIFY(dialog.profileNames().isEmpty());
}

void TestConnectDialog::listenModeShowsTheAddressToDial()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::RemoteTab);
    dialog.show();
    child<QRadioButton>(dialog, u"listenModeRadio"_s)->setChecked(true);
    child<QLineEdit>(dialog, u"listenHostEdit"_s)->setText(u"127.0.0.1"_s);
    child<QSpinBox>(dialog, u"listenPortSpin"_s)->setValue(0);
    child<QSpinBox>(dialog, u"expectedWorkersSpin"_s)->setValue(1);
    const QString token = writeToken(m_dir, u"dial.token"_s, "dial back token");
    child<QLineEdit>(dialog, u"tokenFileEdit"_s)->setText(token);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QVERIFY(dialog.isConnecting());
    const QString listenAddress = session.listenAddress();
    QVERIFY(!listenAddress.isEmpty());
    QVERIFY(child<QLabel>(dialog, u"listenInfoLabel"_s)->text().contains(listenAddress));
    saveScreenshot(&dialog, u"connect-listen"_s);

    // A worker dials back with the token: the dialog closes.
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(LocalCluster::findWorkerProgram(), {u"--connect"_s, listenAddress, u"--token-file"_s, token});
    m_workers.push_back(std::move(process));
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), ConnectTimeoutMillis);
    QCOMPARE(session.workers().size(), std::size_t(1));
}

void TestConnectDialog::launcherPagesAreKeptInProfiles()
{
    ClusterSession session;
    LocalCluster localCluster;
    {
        ConnectDialog dialog(&session, &localCluster);
        dialog.setCurrentTab(ConnectDialog::SlurmTab);
        child<QSpinBox>(dialog, u"slurmNodesSpin"_s)->setValue(16);
        child<QSpinBox>(dialog, u"slurmTasksSpin"_s)->setValue(2);
        child<QLineEdit>(dialog, u"slurmPartitionEdit"_s)->setText(u"compute"_s);
        child<QLineEdit>(dialog, u"slurmTimeEdit"_s)->setText(u"4:00:00"_s);
        child<QLineEdit>(dialog, u"slurmArgumentsEdit"_s)->setText(u"--account=climate --mem=64G"_s);
        child<QSpinBox>(dialog, u"slurmWaitSpin"_s)->setValue(900);
        child<QLineEdit>(dialog, u"slurmListenHostEdit"_s)->setText(u"10.1.0.5"_s);
        child<QPlainTextEdit>(dialog, u"sshHostsEdit"_s)->setPlainText(u"node1, node2"_s);
        child<QLineEdit>(dialog, u"sshJumpEdit"_s)->setText(u"login.example.org"_s);
        child<QComboBox>(dialog, u"profileCombo"_s)->setCurrentText(u"hpc"_s);
        QTest::mouseClick(child<QPushButton>(dialog, u"saveProfileButton"_s), Qt::LeftButton);
    }
    // A profile saved before Slurm and ssh existed says only "remote".
    QSettings().setValue(u"ConnectProfiles/old/remote"_s, true);

    ConnectDialog dialog(&session, &localCluster);
    auto *combo = child<QComboBox>(dialog, u"profileCombo"_s);
    dialog.setCurrentTab(ConnectDialog::LocalTab);
    combo->setCurrentIndex(combo->findText(u"hpc"_s));
    Q_EMIT combo->textActivated(u"hpc"_s);
    QCOMPARE(child<QTabWidget>(dialog, u"modeTabs"_s)->currentIndex(), int(ConnectDialog::SlurmTab));
    QCOMPARE(child<QSpinBox>(dialog, u"slurmNodesSpin"_s)->value(), 16);
    QCOMPARE(child<QSpinBox>(dialog, u"slurmTasksSpin"_s)->value(), 2);
    QCOMPARE(child<QLineEdit>(dialog, u"slurmPartitionEdit"_s)->text(), u"compute"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"slurmTimeEdit"_s)->text(), u"4:00:00"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"slurmArgumentsEdit"_s)->text(), u"--account=climate --mem=64G"_s);
    QCOMPARE(child<QSpinBox>(dialog, u"slurmWaitSpin"_s)->value(), 900);
    QCOMPARE(child<QLineEdit>(dialog, u"slurmListenHostEdit"_s)->text(), u"10.1.0.5"_s);
    QCOMPARE(child<QPlainTextEdit>(dialog, u"sshHostsEdit"_s)->toPlainText(), u"node1, node2"_s);
    QCOMPARE(child<QLineEdit>(dialog, u"sshJumpEdit"_s)->text(), u"login.example.org"_s);
    Q_EMIT combo->textActivated(u"old"_s);
    QCOMPARE(child<QTabWidget>(dialog, u"modeTabs"_s)->currentIndex(), int(ConnectDialog::RemoteTab));
}

void TestConnectDialog::sshPageNeedsHosts()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.setCurrentTab(ConnectDialog::SshTab);
    dialog.show();
    child<QLineEdit>(dialog, u"sshListenHostEdit"_s)->setText(u"not an address"_s);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QVERIFY2(dialog.errorText().startsWith(u"\"not an address\" is not an IP address of this machine"_s),
             qPrintable(dialog.errorText()));
    child<QLineEdit>(dialog, u"sshListenHostEdit"_s)->setText(u"127.0.0.1"_s);
    QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
    QCOMPARE(dialog.errorText(), u"List the hosts to start workers on."_s);
    QVERIFY(!dialog.isConnecting());
}

// Alt and a label's underlined letter move the focus to the label's field, on every page.
void TestConnectDialog::everyLabelsShortcutReachesItsField()
{
    ClusterSession session;
    LocalCluster localCluster;
    ConnectDialog dialog(&session, &localCluster);
    dialog.show();
    QApplication::setActiveWindow(&dialog);
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    int tried = 0;
    for (const ConnectDialog::Tab tab :
         {ConnectDialog::LocalTab, ConnectDialog::RemoteTab, ConnectDialog::SlurmTab, ConnectDialog::SshTab}) {
        dialog.setCurrentTab(tab);
        for (const QLabel *label : dialog.findChildren<QLabel *>()) {
            const QString text = label->text();
            const qsizetype amp = text.indexOf(u'&');
            if (!label->isVisible() || amp < 0 || amp + 1 >= text.size() || text[amp + 1] == u'&')
                continue;
            ++tried;
            QVERIFY2(label->buddy(), qPrintable(text + u" leads to no field"_s));
            const QWidget *field = label->buddy();
            while (field->focusProxy())
                field = field->focusProxy();
            dialog.setFocus(); // away from the field
            QTest::keyClick(&dialog, Qt::Key(text[amp + 1].toUpper().unicode()), Qt::AltModifier);
            QVERIFY2(QApplication::focusWidget() == field,
                     qPrintable(u"Alt+%1 (%2) left the focus on %3"_s.arg(
                         text[amp + 1], text,
                         QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : u"nothing"_s)));
        }
    }
    QVERIFY(tried >= 15); // the four pages' forms
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
