// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The scatter wizard driven as a user would: sample files dropped from a file manager, the
// variable checked across them, a layout chosen, and the load into a real local cluster.

#include "ui/scatter/scatterprogresspage.h"
#include "ui/scatter/scatterwizard.h"
#include "ui/scatter/scatterwizardpages.h"

#include "core/io/filediscovery.h"
#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "net/session/operation.h"

#include "screenshots.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDir>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProcess>
#include <QProgressBar>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace tessera;
using namespace tessera::ui;

namespace {
constexpr int LoadTimeoutMillis = 60000;

// What a file manager does when files are dropped on `target`.
bool dropPaths(QWidget *target, const QStringList &paths)
{
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls << QUrl::fromLocalFile(path);
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint position = target->rect().center();
    QDragEnterEvent enter(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(QPointF(position), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}
} // namespace

class TestScatterWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void dropScatterFinish_data();
    void dropScatterFinish();
    void mismatchedFileIsNamed();
    void cancelKeepsNothing();
    void folderDropFollowsTheFileRule();
    void zarrStoreFromXarrayDropsAndLoads();

private:
    QTemporaryDir m_dir;
    QStringList m_files;
    LocalCluster m_localCluster;
    ClusterSession m_session;
};

void TestScatterWizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"tessera-tests"_s);
    QCoreApplication::setApplicationName(u"tst_scatterwizard"_s);
    QSettings().clear();
    QVERIFY2(!LocalCluster::findWorkerProgram().isEmpty(),
             "tessera-worker not found: run through ctest, which sets TESSERA_WORKER");

    SampleDataOptions options;
    options.days = 3;
    options.gridDegrees = 2.5;
    const Result<QStringList> files = writeSampleData(m_dir.filePath(u"era"_s), options);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
    QCOMPARE(m_files.size(), 3);

    LocalClusterOptions clusterOptions;
    clusterOptions.workers = 2;
    const Status connected = waitForOperation(m_session.connectToLocalCluster(&m_localCluster, clusterOptions));
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
}

void TestScatterWizard::cleanup()
{
    for (const QString &name : m_session.arrayNames())
        m_session.removeArray(name);
}

void TestScatterWizard::dropScatterFinish_data()
{
    QTest::addColumn<bool>("dropFolder");
    QTest::addColumn<QString>("distributionText");
    QTest::addColumn<bool>("headReads");
    QTest::addColumn<int>("blocksPerFile");

    QTest::newRow("files, contiguous, workers read") << false << u"Contiguous"_s << false << 1;
    QTest::newRow("folder, round-robin, workbench reads, split 2") << true << u"Round-robin"_s << true << 2;
}

void TestScatterWizard::dropScatterFinish()
{
    QFETCH(bool, dropFolder);
    QFETCH(QString, distributionText);
    QFETCH(bool, headReads);
    QFETCH(int, blocksPerFile);

    ScatterWizard wizard(&m_session);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QSignalSpy finishedSpy(&wizard, &ScatterWizard::loadFinished);

    // 1. Files, by drag and drop
    QVERIFY(dropPaths(wizard.filesPage(), dropFolder ? QStringList{m_dir.filePath(u"era"_s)} : m_files));
    QCOMPARE(wizard.files(), m_files);
    QCOMPARE(wizard.filesPage()->findChild<QTreeWidget *>(u"fileList"_s)->topLevelItemCount(), 3);
    saveScreenshot(&wizard, u"scatter-1-files"_s);

    // 2. Variable: t2m proposed, checked across the three files
    wizard.next();
    QCOMPARE(wizard.currentId(), int(ScatterWizard::VariablePageId));
    QTRY_VERIFY_WITH_TIMEOUT(wizard.variablePage()->isComplete(), LoadTimeoutMillis);
    QCOMPARE(wizard.variablePage()->variable(), u"t2m"_s);
    const QString summary = wizard.findChild<QLabel *>(u"stackSummaryLabel"_s)->text();
    QVERIFY2(summary.contains(u"(12, 73, 144)"_s), qPrintable(summary));
    saveScreenshot(&wizard, u"scatter-2-variable"_s);

    // 3. Layout
    wizard.next();
    QCOMPARE(wizard.currentId(), int(ScatterWizard::LayoutPageId));
    wizard.findChild<QLineEdit *>(u"arrayNameEdit"_s)->setText(u"t"_s);
    auto *distribution = wizard.findChild<QComboBox *>(u"distributionCombo"_s);
    distribution->setCurrentIndex(distribution->findText(distributionText, Qt::MatchStartsWith));
    QVERIFY(distribution->currentIndex() >= 0);
    wizard.findChild<QRadioButton *>(headReads ? u"headReadsRadio"_s : u"workersReadRadio"_s)->setChecked(true);
    if (blocksPerFile > 1) {
        wizard.findChild<QRadioButton *>(u"splitFilesRadio"_s)->setChecked(true);
        wizard.findChild<QSpinBox *>(u"blocksPerFileSpin"_s)->setValue(blocksPerFile);
    }
    saveScreenshot(&wizard, u"scatter-3-layout"_s);
    const LoadRequest request = wizard.loadRequest();
    QCOMPARE(request.name, u"t"_s);
    QCOMPARE(request.variable, u"t2m"_s);
    QCOMPARE(request.blocksPerFile, blocksPerFile);
    QCOMPARE(request.mode, headReads ? LoadMode::Head : LoadMode::Workers);

    // 4. Progress, then Finish
    wizard.next();
    QCOMPARE(wizard.currentId(), int(ScatterWizard::ProgressPageId));
    QVERIFY(finishedSpy.wait(LoadTimeoutMillis) || !finishedSpy.isEmpty());
    QVERIFY2(wizard.progressPage()->isComplete(), qPrintable(wizard.findChild<QLabel *>(u"loadStatusLabel"_s)->text()));
    saveScreenshot(&wizard, u"scatter-4-progress"_s);

    const ArrayInfo *info = m_session.array(u"t"_s);
    QVERIFY(info);
    QCOMPARE(info->meta.shape, (Shape{12, 73, 144}));
    QCOMPARE(info->layout.chunks.blockCount(), std::int64_t(3 * blocksPerFile));
    // Every worker's bar is full and together they hold every block.
    std::vector<int> blocksPerWorker(2, 0);
    for (int worker : info->layout.workers)
        ++blocksPerWorker.at(std::size_t(worker));
    for (int worker = 0; worker < 2; ++worker) {
        auto *bar = wizard.findChild<QProgressBar *>(u"workerProgress%1"_s.arg(worker));
        QVERIFY(bar);
        if (blocksPerWorker[std::size_t(worker)] > 0)
            QCOMPARE(bar->value(), bar->maximum());
    }
    if (distributionText == u"Round-robin") {
        for (std::size_t flat = 0; flat < info->layout.workers.size(); ++flat)
            QCOMPARE(info->layout.workers[flat], int(flat % 2));
    }

    wizard.button(QWizard::FinishButton)->click();
    QCOMPARE(wizard.result(), int(QDialog::Accepted));
}

void TestScatterWizard::mismatchedFileIsNamed()
{
    // One more "day" on a coarser grid: the stack must refuse it and name it.
    QTemporaryDir otherDir;
    SampleDataOptions options;
    options.days = 1;
    options.gridDegrees = 5.0;
    options.start = QDate(2014, 2, 1);
    const Result<QStringList> odd = writeSampleData(otherDir.path(), options);
    QVERIFY(odd.isOk());

    ScatterWizard wizard(&m_session);
    wizard.show();
    QVERIFY(dropPaths(wizard.filesPage(), m_files + *odd));
    QCOMPARE(wizard.files().size(), 4);
    wizard.next();
    const QString oddName = QFileInfo(odd->constFirst()).fileName();
    auto *error = wizard.findChild<QLabel *>(u"stackErrorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(error->text().contains(oddName), LoadTimeoutMillis);
    QVERIFY(!wizard.variablePage()->isComplete());
    saveScreenshot(&wizard, u"scatter-mismatch"_s);
}

void TestScatterWizard::folderDropFollowsTheFileRule()
{
    // The wizard takes from a folder exactly what tessera-cli --files takes: NetCDF names in the
    // folder and its subfolders, hidden ones and other files left out, in path order.
    QTemporaryDir tree;
    const QStringList names{u"2014/02/b.nc4"_s, u"2014/01/a.nc"_s, u"2015/c.cdf"_s, u"2015/notes.txt"_s, u".cache/d.nc"_s};
    for (const QString &name : names) {
        QVERIFY(QDir(tree.path()).mkpath(QFileInfo(tree.filePath(name)).path()));
        QFile file(tree.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    ScatterWizard wizard(&m_session);
    wizard.show();
    QVERIFY(dropPaths(wizard.filesPage(), {tree.path(), u"/no/such/folder"_s}));
    const QStringList expected{tree.filePath(u"2014/01/a.nc"_s), tree.filePath(u"2014/02/b.nc4"_s),
                               tree.filePath(u"2015/c.cdf"_s)};
    QCOMPARE(wizard.files(), expected);
    QCOMPARE(*discoverFiles(tree.path()), expected);
    // A path that yields nothing is named, not silently dropped.
    auto *summary = wizard.filesPage()->findChild<QLabel *>(u"filesSummaryLabel"_s);
    QVERIFY2(summary->text().contains(u"/no/such/folder"_s), qPrintable(summary->text()));
}

void TestScatterWizard::zarrStoreFromXarrayDropsAndLoads()
{
    // The sample days as one Zarr store, written by xarray: a folder dropped as one dataset.
    const QString store = m_dir.filePath(u"era.zarr"_s);
    const QString script = u"import sys, xarray as xr\n"
                           "parts = [xr.open_dataset(f) for f in sys.argv[2:]]\n"
                           "xr.concat(parts, 'time').to_zarr(sys.argv[1], encoding={'t2m': {'chunks': (2, 73, 144)}})\n"_s;
    QProcess python;
    python.start(u"/usr/bin/python3"_s, QStringList{u"-c"_s, script, store} + m_files);
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());

    ScatterWizard wizard(&m_session);
    wizard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&wizard));
    QVERIFY(dropPaths(wizard.filesPage(), {store}));
    QCOMPARE(wizard.files(), QStringList{store});
    wizard.next();
    QTRY_VERIFY_WITH_TIMEOUT(wizard.variablePage()->isComplete(), LoadTimeoutMillis);
    QCOMPARE(wizard.variablePage()->variable(), u"t2m"_s);
    const QString summary = wizard.findChild<QLabel *>(u"stackSummaryLabel"_s)->text();
    QVERIFY2(summary.contains(u"(12, 73, 144)"_s), qPrintable(summary));
    saveScreenshot(&wizard, u"scatter-zarr-variable"_s);
    wizard.next();
    wizard.findChild<QLineEdit *>(u"arrayNameEdit"_s)->setText(u"z"_s);
    QSignalSpy finishedSpy(&wizard, &ScatterWizard::loadFinished);
    wizard.next();
    QVERIFY(finishedSpy.wait(LoadTimeoutMillis) || !finishedSpy.isEmpty());
    QVERIFY2(wizard.progressPage()->isComplete(), qPrintable(wizard.findChild<QLabel *>(u"loadStatusLabel"_s)->text()));
    const ArrayInfo *z = m_session.array(u"z"_s);
    QVERIFY(z);
    QCOMPARE(z->meta.shape, (Shape{12, 73, 144}));
    // Six chunks of 168 kB: grouped towards 32 MB they would be one block, but each of the two
    // workers gets two or more while there are chunks enough.
    QCOMPARE(z->layout.chunks.blockCount(), std::int64_t(6));
    QVERIFY(z->meta.axes[0].isTime() && z->meta.axes[1].isLatitude());
    wizard.button(QWizard::FinishButton)->click();

    // The same numbers as the NetCDF files give, up to float32: xarray decoded the packed int16
    // files to float32 and wrote those.
    LoadRequest fromFiles;
    fromFiles.name = u"t"_s;
    fromFiles.files = m_files;
    fromFiles.variable = u"t2m"_s;
    QVERIFY(waitForOperation(m_session.load(fromFiles)).isOk());
    Operation *difference = m_session.evaluate(u"abs(z - t).max()"_s);
    QVERIFY(waitForOperation(difference).isOk());
    QVERIFY2(difference->result().value.at(0) <= 330.0 / (1 << 24),
             qPrintable(QString::number(difference->result().value.at(0))));
    delete difference;
}

void TestScatterWizard::cancelKeepsNothing()
{
    ScatterWizard wizard(&m_session);
    wizard.show();
    wizard.addFiles({m_dir.filePath(u"era"_s)});
    wizard.next();
    QTRY_VERIFY_WITH_TIMEOUT(wizard.variablePage()->isComplete(), LoadTimeoutMillis);
    wizard.next();
    wizard.findChild<QLineEdit *>(u"arrayNameEdit"_s)->setText(u"c"_s);
    QSignalSpy finishedSpy(&wizard, &ScatterWizard::loadFinished);
    wizard.next();
    Operation *operation = wizard.loadOperation();
    QVERIFY(operation);

    // Cancel as the user does, before the load could finish.
    wizard.reject();
    QVERIFY(finishedSpy.wait(LoadTimeoutMillis) || !finishedSpy.isEmpty());
    QCOMPARE(operation->status().code(), ErrorCode::Cancelled);
    QVERIFY(!m_session.array(u"c"_s));
    QTRY_VERIFY(!wizard.isVisible());
    QCOMPARE(wizard.result(), int(QDialog::Rejected));
}

QTEST_MAIN(TestScatterWizard)
#include "tst_scatterwizard.moc"
