// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A long session in the window: 500 statements typed into the console, each bringing back an
// 8 MB plane drawn as a heatmap, leave the memory the workbench holds where it was (within
// 50 MB). Before operations were freed, 12 of them grew it by 123 MB.

#include "ui/console/consolewidget.h"
#include "ui/console/expressionedit.h"
#include "ui/mainwindow/mainwindow.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include "../integration/residentmemory.h"

#include <QEventLoop>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace tessera;
using namespace tessera::ui;
using namespace Qt::StringLiterals;

class TestConsoleMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fiveHundredStatements();
};

void TestConsoleMemory::fiveHundredStatements()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"tessera-tests"_s);
    QCoreApplication::setApplicationName(u"tst_consolememory"_s);
    QSettings().clear();
    QVERIFY2(!LocalCluster::findWorkerProgram().isEmpty(),
             "tessera-worker not found: run through ctest, which sets TESSERA_WORKER");
    QTemporaryDir dir;
    SampleDataOptions sample;
    sample.days = 2;
    const Result<QStringList> files = writeSampleData(dir.path(), sample);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));

    ClusterSession session;
    LocalCluster cluster;
    MainWindow window(&session, &cluster);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(session.autoDeleteOperations());

    // Each step ends when the window has routed it; the wait is an event loop, as the app's.
    const auto waitFor = [&](auto signal) {
        QEventLoop loop;
        bool done = false;
        const auto stop = QObject::connect(&window, signal, &loop, [&] {
            done = true;
            loop.quit();
        });
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        QObject::disconnect(stop);
        return done;
    };
    LocalClusterOptions options;
    options.workers = 2;
    window.startLocalCluster(options);
    QTRY_COMPARE_WITH_TIMEOUT(session.workers().size(), std::size_t(2), 30000);
    LoadRequest request;
    request.files = *files;
    request.variable = u"t2m"_s;
    window.load(request);
    QTRY_VERIFY_WITH_TIMEOUT(session.array(u"x"_s) != nullptr && !session.isBusy(), 60000);

    ExpressionEdit *edit = window.consoleWidget()->expressionEdit();
    std::int64_t warmed = 0;
    int failures = 0;
    QObject::connect(&window, &MainWindow::statementFinished, &window,
                     [&failures](Operation *operation, const QString &) { failures += !operation->status().isOk(); });
    for (int i = 0; i < 500; ++i) {
        edit->setFocus();
        edit->setText(u"x[%1, :, :]"_s.arg(i % 8));
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY2(waitFor(&MainWindow::statementFinished), qPrintable(u"statement %1 did not finish"_s.arg(i)));
        if (i == 19)
            warmed = integration::heldBytes();
    }
    QCOMPARE(failures, 0);
    QTRY_COMPARE_WITH_TIMEOUT(session.findChildren<Operation *>().size(), qsizetype(0), 10000);
    const std::int64_t grown = integration::heldBytes() - warmed;
    qInfo("workbench held memory grew by %.1f MB over 480 statements", double(grown) / 1e6);
    QVERIFY2(grown < std::int64_t(50) << 20,
             qPrintable(u"held memory grew by %1 MB over 480 statements"_s.arg(double(grown) / 1e6, 0, 'f', 1)));
}

QTEST_MAIN(TestConsoleMemory)
#include "tst_consolememory.moc"
