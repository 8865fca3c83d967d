// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/mainwindow/mainwindow.h"

#include "ui/connect/connectdialog.h"
#include "ui/console/consolewidget.h"
#include "ui/mainwindow/clusterstatusbar.h"
#include "ui/models/clustermodel.h"
#include "ui/models/workspacemodel.h"
#include "ui/scatter/backgroundjob.h"
#include "ui/scatter/scatterwizard.h"
#include "ui/scatter/scatterwizardpages.h"
#include "ui/style/viewstyle.h"
#include "ui/views/blockmapview.h"
#include "ui/views/clusterview.h"
#include "ui/views/resultview.h"
#include "ui/views/taskstreamview.h"
#include "ui/views/timingsview.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHeaderView>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>

#include <atomic>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
const QString GeometryKey = u"MainWindow/geometry"_s;
const QString StateKey = u"MainWindow/state"_s;
// Bumped when the docks change, so an old saved layout is not applied to new docks.
constexpr int LayoutVersion = 1;
constexpr int MessageMillis = 10000;

// Runs `done` when the operation has finished, at once if it already has.
template <typename Done>
void whenFinished(Operation *operation, QObject *context, Done done)
{
    if (operation->isFinished())
        done();
    else
        QObject::connect(operation, &Operation::finished, context, done);
}

QTableView *makeTable(QAbstractItemModel *model, const QString &objectName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    // Short values (names, shapes, counts): as wide as they are, so the row fits the dock.
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setHighlightSections(false);
    return table;
}
} // namespace

MainWindow::MainWindow(ClusterSession *session, LocalCluster *localCluster, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_localCluster(localCluster)
    , m_runner(new ExperimentRunner(session, this))
    , m_runLabel(tr("run 1"))
{
    // Every part of the window reads an operation in its finished() slots or through a QPointer,
    // so the session may delete operations (and their results) as soon as they have finished.
    m_session->setAutoDeleteOperations(true);
    setObjectName(u"mainWindow"_s);
    setWindowIcon(QIcon::fromTheme(u"org.tessera.Tessera"_s, QIcon(u":/tessera.svg"_s)));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);

    m_statusBar = new ClusterStatusBar(m_session, this);
    statusBar()->addPermanentWidget(m_statusBar);
    createDocks();
    createMenus();

    connect(m_console, &ConsoleWidget::runRequested, this, &MainWindow::runStatement);
    connect(m_session, &ClusterSession::arraysChanged, this, &MainWindow::arraysChanged);
    connect(m_session, &ClusterSession::workersChanged, this, &MainWindow::updateActions);
    connect(m_session, &ClusterSession::workerLost, this, [this](int, const QString &message) {
        statusBar()->showMessage(message, MessageMillis);
        m_console->addEvent(tr("worker lost"), message, true);
    });
    connect(m_session, &ClusterSession::recoveryStarted, this,
            [this](Operation *recovery) { whenFinished(recovery, this, [this, recovery] { recoveryFinished(recovery); }); });
    // A local worker's exit usually follows its loss: say both.
    connect(m_localCluster, &LocalCluster::workerExited, this, [this](int, const QString &message) {
        const QString shown = statusBar()->currentMessage();
        statusBar()->showMessage(shown.isEmpty() ? message : shown + u" · "_s + message, MessageMillis);
    });
    connect(m_statusBar, &ClusterStatusBar::runningChanged, this, &MainWindow::updateActions);

    connect(m_runner, &ExperimentRunner::stepStarted, this, [this](Operation *operation, const QString &statement) {
        m_statusBar->watch(operation);
        if (statement.isEmpty() && m_experiment.load)
            m_blockMapView->showArray(m_experiment.load->name);
    });
    connect(m_runner, &ExperimentRunner::stepFinished, this, [this](Operation *operation, const QString &statement) {
        if (statement.isEmpty())
            loadFinished(operation, *m_experiment.load);
        else
            statementDone(operation, statement);
    });
    connect(m_runner, &ExperimentRunner::finished, this, [this](const Status &status) {
        statusBar()->showMessage(status.isOk() ? tr("Run all finished: %1").arg(m_runLabel) : status.message(), MessageMillis);
        updateActions();
    });

    arraysChanged();
    updateTitle();
    restoreLayout();
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::addDock(QWidget *widget, const QString &title, const QString &objectName, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() finds docks by name
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    m_clusterModel = new ClusterModel(m_session, this);
    m_clusterTable = makeTable(m_clusterModel, u"clusterTable"_s, this);
    m_clusterTable->setItemDelegateForColumn(ClusterModel::MEMORY, new ClusterMemoryDelegate(m_clusterTable));
    m_clusterTable->horizontalHeader()->setSectionResizeMode(ClusterModel::MEMORY, QHeaderView::Interactive);
    m_clusterTable->setColumnWidth(ClusterModel::MEMORY, 170);
    m_clusterView = new ClusterView(m_clusterTable, m_clusterModel, this);
    connect(m_clusterView, &ClusterView::addLocalWorkerRequested, this, &MainWindow::addLocalWorker);
    connect(m_clusterView, &ClusterView::stopWorkerRequested, this, [this](int worker) {
        if (const Status stopped = m_session->stopWorker(worker); !stopped.isOk())
            statusBar()->showMessage(stopped.message(), MessageMillis);
    });
    connect(m_clusterView, &ClusterView::rebalanceRequested, this, [this] { runStatement(u"rebalance()"_s); });

    m_workspaceModel = new WorkspaceModel(m_session, this);
    m_workspaceTable = makeTable(m_workspaceModel, u"workspaceTable"_s, this);
    // Double-click an array to see where its blocks are.
    connect(m_workspaceTable, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        m_blockMapView->showArray(m_workspaceModel->arrayNameAt(index.row()));
        findChild<QDockWidget *>(u"blockMapDock"_s)->raise();
    });
    m_workspaceTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *saveZarr = new QAction(tr("Save array as &Zarr..."), m_workspaceTable);
    connect(saveZarr, &QAction::triggered, this, [this] { openSaveZarrDialog(); });
    m_workspaceTable->addAction(saveZarr);

    m_console = new ConsoleWidget(this);
    m_resultView = new ResultView(this);
    m_timingsView = new TimingsView(this);
    m_blockMapView = new BlockMapView(this);
    m_blockMapView->setSession(m_session);
    m_taskStreamView = new TaskStreamView(this);

    QDockWidget *cluster = addDock(m_clusterView, tr("Cluster"), u"clusterDock"_s, Qt::LeftDockWidgetArea);
    QDockWidget *workspace = addDock(m_workspaceTable, tr("Workspace"), u"workspaceDock"_s, Qt::LeftDockWidgetArea);
    QDockWidget *console = addDock(m_console, tr("Console"), u"consoleDock"_s, Qt::LeftDockWidgetArea);
    QDockWidget *result = addDock(m_resultView, tr("Result"), u"resultDock"_s, Qt::RightDockWidgetArea);
    QDockWidget *blockMap = addDock(m_blockMapView, tr("Block map"), u"blockMapDock"_s, Qt::RightDockWidgetArea);
    QDockWidget *timings = addDock(m_timingsView, tr("Timings"), u"timingsDock"_s, Qt::RightDockWidgetArea);
    QDockWidget *taskStream = addDock(m_taskStreamView, tr("Task stream"), u"taskStreamDock"_s, Qt::RightDockWidgetArea);

    // Left: what there is and the console; right: what came out and what it cost.
    // Split before tabifying: splitting a tabbed dock would add to its tabs instead.
    splitDockWidget(cluster, workspace, Qt::Vertical);
    splitDockWidget(workspace, console, Qt::Vertical);
    splitDockWidget(result, timings, Qt::Vertical);
    tabifyDockWidget(result, blockMap);
    tabifyDockWidget(timings, taskStream);
    // A tab behind another stays visible to Qt, moved out of sight: its dock says when it shows.
    connect(blockMap, &QDockWidget::visibilityChanged, m_blockMapView, &BlockMapView::setOnScreen);
    connect(taskStream, &QDockWidget::visibilityChanged, m_taskStreamView, &TaskStreamView::setOnScreen);
    result->raise();
    timings->raise();
    resizeDocks({cluster, result}, {620, 980}, Qt::Horizontal);
    resizeDocks({cluster, workspace, console}, {200, 160, 440}, Qt::Vertical);
    resizeDocks({result, timings}, {520, 300}, Qt::Vertical);
}

void MainWindow::restoreLayout()
{
    resize(1600, 1000);
    m_defaultState = saveState(LayoutVersion);
    QSettings settings;
    restoreGeometry(settings.value(GeometryKey).toByteArray());
    restoreState(settings.value(StateKey).toByteArray(), LayoutVersion);
}

void MainWindow::resetLayout()
{
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        dock->setFloating(false);
        dock->show();
    }
    restoreState(m_defaultState, LayoutVersion);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState(LayoutVersion));
    m_statusBar->cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPathsFromMime(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPathsFromMime(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openScatterWizard(paths);
}

Operation *MainWindow::startLocalCluster(const LocalClusterOptions &options)
{
    statusBar()->showMessage(tr("Starting %1 local workers...").arg(options.workers));
    if (m_session->isConnected())
        m_session->disconnectAll();
    Operation *operation = m_session->connectToLocalCluster(m_localCluster, options);
    m_statusBar->watch(operation);
    whenFinished(operation, this, [this, operation] {
        if (operation->status().isOk()) {
            statusBar()->showMessage(tr("Connected to %1 local workers").arg(m_session->workers().size()), MessageMillis);
        } else {
            statusBar()->clearMessage();
            QMessageBox::critical(this, tr("Local cluster"), operation->status().message());
        }
    });
    return operation;
}

Operation *MainWindow::addLocalWorker()
{
    Operation *operation = m_session->addLocalWorker(m_localCluster);
    m_statusBar->watch(operation);
    whenFinished(operation, this, [this, operation] {
        statusBar()->showMessage(operation->status().isOk()
                                     ? tr("A local worker joined; Rebalance gives it blocks, later work uses it anyway")
                                     : operation->status().message(),
                                 MessageMillis);
    });
    return operation;
}

Operation *MainWindow::connectToWorkers(const QStringList &addresses, const QByteArray &token)
{
    Operation *operation = m_session->connectToWorkers(addresses, token);
    m_statusBar->watch(operation);
    whenFinished(operation, this, [this, operation] {
        if (operation->status().isOk())
            statusBar()->showMessage(tr("Connected to %1 workers").arg(m_session->workers().size()), MessageMillis);
        else
            QMessageBox::warning(this, tr("Connect"), operation->status().message());
    });
    return operation;
}

Operation *MainWindow::load(const LoadRequest &request)
{
    Operation *operation = m_session->load(request);
    watchLoad(operation, request);
    return operation;
}

void MainWindow::watchLoad(Operation *operation, const LoadRequest &request)
{
    m_statusBar->watch(operation);
    // The block map fills in live as blocks are stored.
    m_blockMapView->showArray(request.name);
    findChild<QDockWidget *>(u"blockMapDock"_s)->raise();
    whenFinished(operation, this, [this, operation, request] { loadFinished(operation, request); });
}

void MainWindow::loadFinished(Operation *operation, const LoadRequest &request)
{
    if (!operation->status().isOk()) {
        statusBar()->showMessage(operation->status().message(), MessageMillis);
        return;
    }
    OperationReport report = withoutTasks(operation->report());
    if (report.text.isEmpty())
        report.text = tr("load %1 as %2").arg(request.variable, request.name);
    recordReport(report);
    m_taskStreamView->showReport(operation->report(), m_session->workers());
    m_blockMapView->showArray(request.name);
    if (!m_runner->isRunning())
        m_experiment.load = request;
    statusBar()->showMessage(tr("%1 is in memory (%2 s)").arg(request.name).arg(report.wallSeconds, 0, 'f', 2), MessageMillis);
    updateActions();
}

Operation *MainWindow::runStatement(const QString &statement)
{
    Operation *operation = m_session->evaluate(statement);
    m_statusBar->watch(operation);
    whenFinished(operation, this, [this, operation, statement] { statementDone(operation, statement); });
    return operation;
}

void MainWindow::statementDone(Operation *operation, const QString &statement)
{
    const Status &status = operation->status();
    if (!status.isOk()) {
        m_console->addError(statement, (status.code() == ErrorCode::Cancelled) ? tr("Cancelled") : status.message());
        Q_EMIT statementFinished(operation, statement);
        return;
    }

    OperationReport report = withoutTasks(operation->report());
    if (report.text.isEmpty())
        report.text = statement;
    if (operation->kind() == Operation::Kind::Evaluate) {
        m_console->addResult(statement, operation->result(), report.wallSeconds);
        m_resultView->showResult(operation->result(), statement);
    } else {
        m_console->addMessage(statement, report.text, report.wallSeconds); // a command, e.g. rebalance()
    }
    recordReport(report);
    m_taskStreamView->showReport(operation->report(), m_session->workers());
    findChild<QDockWidget *>(u"resultDock"_s)->raise();
    if (!m_runner->isRunning() && !m_experiment.statements.contains(statement))
        m_experiment.statements << statement;
    updateActions();
    Q_EMIT statementFinished(operation, statement);
}

// What the rebuild of a lost worker's blocks did shows as an operation of its own: in the status
// bar, the timings and the task stream (its tasks as rebuilds).
void MainWindow::recoveryFinished(Operation *recovery)
{
    const OperationReport &report = recovery->report();
    const bool rebuilt = recovery->status().isOk();
    const QString outcome = rebuilt ? tr("done in %1").arg(viewstyle::formatSeconds(report.wallSeconds))
                                    : tr("%1; the workspace marks the damaged arrays").arg(recovery->status().message());
    statusBar()->showMessage(tr("%1: %2").arg(report.text, outcome), MessageMillis);
    m_console->addEvent(report.text, outcome, !rebuilt);
    m_timingsView->addReport(report, m_runLabel); // not the experiment's: nobody asked for it
    m_taskStreamView->showReport(report, m_session->workers());
}

void MainWindow::recordReport(const OperationReport &report)
{
    m_timingsView->addReport(report, m_runLabel);
    if (m_experiment.runs.empty() || (m_experiment.runs.back().label != m_runLabel))
        m_experiment.runs.push_back({m_runLabel, {}});
    m_experiment.runs.back().reports.push_back(withoutTasks(report)); // what the timing table compares
}

void MainWindow::arraysChanged()
{
    std::vector<ArrayMeta> arrays;
    for (const QString &name : m_session->arrayNames()) {
        if (const ArrayInfo *info = m_session->array(name)) {
            arrays.push_back(info->meta);
            arrays.back().name = name;
        }
    }
    m_console->setArrays(arrays);
    updateActions();
}

void MainWindow::startDemo(const QString &directory, const SampleDataOptions &options, const QString &variable, LoadMode mode)
{
    // The writer calls back from its own thread; the window polls the count instead of being called.
    auto filesDone = std::make_shared<std::atomic<int>>(0);
    auto *poll = new QTimer(this);
    const QString text = tr("Writing sample data");
    connect(poll, &QTimer::timeout, this,
            [this, filesDone, options, text] { m_statusBar->showProgress(filesDone->load(), options.days, text); });
    poll->start(200);
    m_statusBar->showProgress(0, options.days, text);

    runInBackground(
        this,
        [directory, options, filesDone] {
        return writeSampleData(directory, options, [filesDone](int done, int) { filesDone->store(done); });
        },
        [this, poll, variable, mode](Result<QStringList> files) {
        poll->deleteLater();
        m_statusBar->showProgress(0, 0, QString());
        if (!files) {
            QMessageBox::critical(this, tr("Sample data"), files.status().message());
            return;
        }
        LoadRequest request;
        request.name = u"x"_s;
        request.files = *files;
        request.variable = variable;
        request.mode = mode;
        Operation *operation = load(request);
        whenFinished(operation, this, [this, operation, variable] {
            if (!operation->status().isOk()) {
                QMessageBox::critical(this, tr("Sample data"), operation->status().message());
                return;
            }
            const ArrayInfo *x = m_session->array(u"x"_s);
            m_console->setExamples(ConsoleWidget::seedExamples(x ? &x->meta : nullptr));
            m_console->setFocus();
            // Kept until the next message: it is the first thing a new user should read.
            statusBar()->showMessage(tr("x is %1 of the sample data: click an example in the console to run it.").arg(variable));
            Q_EMIT demoReady();
        });
    });
}

} // namespace tessera::ui
