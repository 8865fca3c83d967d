// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/experiment.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QDialog;
class QDockWidget;
class QTableView;

namespace tessera::ui {

class BlockMapView;
class ClusterModel;
class ClusterView;
class ClusterStatusBar;
class ConnectDialog;
class ConsoleWidget;
class ResultView;
class ScatterWizard;
class TaskStreamView;
class TimingsView;
class WorkspaceModel;

// The workbench: docks over one cluster session (cluster, workspace, console, result, timings,
// block map, task stream) that the user can rearrange; the layout is kept in QSettings. Work on
// the cluster is asynchronous: operations report into the status bar and can be cancelled, and
// each finished one is routed to the views that show it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // The session and local cluster belong to the caller and must outlive the window.
    MainWindow(tessera::ClusterSession *session, tessera::LocalCluster *localCluster, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts local workers and connects to them. Returns the connect operation, or null when
    // the workers did not start (the reason is shown).
    tessera::Operation *startLocalCluster(const tessera::LocalClusterOptions &options);
    tessera::Operation *connectToWorkers(const QStringList &addresses, const QByteArray &token);
    // One more local worker joins the session (the cluster view's Add local worker).
    tessera::Operation *addLocalWorker();
    // Scatters files without the wizard; progress in the status bar.
    tessera::Operation *load(const tessera::LoadRequest &request);
    tessera::Operation *runStatement(const QString &statement);
    // "Save array as Zarr...": the dialog for `name` (the workspace's selected array when empty),
    // which runs the save(...) statement it makes. Null when there is no array.
    QDialog *openSaveZarrDialog(const QString &name = {});
    // Writes sample days into `directory` (kept when present) in the background, then scatters
    // `variable` of them as x; emits demoReady() when x is in memory.
    // Workers read the files themselves unless `mode` says otherwise (remote workers that do
    // not see this computer's cache folder).
    void startDemo(const QString &directory, const tessera::SampleDataOptions &options,
                   const QString &variable = QStringLiteral("t2m"), tessera::LoadMode mode = tessera::LoadMode::Workers);

    // Non-modal, deleted on close; pre-filled with `paths` (files or folders).
    ScatterWizard *openScatterWizard(const QStringList &paths = {});
    ConnectDialog *openConnectDialog();

    tessera::Status openExperimentFile(const QString &path);
    tessera::Status saveExperimentFile(const QString &path);
    const Experiment &experiment() const { return m_experiment; }
    void runAll();

    ConsoleWidget *consoleWidget() const { return m_console; }
    ResultView *resultView() const { return m_resultView; }
    TimingsView *timingsView() const { return m_timingsView; }
    BlockMapView *blockMapView() const { return m_blockMapView; }
    TaskStreamView *taskStreamView() const { return m_taskStreamView; }
    ClusterModel *clusterModel() const { return m_clusterModel; }
    ClusterView *clusterView() const { return m_clusterView; }
    WorkspaceModel *workspaceModel() const { return m_workspaceModel; }
    QTableView *workspaceTable() const { return m_workspaceTable; }
    ClusterStatusBar *clusterStatusBar() const { return m_statusBar; }

Q_SIGNALS:
    void demoReady();
    // After each statement the window ran (console, examples, Run all) has been routed.
    void statementFinished(tessera::Operation *operation, const QString &statement);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QDockWidget *addDock(QWidget *widget, const QString &title, const QString &objectName, Qt::DockWidgetArea area);
    void createDocks();
    void createMenus();
    void restoreLayout();
    void resetLayout();

    void watchLoad(tessera::Operation *operation, const tessera::LoadRequest &request);
    void loadFinished(tessera::Operation *operation, const tessera::LoadRequest &request);
    void statementDone(tessera::Operation *operation, const QString &statement);
    void recordReport(const tessera::OperationReport &report);
    void recoveryFinished(tessera::Operation *recovery);
    void arraysChanged();
    void updateActions();
    void updateTitle();

    void exportResult(bool pdf);
    void exportTimings();
    void chooseExperimentToOpen();
    void chooseExperimentToSave();
    void showAbout();

    tessera::ClusterSession *m_session = nullptr;
    tessera::LocalCluster *m_localCluster = nullptr;
    ExperimentRunner *m_runner = nullptr;
    Experiment m_experiment;
    QString m_experimentPath;
    QString m_runLabel;

    ClusterModel *m_clusterModel = nullptr;
    WorkspaceModel *m_workspaceModel = nullptr;
    QTableView *m_clusterTable = nullptr;
    ClusterView *m_clusterView = nullptr;
    QTableView *m_workspaceTable = nullptr;
    ConsoleWidget *m_console = nullptr;
    ResultView *m_resultView = nullptr;
    TimingsView *m_timingsView = nullptr;
    BlockMapView *m_blockMapView = nullptr;
    TaskStreamView *m_taskStreamView = nullptr;
    ClusterStatusBar *m_statusBar = nullptr;
    QPointer<ScatterWizard> m_wizard;
    QPointer<ConnectDialog> m_connectDialog;
    QByteArray m_defaultState;

    QAction *m_runAllAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_scatterAction = nullptr;
    QAction *m_exportPngAction = nullptr;
    QAction *m_exportPdfAction = nullptr;
    QAction *m_exportCsvAction = nullptr;
    QAction *m_saveZarrAction = nullptr;
    QMenu *m_viewMenu = nullptr;
};

} // namespace tessera::ui
