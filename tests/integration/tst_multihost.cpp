// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Workers on three hosts (network namespaces made by tests/netbed/netbed.sh, 198.18.0.0/24, each
// link shaped to 1 Gbit/s), the test as the machine they share: workers listening on their host's
// address with a token, on 0.0.0.0, and dialing back to a login node; peers fetch from each other
// across hosts; the answers match a reference computed here from the files.

#include "netbed.h"
#include "reference.h"
#include "seedcases.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"

#include <QFile>
#include <QHostAddress>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int Hosts = 3;
const QByteArray Token = "multihost-test-token";

} // namespace

class TestMultiHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void workersListenOnTheirHostsAddresses();
    void aWorkerOnEveryInterfaceIsReachedWhereItWasReached();
    void workersDialBackToALoginNode();

private:
    // One worker per host, started with `arguments`; fails the test when one does not start.
    std::vector<std::unique_ptr<integration::WorkerProcess>> startWorkers(const std::function<QStringList(int host)> &arguments);
    // Every worker is on its own host, known at its host's address.
    void checkHosts(const ClusterSession &session, const std::function<QString(int host)> &address);
    // Loads x and runs the seed statements, comparing with the reference; reductions fetch across hosts.
    void runSeedStatements(ClusterSession &session, LoadMode mode);

    QTemporaryDir m_dir;
    QString m_tokenFile;
    QStringList m_files;
    reference::Array m_x;
    std::unique_ptr<integration::NetBed> m_bed;
};

void TestMultiHost::initTestCase()
{
    if (const QString why = integration::NetBed::whyNotHere(); !why.isEmpty())
        QSKIP(qPrintable(why));
    m_bed = std::make_unique<integration::NetBed>(u"tsmh"_s, Hosts, u"1gbit"_s);
    const QString problem = m_bed->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_tokenFile = m_dir.filePath(u"token"_s);
    QVERIFY(integration::writeTokenFile(m_tokenFile, Token));
    const Result<QStringList> files = integration::writeSmallSample(m_dir.filePath(u"era"_s), 6);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
    m_x = reference::readStack(m_files, "t2m");
}

void TestMultiHost::cleanupTestCase()
{
    m_bed.reset(); // the namespaces go with it
}

std::vector<std::unique_ptr<integration::WorkerProcess>>
TestMultiHost::startWorkers(const std::function<QStringList(int host)> &arguments)
{
    std::vector<std::unique_ptr<integration::WorkerProcess>> workers;
    for (int host = 0; host < Hosts; ++host) {
        workers.push_back(
            integration::startWorker(arguments(host) + QStringList{u"--token-file"_s, m_tokenFile}, m_bed->on(host)));
        if (!workers.back()->error.isEmpty())
            qWarning("worker on host %d: %s", host, qPrintable(workers.back()->error));
    }
    return workers;
}

void TestMultiHost::checkHosts(const ClusterSession &session, const std::function<QString(int host)> &address)
{
    QStringList seen;
    for (const WorkerInfo &worker : session.workers()) {
        QCOMPARE(worker.state, WorkerState::Connected);
        const int host = worker.host.section(u"-h"_s, -1).toInt();
        QCOMPARE(worker.host, m_bed->hostName(host));
        QCOMPARE(worker.address, address(host));
        seen << worker.host;
    }
    seen.sort();
    QCOMPARE(seen, (QStringList{m_bed->hostName(0), m_bed->hostName(1), m_bed->hostName(2)}));
}

void TestMultiHost::runSeedStatements(ClusterSession &session, LoadMode mode)
{
    const Status loaded = integration::load(session, u"x"_s, m_files, u"t2m"_s, mode, 1);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));
    const QString seedProblem = seed::seedStatementProblems(session, m_x);
    QVERIFY2(seedProblem.isEmpty(), qPrintable(seedProblem));
    // The mean each worker subtracts is fetched from the worker that combined it.
    const integration::Evaluated std = integration::evaluate(session, u"y.std()"_s);
    QVERIFY2(std.status.isOk(), qPrintable(std.status.message()));
    const reference::Array y =
        reference::combine(m_x, reference::reduce(m_x, reference::Reduce::Mean, reference::everyAxis(m_x)), std::minus<>());
    const QString problem =
        reference::mismatch(std.result.value, reference::reduce(y, reference::Reduce::Std, reference::everyAxis(y)), 1e-10);
    QVERIFY2(problem.isEmpty(), qPrintable(u"y.std(): "_s + problem));
}

void TestMultiHost::workersListenOnTheirHostsAddresses()
{
    const auto address = [](int host) -> QString {
        return integration::NetBed::hostAddress(host) + u":7070"_s;
    };
    const auto workers = startWorkers([&](int host) { return QStringList{u"--listen"_s, address(host)}; });
    QStringList addresses;
    for (int host = 0; host < Hosts; ++host) {
        QVERIFY2(workers[host]->error.isEmpty(), qPrintable(workers[host]->error));
        QCOMPARE(workers[host]->address, address(host));
        addresses << address(host);
    }
    ClusterSession session;
    const Status connected = integration::finishWithin(session.connectToWorkers(addresses, Token));
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    checkHosts(session, address);
    runSeedStatements(session, LoadMode::Workers);
}

void TestMultiHost::aWorkerOnEveryInterfaceIsReachedWhereItWasReached()
{
    const auto workers = startWorkers([](int) { return QStringList{u"--listen"_s, u"0.0.0.0:7071"_s}; });
    const auto address = [](int host) -> QString {
        return integration::NetBed::hostAddress(host) + u":7071"_s;
    };
    QStringList addresses;
    for (int host = 0; host < Hosts; ++host) {
        QVERIFY2(workers[host]->error.isEmpty(), qPrintable(workers[host]->error));
        addresses << address(host);
    }
    ClusterSession session;
    const Status connected = integration::finishWithin(session.connectToWorkers(addresses, Token));
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    checkHosts(session, address); // not 127.0.0.1, where each thinks it is
    runSeedStatements(session, LoadMode::Head);
}

void TestMultiHost::workersDialBackToALoginNode()
{
    // The test is the login node: the workers reach it, it never dials them.
    ClusterSession session;
    Operation *listening = session.listenForWorkers(QHostAddress(integration::NetBed::machineAddress()), 0, Token, Hosts);
    QVERIFY(!session.listenAddress().isEmpty());
    const auto workers = startWorkers([&](int) { return QStringList{u"--connect"_s, session.listenAddress()}; });
    QStringList ports;
    for (int host = 0; host < Hosts; ++host) {
        QVERIFY2(workers[host]->error.isEmpty(), qPrintable(workers[host]->error));
        QVERIFY2(workers[host]->address.startsWith(u"127.0.0.1:"_s), qPrintable(workers[host]->address)); // 0.0.0.0
        ports << workers[host]->address.section(u':', 1);
    }
    const Status connected = integration::finishWithin(listening);
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    // Peers reach each one at the address it dialed from and the port it listens on.
    checkHosts(session, [&](int host) -> QString { return integration::NetBed::hostAddress(host) + u':' + ports[host]; });
    runSeedStatements(session, LoadMode::Workers);
}

QTEST_MAIN(TestMultiHost)
#include "tst_multihost.moc"
