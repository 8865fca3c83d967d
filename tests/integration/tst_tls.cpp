// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// TLS between the session and real tessera-worker processes, and between the workers: a
// certificate made here with the openssl command, the seed statements over it (a peer fetch
// included), and every way of getting it wrong refused with a message that says what to do.

#include "reference.h"
#include "seedcases.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/protocol/tls.h"
#include "net/session/clustersession.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

// A self-signed certificate for 127.0.0.1 (it is its own CA), or why not.
QString makeCertificate(const QString &directory, const QString &name)
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty())
        return u"the openssl command is missing (Debian: openssl; ./setup.sh test installs it)"_s;
    QProcess process;
    process.start(openssl, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"2"_s, u"-subj"_s,
                            u"/CN=tessera test "_s + name, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s,
                            directory + u"/"_s + name + u".key"_s, u"-out"_s, directory + u"/"_s + name + u".pem"_s});
    if (!process.waitForFinished(60000) || process.exitCode() != 0)
        return u"openssl failed: "_s + QString::fromUtf8(process.readAllStandardError());
    return {};
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void seedStatementsOverTls_data();
    void seedStatementsOverTls();
    void wrongCertificatesAreRefused_data();
    void wrongCertificatesAreRefused();
    void aPlainClientIsToldToUseTls();
    void workersDialInOverTls();

private:
    std::unique_ptr<integration::WorkerProcess> startWorker(const QString &certificate = u"good"_s);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QStringList m_files;
    reference::Array m_x;
    QString m_tokenFile;
};

void TestTls::initTestCase()
{
    for (const QString &name : {u"good"_s, u"other"_s}) {
        const QString problem = makeCertificate(m_dir.path(), name);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    m_tokenFile = path(u"token"_s);
    QVERIFY(integration::writeTokenFile(m_tokenFile, "tls-test-token"));
    const Result<QStringList> files = integration::writeSmallSample(path(u"era"_s), 5);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
    m_x = reference::readStack(m_files, "t2m");
}

std::unique_ptr<integration::WorkerProcess> TestTls::startWorker(const QString &certificate)
{
    return integration::startWorker({u"--listen"_s, u"127.0.0.1:0"_s, u"--token-file"_s, m_tokenFile, u"--tls-cert"_s,
                                     path(certificate + u".pem"_s), u"--tls-key"_s, path(certificate + u".key"_s)});
}

void TestTls::seedStatementsOverTls_data()
{
    QTest::addColumn<bool>("pinned");
    QTest::newRow("checked against a CA") << false;
    QTest::newRow("checked against a pinned fingerprint") << true;
}

void TestTls::seedStatementsOverTls()
{
    QFETCH(bool, pinned);
    auto first = startWorker();
    auto second = startWorker();
    QVERIFY2(first->error.isEmpty() && second->error.isEmpty(), qPrintable(first->error + second->error));
    TlsSettings tls;
    if (pinned) {
        const QList<QSslCertificate> certificate = QSslCertificate::fromPath(path(u"good.pem"_s));
        QCOMPARE(certificate.size(), qsizetype(1));
        tls.pinnedSha256 = certificateFingerprint(certificate.front());
    } else {
        tls.caPath = path(u"good.pem"_s);
    }
    ClusterSession session;
    session.setTls(tls);
    const Status connected =
        integration::finishWithin(session.connectToWorkers({first->address, second->address}, "tls-test-token"));
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    QVERIFY(integration::load(session, u"x"_s, m_files, u"t2m"_s, LoadMode::Head, 1).isOk());
    const QString problem = seed::seedStatementProblems(session, m_x);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTls::wrongCertificatesAreRefused_data()
{
    QTest::addColumn<QString>("workerCertificate");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<bool>("pinOther");
    QTest::addColumn<QString>("says");
    QTest::newRow("a worker whose certificate the CA did not sign")
        << u"other"_s << u"good.pem"_s << false << u"must be signed by a CA in"_s;
    QTest::newRow("a pin of another certificate")
        << u"good"_s << QString() << true << u"SHA-256 fingerprint given in --tls-pin"_s;
}

void TestTls::wrongCertificatesAreRefused()
{
    QFETCH(QString, workerCertificate);
    QFETCH(QString, caFile);
    QFETCH(bool, pinOther);
    QFETCH(QString, says);
    auto worker = startWorker(workerCertificate);
    QVERIFY2(worker->error.isEmpty(), qPrintable(worker->error));
    TlsSettings tls;
    if (!caFile.isEmpty())
        tls.caPath = path(caFile);
    if (pinOther)
        tls.pinnedSha256 = certificateFingerprint(QSslCertificate::fromPath(path(u"other.pem"_s)).front());
    ClusterSession session;
    session.setTls(tls);
    const Status status = integration::finishWithin(session.connectToWorkers({worker->address}, "tls-test-token"));
    QCOMPARE(status.code(), ErrorCode::Auth);
    QVERIFY2(status.message().contains(u"TLS certificate was refused"_s) && status.message().contains(says),
             qPrintable(status.message()));
    QVERIFY(session.workers().empty());
}

void TestTls::aPlainClientIsToldToUseTls()
{
    auto worker = startWorker();
    QVERIFY2(worker->error.isEmpty(), qPrintable(worker->error));
    ClusterSession session;
    Operation *connecting = session.connectToWorkers({worker->address}, "tls-test-token");
    const Status status = integration::finishWithin(connecting);
    QCOMPARE(status.code(), ErrorCode::Network);
    QVERIFY2(status.message().contains(u"--tls-ca or --tls-pin"_s), qPrintable(status.message()));
}

void TestTls::workersDialInOverTls()
{
    ClusterSession session;
    TlsSettings tls;
    tls.caPath = path(u"good.pem"_s);
    session.setTls(tls);
    Operation *listening = session.listenForWorkers(QHostAddress::LocalHost, 0, "tls-test-token", 2);
    QVERIFY(!session.listenAddress().isEmpty());
    std::vector<std::unique_ptr<QProcess>> workers;
    for (int i = 0; i < 2; ++i) {
        auto process = std::make_unique<QProcess>();
        process->start(integration::programFromEnvironment("TESSERA_WORKER"),
                       {u"--connect"_s, session.listenAddress(), u"--token-file"_s, m_tokenFile, u"--tls-cert"_s,
                        path(u"good.pem"_s), u"--tls-key"_s, path(u"good.key"_s)});
        workers.push_back(std::move(process));
    }
    const Status connected = integration::finishWithin(listening);
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    QVERIFY(integration::load(session, u"x"_s, m_files, u"t2m"_s, LoadMode::Head, 1).isOk());
    const integration::Evaluated mean = integration::evaluate(session, u"x.mean(axis=0)"_s);
    QVERIFY2(mean.status.isOk(), qPrintable(mean.status.message()));
    const QString problem = reference::mismatch(mean.result.value, reference::reduce(m_x, reference::Reduce::Mean, {0}), 1e-12);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    session.disconnectAll();
    // A dial-back worker leaves with its workbench (the event loop runs meanwhile: the TLS close
    // is written by it).
    for (auto &worker : workers)
        QTRY_VERIFY_WITH_TIMEOUT(worker->state() == QProcess::NotRunning, 10000);
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
