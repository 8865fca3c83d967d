// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Local workers as real processes: starting is an operation like any other (the caller's event
// loop keeps running), and every way a start can go wrong ends it with a message.

#include "../integration/processes.h"

#include "core/memorybudget.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int waitMillis = 20000;

Status finish(Operation *operation)
{
    QSignalSpy finished(operation, &Operation::finished);
    if (!operation->isFinished())
        finished.wait(waitMillis);
    return operation->isFinished() ? operation->status() : makeError(ErrorCode::Internal, u"never finished"_s);
}

} // namespace

class TestLocalCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsWithoutBlocking();
    void failures_data();
    void failures();
    void cancelStops();
    void reportsAWorkerThatDies();
    void addsAWorkerOnlyWithAShareFree();
    void workersShareTheMachinesBudget();

private:
    QString script(const QString &name, const QByteArray &body);
    QTemporaryDir m_dir;
};

QString TestLocalCluster::script(const QString &name, const QByteArray &body)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("#!/bin/sh\n" + body + "\n");
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

void TestLocalCluster::startsWithoutBlocking()
{
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    Operation *starting = cluster.start(options);
    // The workers need their own time to start: nothing is done before the event loop runs.
    QVERIFY(!starting->isFinished());
    QCOMPARE(starting->kind(), Operation::Kind::StartWorkers);
    const Status status = finish(starting);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(cluster.addresses().size(), 2);
    for (const QString &address : cluster.addresses())
        QVERIFY2(address.startsWith(u"127.0.0.1:"_s), qPrintable(address));
    QVERIFY(cluster.isRunning());
    cluster.stop();
    QVERIFY(!cluster.isRunning());
    QVERIFY(cluster.addresses().isEmpty());
}

void TestLocalCluster::failures_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<int>("timeoutMillis");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("says");
    QVERIFY(m_dir.isValid());
    QTest::newRow("no such program") << m_dir.filePath(u"missing"_s) << 5000 << int(ErrorCode::NotFound)
                                     << u"cannot find the tessera-worker program"_s;
    QTest::newRow("exits at once") << script(u"quits"_s, "echo 'no such option' >&2; exit 3") << 5000 << int(ErrorCode::Io)
                                   << u"exited with code 3: no such option"_s;
    QTest::newRow("never says where it listens") << script(u"silent"_s, "exec sleep 30") << 300 << int(ErrorCode::Network)
                                                 << u"did not report their address within 0.3 s"_s;
}

void TestLocalCluster::failures()
{
    QFETCH(QString, program);
    QFETCH(int, timeoutMillis);
    QFETCH(int, code);
    QFETCH(QString, says);
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    options.workerProgram = program;
    Operation *starting = cluster.start(options, timeoutMillis);
    QVERIFY(!starting->isFinished());
    const Status status = finish(starting);
    QCOMPARE(int(status.code()), code);
    QVERIFY2(status.message().contains(says), qPrintable(status.message()));
    QVERIFY(!cluster.isRunning());
}

void TestLocalCluster::cancelStops()
{
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workerProgram = script(u"slow"_s, "exec sleep 30");
    Operation *starting = cluster.start(options);
    starting->cancel();
    QCOMPARE(finish(starting).code(), ErrorCode::Cancelled);
    QVERIFY(!cluster.isRunning());
}

void TestLocalCluster::reportsAWorkerThatDies()
{
    LocalCluster cluster;
    QSignalSpy exited(&cluster, &LocalCluster::workerExited);
    LocalClusterOptions options;
    options.workers = 2;
    QVERIFY(finish(cluster.start(options)).isOk());
    ::kill(pid_t(cluster.processIds()[1]), SIGKILL);
    QVERIFY(exited.wait(waitMillis));
    QCOMPARE(exited.front().at(0).toInt(), 1);
    QVERIFY2(exited.front().at(1).toString().contains(u"local worker w2 was killed by signal 9"_s),
             qPrintable(exited.front().at(1).toString()));
}

void TestLocalCluster::addsAWorkerOnlyWithAShareFree()
{
    // The budget is shared by the workers started together: one more is refused until one exits,
    // and then gets the share it left.
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    QVERIFY(finish(cluster.start(options)).isOk());
    const Status refused = finish(cluster.addWorker());
    QCOMPARE(refused.code(), ErrorCode::Memory);
    QVERIFY2(refused.message().contains(u"stop one first"_s), qPrintable(refused.message()));
    QCOMPARE(cluster.addresses().size(), qsizetype(2));
    QVERIFY(cluster.isRunning());
    QSignalSpy exited(&cluster, &LocalCluster::workerExited);
    ::kill(pid_t(cluster.processIds()[0]), SIGKILL);
    QVERIFY(exited.wait(waitMillis));
    QVERIFY(finish(cluster.addWorker()).isOk());
    QCOMPARE(cluster.addresses().size(), qsizetype(3));
    QCOMPARE(integration::commandLineOf(cluster.processIds()[2]).section(u"--memory-limit "_s, 1, 1).section(u' ', 0, 0),
             QString::number(memoryBudgetBytes() / 2));
}

void TestLocalCluster::workersShareTheMachinesBudget()
{
    // Without a limit, three local workers split the budget instead of each taking all of it.
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 3;
    ClusterSession session;
    QCOMPARE(finish(session.connectToLocalCluster(&cluster, options)).code(), ErrorCode::Ok);
    QCOMPARE(session.workers().size(), std::size_t(3));
    for (const WorkerInfo &worker : session.workers())
        QCOMPARE(worker.memoryLimitBytes, memoryBudgetBytes() / 3);
}

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
