// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The main window against a real local cluster: sample files scattered, statements run from
// the console (typed, and the seed's examples), results routed to the result, timings and
// workspace views, files dropped on the window, experiments saved, opened and run again.

#include "ui/console/consolewidget.h"
#include "ui/console/expressionedit.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/models/clustermodel.h"
#include "ui/models/workspacemodel.h"
#include "ui/scatter/scatterwizard.h"
#include "ui/views/blockmapview.h"
#include "ui/views/resultview.h"
#include "ui/views/taskstreamview.h"
#include "ui/views/timingsview.h"

#include "core/io/sampledata.h"
#include "core/io/zarrreader.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "net/session/operation.h"

#include "screenshots.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QHostInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace tessera;
using namespace tessera::ui;

namespace {
constexpr int TimeoutMillis = 60000;

struct LayoutRequestCounter : QObject
{
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        count += event->type() == QEvent::LayoutRequest;
        return false;
    }
};

bool isErrorEntry(const QTreeWidgetItem *item)
{
    return item->foreground(ConsoleWidget::RESULT).color() == QColor(0xc0, 0x39, 0x2b);
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void clusterDockListsWorkers();
    void loadShowsArrayInWorkspace();
    void typedStatementRunsAndIsTimed();
    void examplesFollowTheDimensionNames();
    void seedExamplesRunInOneClick_data();
    void seedExamplesRunInOneClick();
    void errorIsInlineAndConsoleKeepsWorking();
    void historyAndCompletion();
    void statementLineLeavesTheLayoutAlone();
    void hiddenTabsDrawWhenRaised();
    void droppedFilesOpenTheWizard();
    void experimentSavedOpenedAndRunAgain();
    void saveArrayAsZarr();
    void screenshots();
    void aLostWorkerStaysInTheConsole();
    void layoutIsRemembered();

private:
    // Runs a statement as typed into the console and waits until the window has routed it.
    std::optional<Status> runFromConsole(const QString &statement);

    QTemporaryDir m_dir;
    QStringList m_files;
    ClusterSession *m_session = nullptr;
    LocalCluster *m_localCluster = nullptr;
    MainWindow *m_window = nullptr;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"tessera-tests"_s);
    QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
    QSettings().clear();
    QVERIFY2(!LocalCluster::findWorkerProgram().isEmpty(),
             "tessera-worker not found: run through ctest, which sets TESSERA_WORKER");

    // 26 days at least, so the seed's x[100,:,:] is in range; a coarse grid keeps it small.
    SampleDataOptions options;
    options.days = 30;
    options.gridDegrees = 2.5;
    const Result<QStringList> files = writeSampleData(m_dir.filePath(u"era"_s), options);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;

    m_session = new ClusterSession(this);
    m_localCluster = new LocalCluster(this);
    m_window = new MainWindow(m_session, m_localCluster);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));

    LocalClusterOptions clusterOptions;
    clusterOptions.workers = 2;
    Operation *connecting = m_window->startLocalCluster(clusterOptions);
    QVERIFY(connecting);
    // Starting workers returns at once: the window's event loop is the only one that runs.
    QVERIFY(!connecting->isFinished());
    QVERIFY(!m_localCluster->isRunning() || m_localCluster->addresses().isEmpty());
    const Status connected = waitForOperation(connecting);
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
}

void TestMainWindow::cleanupTestCase()
{
    delete m_window;
}

std::optional<Status> TestMainWindow::runFromConsole(const QString &statement)
{
    // The window lets the session delete operations once finished: read the status as it is announced.
    std::optional<Status> status;
    const QMetaObject::Connection reading =
        connect(m_window, &MainWindow::statementFinished, this,
                [&status](Operation *operation, const QString &) { status = operation->status(); });
    ExpressionEdit *edit = m_window->consoleWidget()->expressionEdit();
    edit->setFocus();
    edit->setText(statement);
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    (void)QTest::qWaitFor([&status] { return status.has_value(); }, TimeoutMillis);
    disconnect(reading);
    return status;
}

void TestMainWindow::clusterDockListsWorkers()
{
    ClusterModel *model = m_window->clusterModel();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->columnCount(), int(ClusterModel::NB_COLUMNS));
    for (int row = 0; row < 2; ++row) {
        const QString status = model->index(row, ClusterModel::STATUS).data().toString();
        QVERIFY2(status == u"connected" || status == u"busy", qPrintable(status));
        QVERIFY(!model->index(row, ClusterModel::ADDRESS).data().toString().isEmpty());
        QCOMPARE(model->index(row, ClusterModel::HOST).data().toString(), QHostInfo::localHostName());
        QVERIFY(model->index(row, ClusterModel::THREADS).data().toInt() >= 1);
    }
    // The periodic status refresh fills in the round trip time.
    QTRY_VERIFY_WITH_TIMEOUT(!model->index(0, ClusterModel::LATENCY).data().toString().isEmpty(), 10000);
}

void TestMainWindow::loadShowsArrayInWorkspace()
{
    LoadRequest request;
    request.name = u"x"_s;
    request.files = m_files;
    request.variable = u"t2m"_s;
    const int timingRows = m_window->timingsView()->rowCount();
    const Status loaded = waitForOperation(m_window->load(request));
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));

    WorkspaceModel *workspace = m_window->workspaceModel();
    const int row = workspace->rowOf(u"x"_s);
    QVERIFY(row >= 0);
    QCOMPARE(workspace->index(row, WorkspaceModel::SHAPE).data().toString(), u"(120, 73, 144)"_s);
    QCOMPARE(workspace->index(row, WorkspaceModel::DTYPE).data().toString(), u"float64"_s);
    QCOMPARE(workspace->index(row, WorkspaceModel::BLOCKS).data().toLongLong(), 30LL);
    QCOMPARE(workspace->index(row, WorkspaceModel::CHUNK_SHAPE).data().toString(), u"(4, 73, 144)"_s);
    // The load is timed like any operation.
    QTRY_COMPARE(m_window->timingsView()->rowCount(), timingRows + 1);
    QVERIFY(m_window->experiment().load.has_value());
}

void TestMainWindow::typedStatementRunsAndIsTimed()
{
    const int timingRows = m_window->timingsView()->rowCount();
    QTreeWidget *results = m_window->consoleWidget()->resultList();
    const int resultRows = results->topLevelItemCount();

    const std::optional<Status> status = runFromConsole(u"x.mean(axis=0)"_s);
    QVERIFY(status);
    QVERIFY2(status->isOk(), qPrintable(status->message()));
    QCOMPARE(m_window->timingsView()->rowCount(), timingRows + 1);
    QCOMPARE(results->topLevelItemCount(), resultRows + 1);
    const QTreeWidgetItem *entry = results->topLevelItem(resultRows);
    QCOMPARE(entry->text(ConsoleWidget::STATEMENT), u"x.mean(axis=0)"_s);
    QVERIFY(!isErrorEntry(entry));
    QVERIFY(!entry->text(ConsoleWidget::WALL_TIME).isEmpty());
    // A 2-D result is drawn as a heatmap (its values are checked in the views' own tests).
    QVERIFY(m_window->resultView()->colorMap());
    // A statement that worked leaves the line empty for the next one.
    QVERIFY(m_window->consoleWidget()->statement().isEmpty());
}

void TestMainWindow::examplesFollowTheDimensionNames()
{
    const QStringList sample = ConsoleWidget::seedExamples();
    QCOMPARE(sample.size(), 8);
    QCOMPARE(ConsoleWidget::exampleTitle(sample.at(6)), u"global mean (area-weighted)"_s);
    QCOMPARE(ConsoleWidget::exampleTitle(sample.at(7)), u"monthly climatology"_s);
    QCOMPARE(ConsoleWidget::exampleTitle(u"x.sum()"_s), u"x.sum()"_s);

    ArrayMeta model;
    model.shape = {12, 10, 20};
    model.axes.resize(3);
    model.axes[0].name = u"t"_s;
    model.axes[0].units = u"days since 2000-01-01"_s;
    model.axes[1].name = u"lat"_s;
    model.axes[1].units = u"degrees_north"_s;
    model.axes[2].name = u"lon"_s;
    model.axes[2].units = u"degree_E"_s;
    const QStringList examples = ConsoleWidget::seedExamples(&model);
    QCOMPARE(examples.at(6), u"x.weighted(cos(radians(x.lat))).mean(dim=('lat', 'lon'))"_s);
    QCOMPARE(examples.at(7), u"x.groupby('t.month').mean()"_s);
    for (tessera::Axis &axis : model.axes)
        axis.units.clear(); // nothing says latitude or time: only the six
    QCOMPARE(ConsoleWidget::seedExamples(&model).size(), 6);
}

void TestMainWindow::seedExamplesRunInOneClick_data()
{
    QTest::addColumn<int>("example");
    const QStringList examples = ConsoleWidget::seedExamples();
    for (int i = 0; i < examples.size(); ++i)
        QTest::newRow(qPrintable(examples.at(i))) << i;
}

void TestMainWindow::seedExamplesRunInOneClick()
{
    QFETCH(int, example);
    auto *action = m_window->consoleWidget()->findChild<QAction *>(u"example%1"_s.arg(example));
    QVERIFY(action);
    const int timingRows = m_window->timingsView()->rowCount();
    std::optional<Status> status;
    QString statement;
    const QMetaObject::Connection reading =
        connect(m_window, &MainWindow::statementFinished, this, [&](Operation *operation, const QString &text) {
            status = operation->status();
            statement = text;
        });
    action->trigger();
    QVERIFY(QTest::qWaitFor([&status] { return status.has_value(); }, TimeoutMillis));
    disconnect(reading);
    QVERIFY2(status->isOk(), qPrintable(status->message()));
    QCOMPARE(statement, ConsoleWidget::seedExamples().at(example));
    QCOMPARE(action->text(), ConsoleWidget::exampleTitle(statement));
    QCOMPARE(m_window->timingsView()->rowCount(), timingRows + 1);
}

void TestMainWindow::errorIsInlineAndConsoleKeepsWorking()
{
    QTreeWidget *results = m_window->consoleWidget()->resultList();
    const std::optional<Status> failed = runFromConsole(u"x.mean(axis=7)"_s);
    QVERIFY(failed);
    QVERIFY(!failed->isOk());
    const QTreeWidgetItem *entry = results->topLevelItem(results->topLevelItemCount() - 1);
    QVERIFY(isErrorEntry(entry));
    QCOMPARE(entry->text(ConsoleWidget::RESULT), failed->message());
    auto *errorLabel = m_window->consoleWidget()->findChild<QLabel *>(u"consoleErrorLabel"_s);
    QCOMPARE(errorLabel->text(), failed->message());
    // The failed statement stays on the line to be fixed, the cursor where the error is.
    QCOMPARE(m_window->consoleWidget()->statement(), u"x.mean(axis=7)"_s);
    const QRegularExpressionMatch column = QRegularExpression(u"^column (\\d+):"_s).match(failed->message());
    if (column.hasMatch())
        QCOMPARE(m_window->consoleWidget()->expressionEdit()->cursorPosition(), column.captured(1).toInt() - 1);
    saveScreenshot(m_window->consoleWidget(), u"console-error"_s);

    const std::optional<Status> worked = runFromConsole(u"x.max()"_s);
    QVERIFY(worked);
    QVERIFY2(worked->isOk(), qPrintable(worked->message()));
    QVERIFY(!m_window->resultView()->scalarText().isEmpty());
}

void TestMainWindow::historyAndCompletion()
{
    ExpressionEdit *edit = m_window->consoleWidget()->expressionEdit();
    edit->clear();
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_Up);
    QCOMPARE(edit->text(), u"x.max()"_s);
    QTest::keyClick(edit, Qt::Key_Up);
    QCOMPARE(edit->text(), u"x.mean(axis=7)"_s);
    QTest::keyClick(edit, Qt::Key_Down);
    QTest::keyClick(edit, Qt::Key_Down);
    QCOMPARE(edit->text(), QString());

    const QStringList words = edit->completionWords();
    QVERIFY(words.contains(u"x"_s));
    QVERIFY(words.contains(u"x.mean()"_s));
    QVERIFY(words.contains(u"y.std()"_s)); // y = x - x.mean() made y
    for (const QString &word : {u"x.latitude"_s, u"x.groupby('time.month')"_s, u"x.resample(time='1D')"_s, u"x.sel("_s,
                                u"x.weighted("_s, u"x.count()"_s, u"where("_s, u"radians("_s})
        QVERIFY2(words.contains(word), qPrintable(word + u" is not among the completions"_s));
    QTest::keyClicks(edit, u"x.me"_s);
    auto *completer = edit->findChild<QCompleter *>();
    QVERIFY(completer);
    QTRY_VERIFY(completer->popup()->isVisible());
    QTest::keyClick(completer->popup(), Qt::Key_Return); // the popup has the keyboard
    QCOMPARE(edit->text(), u"x.mean()"_s);
    edit->clear();
}

// Text coming into the statement line (a statement recalled and run at once) or leaving it (cleared
// by its answer) must not lay out and paint the whole window again, which a statement then waits for.
void TestMainWindow::statementLineLeavesTheLayoutAlone()
{
    ExpressionEdit *edit = m_window->consoleWidget()->expressionEdit();
    edit->clear();
    QTest::qWait(500); // past the fade of a clear button, had the line one
    auto *clear = edit->findChild<QAction *>(u"clearStatementAction"_s);
    QVERIFY(clear);
    QVERIFY(!clear->isVisible());
    LayoutRequestCounter counter;
    m_window->installEventFilter(&counter);
    edit->setText(u"x.sum()"_s);
    QVERIFY(clear->isVisible());
    QTest::qWait(500);
    clear->trigger();
    QCOMPARE(edit->text(), QString());
    QVERIFY(!clear->isVisible());
    QTest::qWait(500);
    m_window->removeEventFilter(&counter);
    QCOMPARE(counter.count, 0);
}

// The task stream and the block map sit on tabs behind the result and the timings: what a
// statement gives them is drawn when the user raises their tab, not before.
void TestMainWindow::hiddenTabsDrawWhenRaised()
{
    auto dock = [this](const QString &name) {
        return m_window->findChild<QDockWidget *>(name);
    };
    dock(u"timingsDock"_s)->raise();
    dock(u"resultDock"_s)->raise();
    TaskStreamView *stream = m_window->taskStreamView();
    BlockMapView *map = m_window->blockMapView();
    QTRY_VERIFY(stream->visibleRegion().isEmpty() && map->visibleRegion().isEmpty()); // tabs behind

    std::optional<Status> status = runFromConsole(u"x.sum()"_s);
    QVERIFY(status && status->isOk());
    const int drawnBefore = stream->drawnTaskCount();
    status = runFromConsole(u"r = x.rechunk(time=-1, latitude=8)"_s);
    QVERIFY2(status && status->isOk(), status ? qPrintable(status->message()) : "no answer");
    map->showArray(u"r"_s);
    QCOMPARE(stream->drawnTaskCount(), drawnBefore); // still x.sum()'s bars
    QCOMPARE(map->blockCount(), 30);                 // still x's grid of 30 blocks

    dock(u"taskStreamDock"_s)->raise();
    dock(u"blockMapDock"_s)->raise();
    QTRY_VERIFY(!stream->visibleRegion().isEmpty() && !map->visibleRegion().isEmpty());
    QCOMPARE(map->blockCount(), 10); // r: 73 latitudes in chunks of 8
    QVERIFY(stream->drawnTaskCount() != drawnBefore);
    QVERIFY2(stream->drawnTaskCount() > 0, "the rechunk's tasks");
    dock(u"timingsDock"_s)->raise();
    dock(u"resultDock"_s)->raise();
}

void TestMainWindow::droppedFilesOpenTheWizard()
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(m_dir.filePath(u"era"_s))});
    const QPoint position = m_window->rect().center();
    QDragEnterEvent enter(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(position), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window, &drop);

    auto *wizard = m_window->findChild<ScatterWizard *>();
    QVERIFY(wizard);
    QVERIFY(wizard->isVisible());
    QCOMPARE(wizard->files(), m_files);
    wizard->close();
}

void TestMainWindow::experimentSavedOpenedAndRunAgain()
{
    const QString path = m_dir.filePath(u"experiment.tessera.json"_s);
    const Status saved = m_window->saveExperimentFile(path);
    QVERIFY2(saved.isOk(), qPrintable(saved.message()));
    const Experiment before = m_window->experiment();
    QVERIFY(before.load.has_value());
    QVERIFY(before.statements.contains(u"x.mean(axis=0)"_s));
    QVERIFY(!before.statements.contains(u"x.mean(axis=7)"_s)); // failed statements are not kept

    const Status opened = m_window->openExperimentFile(path);
    QVERIFY2(opened.isOk(), qPrintable(opened.message()));
    QCOMPARE(m_window->experiment().statements, before.statements);
    QCOMPARE(m_window->experiment().load->files, before.load->files);
    int pastRows = 0;
    for (const TimingRun &run : before.runs)
        pastRows += int(run.reports.size());
    QCOMPARE(m_window->timingsView()->rowCount(), pastRows);

    // Run all: the load and every statement again, as a second run in the history.
    // Operations are deleted once finished: their status is read while they are announced.
    std::vector<Status> routed;
    const QMetaObject::Connection collecting =
        connect(m_window, &MainWindow::statementFinished, this,
                [&routed](Operation *operation, const QString &) { routed.push_back(operation->status()); });
    m_window->runAll();
    const int steps = 1 + int(before.statements.size());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->timingsView()->rowCount(), pastRows + steps, TimeoutMillis);
    disconnect(collecting);
    QCOMPARE(int(routed.size()), steps - 1);
    for (const Status &status : routed)
        QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(m_window->experiment().runs.size(), before.runs.size() + 1);
    QVERIFY(m_window->timingsView()->toCsv().contains(m_window->experiment().runs.back().label));
}

void TestMainWindow::saveArrayAsZarr()
{
    // From the workspace's context menu, as a user does: the dialog makes the save statement, the
    // console records it, and the store is on disk with its values.
    m_window->workspaceTable()->selectRow(m_window->workspaceModel()->rowOf(u"x"_s));
    const QList<QAction *> actions = m_window->workspaceTable()->actions();
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions.front()->text().remove(u'&'), u"Save array as Zarr..."_s);
    actions.front()->trigger();
    auto *dialog = m_window->findChild<QDialog *>(u"saveZarrDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    const QString store = m_dir.filePath(u"x.zarr"_s);
    dialog->findChild<QLineEdit *>(u"zarrPathEdit"_s)->setText(store);
    auto *format = dialog->findChild<QComboBox *>(u"zarrFormatCombo"_s);
    format->setCurrentIndex(format->findData(u"v3"_s));
    auto *dtype = dialog->findChild<QComboBox *>(u"zarrDtypeCombo"_s);
    dtype->setCurrentIndex(dtype->findData(u"float32"_s));
    const QString statement = u"save(x, '%1', format='v3', dtype='float32')"_s.arg(store);
    QCOMPARE(dialog->findChild<QLabel *>(u"zarrStatementLabel"_s)->text(), statement);
    saveScreenshot(dialog, u"save-zarr-dialog"_s);

    std::optional<Status> status;
    const QMetaObject::Connection reading =
        connect(m_window, &MainWindow::statementFinished, this,
                [&status](Operation *operation, const QString &) { status = operation->status(); });
    dialog->accept();
    QTRY_VERIFY_WITH_TIMEOUT(status.has_value(), TimeoutMillis);
    disconnect(reading);
    QVERIFY2(status->isOk(), qPrintable(status->message()));
    QTreeWidget *results = m_window->consoleWidget()->resultList();
    const QTreeWidgetItem *entry = results->topLevelItem(results->topLevelItemCount() - 1);
    QCOMPARE(entry->text(ConsoleWidget::STATEMENT), statement);
    QVERIFY2(entry->text(ConsoleWidget::RESULT).contains(u"saved to "_s + store), qPrintable(entry->text(ConsoleWidget::RESULT)));
    QVERIFY(m_window->experiment().statements.contains(statement));
    const Result<NdArray> back = readZarrVariable(store, u"x"_s, 100, 1);
    QVERIFY2(back, qPrintable(back.status().message()));
    QCOMPARE(back->shape(), (Shape{1, 73, 144}));
    saveScreenshot(m_window, u"save-zarr-done"_s);
}

void TestMainWindow::screenshots()
{
    runFromConsole(u"x.mean(axis=0)"_s);
    saveScreenshot(m_window, u"mainwindow"_s);
    for (QDockWidget *dock : m_window->findChildren<QDockWidget *>()) {
        dock->raise();
        QCoreApplication::processEvents();
        saveScreenshot(dock->widget(), u"dock-"_s + dock->objectName());
    }
}

void TestMainWindow::aLostWorkerStaysInTheConsole()
{
    // A worker killed, as a failing node is: its loss and the rebuild after it stay in the
    // console's list between the statements, where the status bar shows them for seconds only.
    QVERIFY2(m_session->array(u"x"_s), "x is loaded by loadShowsArrayInWorkspace, which runs before");
    ConsoleWidget *console = m_window->consoleWidget();
    QTreeWidget *results = console->resultList();
    const int before = results->topLevelItemCount();
    ::kill(pid_t(m_localCluster->processIds().back()), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(results->topLevelItemCount() >= before + 2, TimeoutMillis);

    QTreeWidgetItem *loss = results->topLevelItem(before);
    QVERIFY(ConsoleWidget::isEvent(loss));
    QCOMPARE(loss->text(ConsoleWidget::STATEMENT), u"worker lost"_s);
    QVERIFY2(loss->text(ConsoleWidget::RESULT).startsWith(u"lost connection to worker"_s),
             qPrintable(loss->text(ConsoleWidget::RESULT)));
    QVERIFY(isErrorEntry(loss));
    QTreeWidgetItem *rebuild = results->topLevelItem(before + 1);
    QVERIFY(ConsoleWidget::isEvent(rebuild));
    QVERIFY2(rebuild->text(ConsoleWidget::STATEMENT).startsWith(u"rebuild "_s),
             qPrintable(rebuild->text(ConsoleWidget::STATEMENT)));
    QVERIFY2(rebuild->text(ConsoleWidget::RESULT).startsWith(u"done in "_s), qPrintable(rebuild->text(ConsoleWidget::RESULT)));
    QVERIFY(!isErrorEntry(rebuild));

    // Double-clicking an event puts nothing on the line; the console runs on.
    console->setStatement(u"x.sum()"_s);
    const QRect row = results->visualItemRect(loss);
    QTest::mouseDClick(results->viewport(), Qt::LeftButton, {}, row.center());
    QCOMPARE(console->statement(), u"x.sum()"_s);
    const std::optional<Status> sum = runFromConsole(u"x.sum()"_s);
    QVERIFY(sum && sum->isOk());
}

void TestMainWindow::layoutIsRemembered()
{
    auto *console = m_window->findChild<QDockWidget *>(u"consoleDock"_s);
    console->hide();
    m_window->close();
    QVERIFY(QSettings().contains(u"MainWindow/state"_s));

    MainWindow second(m_session, m_localCluster);
    QVERIFY(second.findChild<QDockWidget *>(u"consoleDock"_s)->isHidden());
    QVERIFY(!second.findChild<QDockWidget *>(u"clusterDock"_s)->isHidden());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
