// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Every user error of issue 2 section 9 against real tessera-worker processes: a clear message that
// names the thing and the fix, and a session that keeps working afterwards (a good expression is
// run after each bad one). Exit codes of tessera-cli are in tst_cli.

#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/filediscovery.h"
#include "core/io/filestack.h"
#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QProcess>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <mutex>

using namespace Qt::StringLiterals;
using namespace tessera;
using Ref = reference::Array;
using integration::evaluate;
using integration::load;
using integration::memoryUsed;
using reference::Reduce;

Q_DECLARE_METATYPE(tessera::ErrorCode)
Q_DECLARE_METATYPE(tessera::LoadMode)

namespace {

// Empty when `status` failed with `code` and its message names every fragment; else what is wrong.
QString unmet(const Status &status, ErrorCode code, const QStringList &fragments)
{
    if (status.isOk())
        return u"succeeded, but should have failed"_s;
    QString problems;
    if (status.code() != code)
        problems += u"code %1, expected %2; "_s.arg(errorCodeName(status.code()), errorCodeName(code));
    for (const QString &fragment : fragments) {
        if (!status.message().contains(fragment))
            problems += u"'%1' is not named; "_s.arg(fragment);
    }
    return problems.isEmpty() ? QString() : problems + u"message: "_s + status.message();
}

Status evaluateStatus(ClusterSession &session, const QString &statement, EvaluationResult *result = nullptr)
{
    integration::Evaluated evaluated = evaluate(session, statement);
    if (result)
        *result = evaluated.result;
    return evaluated.status;
}

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(text);
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void missingFilesAndEmptyGlobs_data();
    void missingFilesAndEmptyGlobs();
    void badFiles_data();
    void badFiles();
    void badStatements_data();
    void badStatements();
    void unreachableWorker_data();
    void unreachableWorker();
    void wrongOrMissingToken_data();
    void wrongOrMissingToken();
    void refusedTokenIsAnAuthError();
    void workerOnAnOpenAddressNeedsAToken();
    void workerThatDies();
    void memoryLimitReached_data();
    void memoryLimitReached();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QStringList m_files;     // 3 days at 5 degrees: x is (12, 37, 72)
    QStringList m_fineFiles; // 5 days at 2.5 degrees: (20, 73, 144), 1.7 MB
    Ref m_x;
    LocalCluster m_cluster;
    ClusterSession m_session;
    double m_goodSum = 0;
};

void TestBadInput::initTestCase()
{
    QVERIFY2(!integration::programFromEnvironment("TESSERA_WORKER").isEmpty(),
             "TESSERA_WORKER must name the built tessera-worker; run through ctest");
    QVERIFY(m_dir.isValid());
    SampleDataOptions options;
    options.days = 3;
    options.gridDegrees = 5;
    auto written = writeSampleData(path(u"era"_s), options);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    options.days = 5;
    options.gridDegrees = 2.5;
    written = writeSampleData(path(u"fine"_s), options);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_fineFiles = *written;
    m_x = reference::readStack(m_files, "t2m");

    // Bad files: text named .nc, t2m stored as float32 on the same grid. (A truncated NetCDF-3 file
    // is no error: netCDF-C itself reads the missing records as zeros, as ncdump shows.)
    QVERIFY(QDir().mkpath(path(u"bad"_s)));
    QVERIFY(QDir().mkpath(path(u"empty"_s)));
    writeText(path(u"bad/notes.nc"_s), "these are my notes, not a NetCDF file\n");
    {
        const std::lock_guard lock(netcdfMutex());
        netCDF::NcFile file(reference::fileName(path(u"bad/float.nc"_s)), netCDF::NcFile::replace, netCDF::NcFile::classic64);
        const netCDF::NcDim time = file.addDim("time");
        const netCDF::NcDim lat = file.addDim("latitude", 37);
        const netCDF::NcDim lon = file.addDim("longitude", 72);
        const netCDF::NcVar t2m = file.addVar("t2m", netCDF::ncFloat, {time, lat, lon});
        const std::vector<float> values(4 * 37 * 72, 280.0f);
        t2m.putVar({0, 0, 0}, {4, 37, 72}, values.data());
    }

    LocalClusterOptions clusterOptions;
    clusterOptions.workers = 2;
    const Status connected = integration::finishWithin(m_session.connectToLocalCluster(&m_cluster, clusterOptions));
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    const Status loaded = load(m_session, u"x"_s, m_files);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));
    EvaluationResult sum;
    const Status summed = evaluateStatus(m_session, u"x.sum()"_s, &sum);
    QVERIFY2(summed.isOk(), qPrintable(summed.message()));
    m_goodSum = sum.value.at(0);
    QVERIFY(std::abs(m_goodSum - reference::reduce(m_x, Reduce::Sum, {0, 1, 2}).scalar()) <= 1e-12 * std::abs(m_goodSum));
}

// After every bad input the shared session still answers, with the same numbers and arrays.
void TestBadInput::cleanup()
{
    EvaluationResult sum;
    const Status status = evaluateStatus(m_session, u"x.sum()"_s, &sum);
    QVERIFY2(status.isOk(), qPrintable(u"the session stopped working: "_s + status.message()));
    QCOMPARE(sum.value.at(0), m_goodSum);
    QCOMPARE(m_session.arrayNames(), std::vector<QString>{u"x"_s});
    QCOMPARE(int(m_session.workers().size()), 2);
}

void TestBadInput::missingFilesAndEmptyGlobs_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("empty glob") << path(u"era/none-*.nc"_s) << ErrorCode::NotFound << QStringList{path(u"era/none-*.nc"_s)};
    QTest::newRow("glob in a missing folder")
        << path(u"nowhere/*.nc"_s) << ErrorCode::NotFound << QStringList{path(u"nowhere"_s), u"does not exist"_s};
    QTest::newRow("missing file") << path(u"era/era-1999-01-01.nc"_s) << ErrorCode::NotFound
                                  << QStringList{u"era-1999-01-01.nc"_s};
    QTest::newRow("folder without .nc files")
        << path(u"empty"_s) << ErrorCode::NotFound << QStringList{path(u"empty"_s), u".nc"_s};
    QTest::newRow("wildcard in a folder name")
        << path(u"e*/era-*.nc"_s) << ErrorCode::InvalidArgument << QStringList{u"file name only"_s};
}

void TestBadInput::missingFilesAndEmptyGlobs()
{
    QFETCH(QString, pattern);
    QFETCH(ErrorCode, code);
    QFETCH(QStringList, mentions);
    const auto expanded = discoverFiles(pattern);
    const QString problem = unmet(expanded.status(), code, mentions);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestBadInput::badFiles_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<LoadMode>("mode");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QStringList>("mentions");

    const QString notes = path(u"bad/notes.nc"_s);
    const QString missing = path(u"era/era-1999-01-01.nc"_s);
    for (const LoadMode mode : {LoadMode::Head, LoadMode::Workers}) {
        const char *how = mode == LoadMode::Head ? "head load" : "worker load";
        QTest::addRow("%s: missing file in the list", how)
            << QStringList{m_files[0], missing} << u"t2m"_s << mode << ErrorCode::NotFound << QStringList{missing};
        QTest::addRow("%s: text file named .nc", how)
            << QStringList{notes} << u"t2m"_s << mode << ErrorCode::Format << QStringList{notes, u"not a NetCDF file"_s};
        QTest::addRow("%s: text file after good ones", how) << QStringList{m_files[0], m_files[1], notes} << u"t2m"_s << mode
                                                            << ErrorCode::Format << QStringList{notes, u"not a NetCDF file"_s};
        QTest::addRow("%s: missing variable", how)
            << m_files << u"t3m"_s << mode << ErrorCode::NotFound << QStringList{u"t3m"_s, u"t2m"_s, u"u10"_s, u"v10"_s};
        QTest::addRow("%s: shapes differ", how)
            << QStringList{m_files[0], m_fineFiles[0]} << u"t2m"_s << mode << ErrorCode::ShapeMismatch
            << QStringList{QFileInfo(m_fineFiles[0]).fileName(), u"(4, 73, 144)"_s, u"(4, 37, 72)"_s};
        QTest::addRow("%s: storage types differ", how)
            << QStringList{m_files[0], path(u"bad/float.nc"_s)} << u"t2m"_s << mode << ErrorCode::Format
            << QStringList{u"float.nc"_s, u"int16"_s, u"float32"_s};
        QTest::addRow("%s: no files", how) << QStringList{} << u"t2m"_s << mode << ErrorCode::InvalidArgument
                                           << QStringList{u"t2m"_s};
        QTest::addRow("%s: a folder", how) << QStringList{path(u"era"_s)} << u"t2m"_s << mode << ErrorCode::InvalidArgument
                                           << QStringList{path(u"era"_s), u"directory"_s};
    }
}

void TestBadInput::badFiles()
{
    QFETCH(QStringList, files);
    QFETCH(QString, variable);
    QFETCH(LoadMode, mode);
    QFETCH(ErrorCode, code);
    QFETCH(QStringList, mentions);
    const Status status = load(m_session, u"bad"_s, files, variable, mode);
    auto forget = qScopeGuard([this] { m_session.removeArray(u"bad"_s); }); // so one failure does not cascade
    const QString problem = unmet(status, code, mentions);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(!m_session.array(u"bad"_s), "a failed load leaves no array");
}

void TestBadInput::badStatements_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QStringList>("mentions");

    const QString columnOf = u"column %1"_s;
    QTest::newRow("unclosed call") << u"x.sum("_s << ErrorCode::Syntax << QStringList{columnOf.arg(7)};
    QTest::newRow("dangling operator") << u"x +"_s << ErrorCode::Syntax
                                       << QStringList{columnOf.arg(4), u"expected an expression"_s};
    QTest::newRow("operator for operand") << u"x + * 2"_s << ErrorCode::Syntax << QStringList{columnOf.arg(5), u"'*'"_s};
    QTest::newRow("unknown character") << u"x $ 2"_s << ErrorCode::Syntax << QStringList{columnOf.arg(3), u"'$'"_s};
    QTest::newRow("empty index") << u"x[]"_s << ErrorCode::Syntax << QStringList{columnOf.arg(3)};
    QTest::newRow("double comma in index") << u"x[0,,1]"_s << ErrorCode::Syntax << QStringList{columnOf.arg(5)};
    QTest::newRow("unclosed index") << u"x[0"_s << ErrorCode::Syntax << QStringList{columnOf.arg(4), u"']'"_s};
    QTest::newRow("assignment without value") << u"y ="_s << ErrorCode::Syntax << QStringList{columnOf.arg(4)};
    QTest::newRow("empty axis") << u"x.mean(axis=)"_s << ErrorCode::Syntax << QStringList{columnOf.arg(13), u"axis"_s};
    QTest::newRow("unknown name") << u"z + 1"_s << ErrorCode::NotFound << QStringList{u"'z'"_s, u"x(12, 37, 72)"_s};
    QTest::newRow("unknown name in assignment")
        << u"bad = w.mean()"_s << ErrorCode::NotFound << QStringList{u"'w'"_s, u"x(12, 37, 72)"_s};
    QTest::newRow("unknown method") << u"x.avg()"_s << ErrorCode::Syntax << QStringList{u"'avg'"_s, u"mean"_s, u"std"_s};
    QTest::newRow("unknown function") << u"logit(x)"_s << ErrorCode::Syntax << QStringList{u"'logit'"_s, u"sqrt"_s};
    QTest::newRow("axis out of range") << u"x.mean(axis=3)"_s << ErrorCode::InvalidArgument
                                       << QStringList{u"axis 3"_s, u"-3 to 2"_s};
    QTest::newRow("negative axis out of range")
        << u"x.sum(axis=(0, -4))"_s << ErrorCode::InvalidArgument << QStringList{u"axis -4"_s};
    QTest::newRow("axis twice") << u"x.sum(axis=(0, 0))"_s << ErrorCode::InvalidArgument << QStringList{u"twice"_s};
    QTest::newRow("ddof on mean") << u"x.mean(ddof=1)"_s << ErrorCode::Syntax
                                  << QStringList{u"column 8"_s, u"ddof"_s, u"std and var"_s};
    // (x + x[:, 0] lines up by dimension name, as in xarray: time and longitude are x's.)
    // x + x[0:5] is x[0:5] + x[0:5], as in xarray: coordinates line up. Every other step does not.
    QTest::newRow("shapes do not broadcast")
        << u"x + x[0:10:2]"_s << ErrorCode::ShapeMismatch << QStringList{u"(12, 37, 72)"_s, u"(5, 37, 72)"_s};
    QTest::newRow("assignment that does not broadcast")
        << u"bad = x[0] + x[:, 0, 0]"_s << ErrorCode::ShapeMismatch << QStringList{u"(37, 72)"_s, u"(12,)"_s};
    QTest::newRow("index out of bounds") << u"x[12]"_s << ErrorCode::InvalidArgument << QStringList{u"index 12"_s, u"size 12"_s};
    QTest::newRow("negative index out of bounds")
        << u"x[0, -38]"_s << ErrorCode::InvalidArgument << QStringList{u"-38"_s, u"size 37"_s};
    QTest::newRow("last axis out of bounds")
        << u"x[0, 0, 72]"_s << ErrorCode::InvalidArgument << QStringList{u"72"_s, u"size 72"_s};
    QTest::newRow("too many indices") << u"x[0, 0, 0, 0]"_s << ErrorCode::InvalidArgument << QStringList{u"too many indices"_s};
    QTest::newRow("zero step") << u"x[::0]"_s << ErrorCode::InvalidArgument << QStringList{u"step"_s, u"zero"_s};
}

void TestBadInput::badStatements()
{
    QFETCH(QString, statement);
    QFETCH(ErrorCode, code);
    QFETCH(QStringList, mentions);
    const Status status = evaluateStatus(m_session, statement);
    auto forget = qScopeGuard([this] { m_session.removeArray(u"bad"_s); });
    const QString problem = unmet(status, code, mentions);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(!m_session.array(u"bad"_s), "a failed assignment creates no array");
}

void TestBadInput::unreachableWorker_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("port nobody listens on") << u"closed"_s;
    QTest::newRow("not an address") << u"malformed"_s;
    QTest::newRow("something that is not a worker") << u"http"_s;
}

void TestBadInput::unreachableWorker()
{
    QFETCH(QString, kind);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QString address = u"127.0.0.1:%1"_s.arg(server.serverPort());
    QStringList mentions{address};
    ErrorCode expected = ErrorCode::Network;
    if (kind == u"closed"_s) {
        server.close();
    } else if (kind == u"malformed"_s) {
        address = u"workerhost"_s;
        mentions = QStringList{u"workerhost"_s, u"HOST:PORT"_s};
        expected = ErrorCode::InvalidArgument; // the user's typing, not the network
    } else {
        connect(&server, &QTcpServer::newConnection, &server, [&server] {
            QTcpSocket *socket = server.nextPendingConnection();
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            socket->disconnectFromHost();
        });
    }
    // The shared session tries to add the worker; it fails, and what it had keeps working.
    const Status status = integration::finishWithin(m_session.connectToWorkers({address}, {}), 20000);
    const QString problem = unmet(status, expected, mentions);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestBadInput::wrongOrMissingToken_data()
{
    QTest::addColumn<QByteArray>("workerToken"); // empty: started without --token-file
    QTest::addColumn<QByteArray>("clientToken");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("right token") << QByteArray("s3cret-token") << QByteArray("s3cret-token") << true << QStringList{};
    QTest::newRow("wrong token") << QByteArray("s3cret-token") << QByteArray("guessed") << false
                                 << QStringList{u"wrong token"_s, u"--token-file"_s};
    QTest::newRow("missing token") << QByteArray("s3cret-token") << QByteArray() << false
                                   << QStringList{u"wrong token"_s, u"--token-file"_s};
    QTest::newRow("token for a worker without one")
        << QByteArray() << QByteArray("s3cret-token") << false << QStringList{u"without --token-file"_s};
}

void TestBadInput::wrongOrMissingToken()
{
    QFETCH(QByteArray, workerToken);
    QFETCH(QByteArray, clientToken);
    QFETCH(bool, accepted);
    QFETCH(QStringList, mentions);
    QStringList arguments{u"--name"_s, u"tokened"_s};
    if (!workerToken.isEmpty()) {
        writeText(path(u"worker.token"_s), workerToken + "\n");
        arguments << u"--token-file"_s << path(u"worker.token"_s);
    }
    const auto worker = integration::startWorker(arguments);
    QVERIFY2(worker->error.isEmpty(), qPrintable(worker->error));

    ClusterSession session;
    const Status status = integration::finishWithin(session.connectToWorkers({worker->address}, clientToken));
    if (accepted) {
        QVERIFY2(status.isOk(), qPrintable(status.message()));
        QVERIFY2(load(session, u"x"_s, m_files).isOk(), "a worker with a token serves a client that has it");
        EvaluationResult sum;
        QVERIFY(evaluateStatus(session, u"x.sum()"_s, &sum).isOk());
        QVERIFY(std::abs(sum.value.at(0) - m_goodSum) <= 1e-12 * std::abs(m_goodSum));
        return;
    }
    QVERIFY2(!status.isOk(), "the worker must refuse");
    mentions << worker->address;
    for (const QString &mention : std::as_const(mentions))
        QVERIFY2(status.message().contains(mention), qPrintable(mention + u" is not named: "_s + status.message()));
    QVERIFY(!session.isConnected());
    // The worker keeps serving clients with the right token.
    ClusterSession right;
    QVERIFY(integration::finishWithin(right.connectToWorkers({worker->address}, workerToken)).isOk());
}

// Separate from the messages above: the kind of error a GUI would show for a refused token.
void TestBadInput::refusedTokenIsAnAuthError()
{
    writeText(path(u"worker.token"_s), "s3cret-token\n");
    const auto worker = integration::startWorker({u"--token-file"_s, path(u"worker.token"_s)});
    QVERIFY2(worker->error.isEmpty(), qPrintable(worker->error));
    ClusterSession session;
    const Status status = integration::finishWithin(session.connectToWorkers({worker->address}, "guessed"));
    QVERIFY(!status.isOk());
    QCOMPARE(errorCodeName(status.code()), errorCodeName(ErrorCode::Auth));
}

// Anyone who can reach a non-loopback port could use the worker: it refuses to start without a token.
void TestBadInput::workerOnAnOpenAddressNeedsAToken()
{
    QProcess worker;
    worker.start(integration::programFromEnvironment("TESSERA_WORKER"), {u"--listen"_s, u"0.0.0.0:0"_s});
    QVERIFY(worker.waitForFinished(15000));
    const QString errors = QString::fromUtf8(worker.readAllStandardError());
    QVERIFY2(worker.exitCode() != 0, qPrintable(errors));
    QVERIFY2(errors.contains(u"token"_s) && errors.contains(u"--token-file"_s), qPrintable(errors));
}

void TestBadInput::workerThatDies()
{
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    ClusterSession session;
    QVERIFY(integration::finishWithin(session.connectToLocalCluster(&cluster, options)).isOk());
    QVERIFY(load(session, u"x"_s, m_files).isOk());
    QVERIFY(load(session, u"a"_s, {m_files[0]}).isOk());
    const ArrayInfo *a = session.array(u"a"_s);
    QVERIFY(a && a->layout.workers.size() == 1);
    const int survivor = a->layout.workers[0];
    const int victim = 1 - survivor;
    const QString victimName = session.workers()[std::size_t(victim)].name;

    QSignalSpy lost(&session, &ClusterSession::workerLost);
    QCOMPARE(::kill(pid_t(cluster.processIds()[std::size_t(victim)]), SIGKILL), 0);
    QVERIFY2(lost.wait(10000), "the session notices a worker that died");
    QCOMPARE(lost.first().at(0).toInt(), victim);
    QVERIFY2(lost.first().at(1).toString().contains(victimName), qPrintable(lost.first().at(1).toString()));
    QCOMPARE(session.workers()[std::size_t(victim)].state, WorkerState::Lost);

    // x had blocks on the dead worker: they are made again on the survivor from the files.
    EvaluationResult result;
    Status status = evaluateStatus(session, u"x.sum()"_s, &result);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QVERIFY(std::abs(result.value.at(0) - m_goodSum) <= 1e-12 * std::abs(m_goodSum));
    // a lives on the survivor and still works; so does a new load, onto the survivor only.
    QVERIFY(evaluateStatus(session, u"a.max()"_s, &result).isOk());
    QCOMPARE(result.value.at(0), reference::reduce(reference::readDecoded(m_files[0], "t2m"), Reduce::Max, {0, 1, 2}).scalar());
    status = load(session, u"again"_s, m_files);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(session.array(u"again"_s)->layout.workers, std::vector<int>(3, survivor));
    QVERIFY(evaluateStatus(session, u"again.sum()"_s, &result).isOk());
    QVERIFY(std::abs(result.value.at(0) - m_goodSum) <= 1e-12 * std::abs(m_goodSum));

    // The last worker dies while an operation runs: it ends with an error naming that worker.
    const QString survivorName = session.workers()[std::size_t(survivor)].name;
    Operation *running = session.evaluate(u"again.std(axis=0)"_s);
    QCOMPARE(::kill(pid_t(cluster.processIds()[std::size_t(survivor)]), SIGKILL), 0);
    status = integration::finishWithin(running, 15000);
    QString problem = unmet(status, ErrorCode::Network, {survivorName, u"no worker is left"_s});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(!session.isConnected(), 10000);
    problem = unmet(load(session, u"more"_s, m_files), ErrorCode::Network, {u"not connected"_s});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestBadInput::memoryLimitReached_data()
{
    QTest::addColumn<LoadMode>("mode");
    QTest::newRow("worker load") << LoadMode::Workers;
    QTest::newRow("head load") << LoadMode::Head;
}

void TestBadInput::memoryLimitReached()
{
    QFETCH(LoadMode, mode);
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    options.memoryLimitBytes = 1 << 20; // --memory-limit 1M each; the fine data is 1.7 MB
    ClusterSession session;
    QVERIFY(integration::finishWithin(session.connectToLocalCluster(&cluster, options)).isOk());
    for (const WorkerInfo &worker : session.workers())
        QCOMPARE(worker.memoryLimitBytes, std::int64_t(1) << 20);
    // A second session on the same workers, which learns nothing of the first one's arrays.
    ClusterSession other;
    QVERIFY(integration::finishWithin(other.connectToWorkers(cluster.addresses(), {})).isOk());
    QCOMPARE(memoryUsed(other), (std::vector<std::int64_t>{0, 0})); // its view, from before the load below

    // 0.84 MB per worker fits.
    Status status = load(session, u"x"_s, m_fineFiles, u"t2m"_s, mode);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    const std::vector<std::int64_t> holding = memoryUsed(session);
    QCOMPARE(holding.size(), std::size_t(2));
    QCOMPARE(holding[0] + holding[1], std::int64_t(20 * 73 * 144 * 8));

    // The same again does not. The session counts what it placed, so it refuses before a byte
    // moves, naming the sizes and the fixes.
    status = load(session, u"x2"_s, m_fineFiles, u"u10"_s, mode, 4);
    QString problem = unmet(status, ErrorCode::Memory, {u"x2 needs"_s, u"free of 1.0 MB"_s, u"add workers"_s, u"memory-limit"_s});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(!status.message().contains(u"same path"_s), qPrintable(u"a fix that does not fit the error: "_s + status.message()));
    QVERIFY(!session.array(u"x2"_s));
    QCOMPARE(memoryUsed(session), holding);

    // The other session still thinks the workers are empty; in small blocks some would fit, so the
    // workers themselves refuse, and none of its blocks may stay behind.
    status = load(other, u"x2"_s, m_fineFiles, u"u10"_s, mode, 4);
    problem = unmet(status, ErrorCode::Memory, {u"memory limit"_s, u"memory-limit"_s});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!other.array(u"x2"_s));
    // Its release travels on its own connection: wait for the workers to have done it.
    QTRY_COMPARE_WITH_TIMEOUT(memoryUsed(session), holding, 10000);

    // A result that must be stored does not fit either.
    status = evaluateStatus(session, u"z = x * 2"_s);
    problem = unmet(status, ErrorCode::Memory, {u"'z = x * 2' needs 672.8 kB on worker"_s, u"--memory-limit"_s});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!session.array(u"z"_s));
    QCOMPARE(memoryUsed(session), holding);

    // The session keeps working where the memory suffices: small partials, a result that comes back.
    EvaluationResult result;
    status = evaluateStatus(session, u"x.mean(axis=(1, 2)).max()"_s, &result);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    const Ref fine = reference::readStack(m_fineFiles, "t2m");
    const double expected = reference::reduce(reference::reduce(fine, Reduce::Mean, {1, 2}), Reduce::Max, {0}).scalar();
    QVERIFY(std::abs(result.value.at(0) - expected) <= 1e-12 * expected);
    QVERIFY(session.removeArray(u"x"_s).isOk());
    QTRY_COMPARE_WITH_TIMEOUT(memoryUsed(session), std::vector<std::int64_t>(2, 0), 10000);
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
