// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Workers started over OpenSSH on test hosts (network namespaces, Debian's sshd with keys made
// by the test): directly and through a jump host, the token passed over ssh's stdin; ssh's own
// errors (refused, wrong key, no worker there) come back as messages; the workers end with the
// session. Also the CLI's --ssh end to end.

#include "netbed.h"
#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/sshworkers.h"

#include <QDir>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int Hosts = 4; // sshd on 0 (the login node), 1 and 2; none on 3
const QByteArray Token = "ssh-test-token";

// Processes in a test host's network namespace whose command line names `program`.
int processesOnHost(const QString &bed, int host, const QString &program)
{
    QProcess pids;
    pids.start(u"ip"_s, {u"netns"_s, u"pids"_s, u"%1-h%2"_s.arg(bed).arg(host)});
    pids.waitForFinished(10000);
    int count = 0;
    for (const QByteArray &pid : pids.readAllStandardOutput().split('\n')) {
        if (!pid.isEmpty() && integration::commandLineOf(pid.toLongLong()).contains(program))
            ++count;
    }
    return count;
}

} // namespace

class TestSsh : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void workersStartOverSsh_data();
    void workersStartOverSsh();
    void sshErrorsAreShown_data();
    void sshErrorsAreShown();
    void theCliStartsWorkersOverSsh();

private:
    SshRequest request(const QStringList &hosts) const;

    QTemporaryDir m_dir;
    QStringList m_files;
    reference::Array m_x;
    std::unique_ptr<integration::NetBed> m_bed;
    std::unique_ptr<integration::SshBed> m_ssh;
};

void TestSsh::initTestCase()
{
    if (const QString why = integration::NetBed::whyNotHere(); !why.isEmpty())
        QSKIP(qPrintable(why));
    m_bed = std::make_unique<integration::NetBed>(u"tssh"_s, Hosts);
    QString problem = m_bed->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_ssh = std::make_unique<integration::SshBed>(*m_bed, m_dir.filePath(u"ssh"_s));
    problem = m_ssh->up({0, 1, 2});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Result<QStringList> files = integration::writeSmallSample(m_dir.filePath(u"era"_s), 6);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
    m_x = reference::readStack(m_files, "t2m");
}

void TestSsh::cleanupTestCase()
{
    m_ssh.reset();
    m_bed.reset();
}

SshRequest TestSsh::request(const QStringList &hosts) const
{
    SshRequest request;
    request.hosts = hosts;
    request.sshArguments = {u"-F"_s, m_ssh->configuration()};
    request.workerProgram = integration::programFromEnvironment("TESSERA_WORKER");
    return request;
}

void TestSsh::workersStartOverSsh_data()
{
    QTest::addColumn<QString>("jumpHost");
    QTest::newRow("directly") << QString();
    QTest::newRow("through a login node") << integration::NetBed::hostAddress(0);
}

void TestSsh::workersStartOverSsh()
{
    QFETCH(QString, jumpHost);
    SshRequest asked = request({integration::NetBed::hostAddress(1), integration::NetBed::hostAddress(2)});
    asked.jumpHost = jumpHost;
    ClusterSession session;
    Operation *listening = session.listenForWorkers(QHostAddress(integration::NetBed::machineAddress()), 0, Token, 2);
    SshWorkers workers(asked, Token);
    QSignalSpy failed(&workers, &SshWorkers::failed);
    workers.launch(session.listenAddress());
    const Status connected = integration::finishWithin(listening, 60000);
    QVERIFY2(connected.isOk(),
             qPrintable(connected.message() + (failed.isEmpty() ? QString() : failed.front().front().value<Status>().message())));
    workers.workersArrived();

    QStringList hosts;
    for (const WorkerInfo &worker : session.workers())
        hosts << worker.host;
    hosts.sort();
    QCOMPARE(hosts, (QStringList{m_bed->hostName(1), m_bed->hostName(2)}));
    QVERIFY(integration::load(session, u"x"_s, m_files).isOk());
    const integration::Evaluated mean = integration::evaluate(session, u"x.mean(axis=0)"_s);
    QVERIFY2(mean.status.isOk(), qPrintable(mean.status.message()));
    const QString problem = reference::mismatch(mean.result.value, reference::reduce(m_x, reference::Reduce::Mean, {0}), 1e-12);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // The session's end ends the workers on the hosts, not just the ssh sessions here.
    session.disconnectAll();
    const QString worker = QFileInfo(asked.workerProgram).fileName();
    QTRY_COMPARE_WITH_TIMEOUT(processesOnHost(m_bed->name(), 1, worker) + processesOnHost(m_bed->name(), 2, worker), 0, 15000);
    workers.stop();
    QCOMPARE(failed.count(), 0);
}

void TestSsh::sshErrorsAreShown_data()
{
    QTest::addColumn<int>("host");
    QTest::addColumn<bool>("wrongKey");
    QTest::addColumn<QString>("workerProgram"); // empty: the built one
    QTest::addColumn<QString>("says");
    QTest::newRow("no sshd there") << 3 << false << QString()
                                   << u"ssh could not reach 198.18.0.13: ssh: connect to host 198.18.0.13 port 22: "
                                      u"Connection refused"_s;
    QTest::newRow("a key sshd does not accept")
        << 1 << true << QString() << u"ssh could not reach 198.18.0.11: root@198.18.0.11: Permission denied (publickey)."_s;
    QTest::newRow("no worker program there")
        << 1 << false << u"/opt/nowhere/tessera-worker"_s
        << u"there is no tessera-worker on 198.18.0.11's PATH; install Tessera there or give the worker's path"_s;
}

void TestSsh::sshErrorsAreShown()
{
    QFETCH(int, host);
    QFETCH(bool, wrongKey);
    QFETCH(QString, workerProgram);
    QFETCH(QString, says);
    SshRequest asked = request({integration::NetBed::hostAddress(host)});
    if (wrongKey)
        asked.sshArguments = {u"-F"_s, m_ssh->otherConfiguration()};
    if (!workerProgram.isEmpty())
        asked.workerProgram = workerProgram;
    SshWorkers workers(asked, Token);
    QSignalSpy failed(&workers, &SshWorkers::failed);
    workers.launch(u"198.18.0.1:9"_s);
    QVERIFY(failed.wait(30000));
    const QString message = failed.front().front().value<Status>().message();
    QVERIFY2(message.startsWith(says), qPrintable(message));
}

void TestSsh::theCliStartsWorkersOverSsh()
{
    QProcess cli;
    const QString json = m_dir.filePath(u"cli.json"_s);
    cli.start(integration::programFromEnvironment("TESSERA_CLI"),
              {u"run"_s, u"--ssh"_s, integration::NetBed::hostAddress(1) + u',' + integration::NetBed::hostAddress(2),
               u"--ssh-jump"_s, integration::NetBed::hostAddress(0), u"--ssh-arg=-F"_s, u"--ssh-arg="_s + m_ssh->configuration(),
               u"--ssh-worker"_s, integration::programFromEnvironment("TESSERA_WORKER"), u"--listen"_s, u"198.18.0.1:0"_s,
               u"--files"_s, QFileInfo(m_files.front()).path(), u"--var"_s, u"t2m"_s, u"-e"_s, u"x.min()"_s, u"--json"_s, json});
    QVERIFY(cli.waitForFinished(90000));
    const QString errors = QString::fromLocal8Bit(cli.readAllStandardError());
    QVERIFY2(cli.exitCode() == 0, qPrintable(errors));
    QVERIFY2(errors.contains(u"starting 2 worker(s) over ssh"_s), qPrintable(errors));
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(file.readAll()).object().value(u"steps"_s).toArray();
    QVERIFY(!steps.isEmpty());
    QCOMPARE(steps.last().toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble(),
             reference::reduce(m_x, reference::Reduce::Min, reference::everyAxis(m_x)).scalar());
    const QString worker = QFileInfo(integration::programFromEnvironment("TESSERA_WORKER")).fileName();
    QTRY_COMPARE_WITH_TIMEOUT(processesOnHost(m_bed->name(), 1, worker) + processesOnHost(m_bed->name(), 2, worker), 0, 15000);
}

QTEST_MAIN(TestSsh)
#include "tst_ssh.moc"
