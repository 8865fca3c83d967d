// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A long session does not grow: 500 statements that each bring 8 MB back, with operations
// deleted by their caller or by the session, leave the client's resident memory where it was
// (within 50 MB) and the workers holding only the array.

#include "residentmemory.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QEventLoop>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

// The status, read as the operation finishes: with auto-delete it is gone soon after.
Status runToEnd(Operation *operation)
{
    if (operation->isFinished())
        return operation->status();
    std::optional<Status> status;
    QEventLoop loop;
    QObject::connect(operation, &Operation::finished, &loop, [&] {
        status = operation->status();
        loop.quit();
    });
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    return status.value_or(makeError(ErrorCode::Internal, u"did not finish within 30 s"_s));
}

} // namespace

class TestLongSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fiveHundredSlices_data();
    void fiveHundredSlices();

private:
    QTemporaryDir m_dir;
    QStringList m_files;
};

void TestLongSession::initTestCase()
{
    QVERIFY(!LocalCluster::findWorkerProgram().isEmpty());
    SampleDataOptions options;
    options.days = 2; // 8 planes of (721, 1440): each x[i, :, :] is 8.3 MB
    const Result<QStringList> files = writeSampleData(m_dir.path(), options);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
}

void TestLongSession::fiveHundredSlices_data()
{
    QTest::addColumn<bool>("autoDelete");
    QTest::newRow("the caller deletes each operation") << false;
    QTest::newRow("the session deletes them") << true;
}

void TestLongSession::fiveHundredSlices()
{
    QFETCH(bool, autoDelete);
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = 2;
    ClusterSession session;
    session.setAutoDeleteOperations(autoDelete);
    Operation *connecting = session.connectToLocalCluster(&cluster, options);
    QVERIFY(runToEnd(connecting).isOk());
    if (!autoDelete)
        delete connecting;
    LoadRequest request;
    request.files = m_files;
    request.variable = u"t2m"_s;
    Operation *load = session.load(request);
    QVERIFY(runToEnd(load).isOk());
    if (!autoDelete)
        delete load;
    const std::vector<std::int64_t> holding = integration::memoryUsed(session);

    std::int64_t warmed = 0;
    for (int i = 0; i < 500; ++i) {
        Operation *operation = session.evaluate(u"x[%1, :, :]"_s.arg(i % 8));
        const Status status = runToEnd(operation);
        QVERIFY2(status.isOk(), qPrintable(status.message()));
        if (!autoDelete)
            delete operation;
        if (i == 19) // after the first ones, which fill the pools the rest reuse
            warmed = integration::heldBytes();
    }
    // Deferred deletions run, and the session's operations are all gone.
    QTRY_COMPARE_WITH_TIMEOUT(session.findChildren<Operation *>().size(), qsizetype(0), 10000);
    const std::int64_t grown = integration::heldBytes() - warmed;
    QVERIFY2(grown < std::int64_t(50) << 20,
             qPrintable(u"held memory grew by %1 MB over 480 statements"_s.arg(double(grown) / 1e6, 0, 'f', 1)));
    qInfo("held memory grew by %.1f MB over 480 statements", double(grown) / 1e6);
    QCOMPARE(integration::memoryUsed(session), holding);
}

QTEST_GUILESS_MAIN(TestLongSession)
#include "tst_longsession.moc"
