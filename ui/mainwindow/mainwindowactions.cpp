// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The main window's menus and the commands behind them (dialogs, experiments, exports);
// mainwindow.cpp holds the docks and the routing of operations.

#include "ui/mainwindow/mainwindow.h"

#include "ui/connect/connectdialog.h"
#include "ui/console/consolewidget.h"
#include "ui/mainwindow/clusterstatusbar.h"
#include "ui/models/workspacemodel.h"
#include "ui/save/savezarrdialog.h"
#include "ui/scatter/scatterwizard.h"
#include "ui/views/clusterview.h"
#include "ui/views/resultview.h"
#include "ui/views/timingsview.h"

#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
QString experimentFilter()
{
    return MainWindow::tr("Tessera experiments (*.tessera.json *.json)");
}
} // namespace

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *connectAction = file->addAction(tr("&Connect..."), this, [this] { openConnectDialog(); });
    connectAction->setShortcut(Qt::CTRL | Qt::Key_K);
    QAction *localAction = file->addAction(tr("Start &local cluster"), this,
                                           [this] { startLocalCluster(ConnectProfile::lastUsed().localOptions()); });
    localAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    file->addAction(tr("&Disconnect"), this, [this] { m_session->disconnectAll(); });
    file->addSeparator();
    m_scatterAction = file->addAction(tr("&Scatter files..."), this, [this] { openScatterWizard(); });
    m_scatterAction->setShortcut(Qt::CTRL | Qt::Key_I);
    file->addSeparator();
    file->addAction(tr("&Open experiment..."), QKeySequence::Open, this, &MainWindow::chooseExperimentToOpen);
    file->addAction(tr("Sa&ve experiment..."), QKeySequence::Save, this, &MainWindow::chooseExperimentToSave);
    file->addSeparator();
    m_exportPngAction = file->addAction(tr("Export result as &PNG..."), this, [this] { exportResult(false); });
    m_exportPngAction->setShortcut(Qt::CTRL | Qt::Key_E);
    m_exportPdfAction = file->addAction(tr("Export result as P&DF..."), this, [this] { exportResult(true); });
    m_exportCsvAction = file->addAction(tr("Export &timings as CSV..."), this, &MainWindow::exportTimings);
    m_saveZarrAction = file->addAction(tr("Save array as &Zarr..."), this, [this] { openSaveZarrDialog(); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_runAllAction = run->addAction(tr("Run &all"), this, &MainWindow::runAll);
    m_runAllAction->setShortcut(Qt::CTRL | Qt::Key_R);
    m_runAllAction->setToolTip(tr("Scatter the experiment's files again and run its statements, as a new run"));
    m_cancelAction = run->addAction(tr("&Cancel"), this, [this] {
        m_runner->cancel();
        m_statusBar->cancelAll();
    });
    m_cancelAction->setShortcut(Qt::Key_Escape);
    run->addSeparator();
    run->addAction(
           tr("Focus the &console"), this,
           [this] {
        findChild<QDockWidget *>(u"consoleDock"_s)->raise();
        m_console->setFocus();
           })
        ->setShortcut(Qt::CTRL | Qt::Key_L);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    int key = Qt::Key_1;
    for (QDockWidget *dock : findChildren<QDockWidget *>(Qt::FindDirectChildrenOnly)) {
        QAction *toggle = dock->toggleViewAction();
        toggle->setShortcut(Qt::ALT | Qt::Key(key++));
        m_viewMenu->addAction(toggle);
    }
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Tessera"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);

    updateActions();
}

void MainWindow::updateActions()
{
    if (!m_runAllAction)
        return; // called while the docks are being built
    m_runAllAction->setEnabled(!m_experiment.isEmpty() && !m_runner->isRunning());
    m_cancelAction->setEnabled(m_statusBar->hasRunningOperations() || m_runner->isRunning());
    m_exportCsvAction->setEnabled(m_timingsView->rowCount() > 0);
    m_saveZarrAction->setEnabled(!m_session->arrayNames().empty());
    m_clusterView->setClusterState(m_localCluster->isRunning(), m_session->isConnected());
}

QDialog *MainWindow::openSaveZarrDialog(const QString &name)
{
    QString array = name;
    if (array.isEmpty() && m_workspaceTable->currentIndex().isValid())
        array = m_workspaceModel->arrayNameAt(m_workspaceTable->currentIndex().row());
    if (array.isEmpty() && !m_session->arrayNames().empty())
        array = m_session->arrayNames().front();
    if (array.isEmpty())
        return nullptr;
    auto *dialog = new SaveZarrDialog(array, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { runStatement(dialog->statement()); });
    dialog->open();
    return dialog;
}

void MainWindow::updateTitle()
{
    const QString name = m_experimentPath.isEmpty() ? tr("Untitled experiment") : QFileInfo(m_experimentPath).fileName();
    setWindowTitle(tr("%1 - Tessera").arg(name));
}

ConnectDialog *MainWindow::openConnectDialog()
{
    if (m_connectDialog) {
        m_connectDialog->raise();
        m_connectDialog->activateWindow();
        return m_connectDialog;
    }
    auto *dialog = new ConnectDialog(m_session, m_localCluster, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this] { statusBar()->showMessage(tr("Connected to %1 workers").arg(m_session->workers().size()), 10000); });
    m_connectDialog = dialog;
    dialog->open();
    return dialog;
}

ScatterWizard *MainWindow::openScatterWizard(const QStringList &paths)
{
    if (!m_session->isConnected()) {
        // Files dropped before connecting are not lost: the wizard opens once connected.
        ConnectDialog *dialog = openConnectDialog();
        connect(dialog, &QDialog::accepted, this, [this, paths] { openScatterWizard(paths); });
        statusBar()->showMessage(tr("Connect to a cluster first; the wizard opens then."), 10000);
        return nullptr;
    }
    if (m_wizard) {
        m_wizard->addFiles(paths);
        m_wizard->raise();
        m_wizard->activateWindow();
        return m_wizard;
    }
    auto *wizard = new ScatterWizard(m_session, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->addFiles(paths);
    if (m_experiment.load)
        wizard->presetLayout(*m_experiment.load);
    connect(wizard, &ScatterWizard::loadStarted, this, &MainWindow::watchLoad);
    m_wizard = wizard;
    wizard->show();
    return wizard;
}

void MainWindow::runAll()
{
    if (m_experiment.isEmpty()) {
        statusBar()->showMessage(tr("Nothing to run yet: scatter files and run statements, or open an experiment."), 10000);
        return;
    }
    if (!m_session->isConnected()) {
        ConnectDialog *dialog = openConnectDialog();
        connect(dialog, &QDialog::accepted, this, &MainWindow::runAll);
        return;
    }
    // A run that recorded nothing yet keeps its label; otherwise this is the next run.
    const bool currentRunUsed = !m_experiment.runs.empty() && (m_experiment.runs.back().label == m_runLabel);
    if (currentRunUsed)
        m_runLabel = tr("run %1").arg(m_experiment.runs.size() + 1);
    m_runner->start(m_experiment);
    updateActions();
}

Status MainWindow::openExperimentFile(const QString &path)
{
    Result<Experiment> experiment = openExperiment(path);
    if (!experiment)
        return experiment.status();

    m_experiment = std::move(*experiment);
    m_experimentPath = path;
    m_timingsView->clearHistory();
    for (const TimingRun &run : m_experiment.runs) {
        for (const OperationReport &report : run.reports)
            m_timingsView->addReport(report, run.label);
    }
    m_runLabel = tr("run %1").arg(m_experiment.runs.size() + 1);
    m_console->setExamples(m_experiment.statements.isEmpty() ? ConsoleWidget::seedExamples() : m_experiment.statements);
    updateTitle();
    updateActions();
    statusBar()->showMessage(
        tr("Opened %1: Run all (Ctrl+R) scatters its files and runs its statements again.").arg(QFileInfo(path).fileName()),
        10000);
    return Status::ok();
}

Status MainWindow::saveExperimentFile(const QString &path)
{
    TESSERA_RETURN_IF_ERROR(saveExperiment(path, m_experiment));
    m_experimentPath = path;
    updateTitle();
    return Status::ok();
}

void MainWindow::chooseExperimentToOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(), experimentFilter());
    if (path.isEmpty())
        return;
    if (const Status status = openExperimentFile(path); !status.isOk())
        QMessageBox::warning(this, tr("Open experiment"), status.message());
}

void MainWindow::chooseExperimentToSave()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save experiment"),
                                                m_experimentPath.isEmpty() ? u"experiment.tessera.json"_s : m_experimentPath,
                                                experimentFilter());
    if (path.isEmpty())
        return;
    if (const Status status = saveExperimentFile(path); !status.isOk())
        QMessageBox::warning(this, tr("Save experiment"), status.message());
}

void MainWindow::exportResult(bool pdf)
{
    const QString path =
        QFileDialog::getSaveFileName(this, pdf ? tr("Export result as PDF") : tr("Export result as PNG"),
                                     pdf ? u"result.pdf"_s : u"result.png"_s, pdf ? tr("PDF (*.pdf)") : tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const bool written = pdf ? m_resultView->exportPdf(path) : m_resultView->exportPng(path);
    if (!written)
        QMessageBox::warning(this, tr("Export result"), tr("Could not write %1.").arg(path));
}

void MainWindow::exportTimings()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export timings as CSV"), u"timings.csv"_s, tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (!m_timingsView->exportCsv(path))
        QMessageBox::warning(this, tr("Export timings"), tr("Could not write %1.").arg(path));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tessera"),
                       tr("<h3>Tessera %1</h3>"
                          "<p>Array experiments on a cluster of worker processes, and seeing them: "
                          "where every block lives, how long every operation took and why.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace tessera::ui
