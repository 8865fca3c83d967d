// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The GUI path against the CLI path, in one run on the same workers: each seed statement run
// through a bare ClusterSession (what tessera-cli does) and typed into the workbench's console,
// by turns.
// Prints per statement the CLI's wall time, the GUI's (as its timings view shows it), and how long
// the user waits from Return until the window has painted the answer. With --views, also how long
// the views take to show and draw the last statement: the result view and the timings, and the two
// that grow with the graph, the task stream (a bar per task) and the block map (a cell per block).
//
//   bench_gui_path DATA_DIR [--workers N] [--repeat K] [--statement S]... [--views [--history N]] [--grab PNG]
//   (under xvfb-run, or with QT_QPA_PLATFORM=offscreen)

#include "core/blockallocator.h"
#include "core/io/filediscovery.h"
#include "core/timedruns.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"
#include "net/session/operation.h"
#include "ui/console/consolewidget.h"
#include "ui/console/expressionedit.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/views/blockmapview.h"
#include "ui/views/resultview.h"
#include "ui/views/taskstreamview.h"
#include "ui/views/timingsview.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

std::vector<QString> statements{u"x[0,0,0]"_s,       u"x[100,:,:]"_s,       u"x.sum()"_s,      u"x.mean(axis=(1,2))"_s,
                                u"x.mean(axis=0)"_s, u"y = x - x.mean()"_s, u"x.std(axis=0)"_s};

struct Runs
{
    std::vector<double> reported; // the operation's own wall time, as the timings view shows it
    std::vector<double> waited;   // from Return to the answer painted (GUI) or returned (CLI)
    OperationReport lastReport;   // of the last run in the window
    EvaluationResult lastResult;  // its value, as the result view got it
    QString lastArray;            // the array it stored, if any
};

// As a user reads one answer before typing the next statement: the window's refreshes after an
// operation (worker status, views) finish meanwhile, as they do for a user.
void pause()
{
    QTest::qWait(500);
}

bool check(const Status &status, const char *what)
{
    if (!status.isOk())
        std::fprintf(stderr, "bench_gui_path: %s: %s\n", what, qPrintable(status.message()));
    return status.isOk();
}

LoadRequest loadRequest(const QStringList &files)
{
    LoadRequest request;
    request.files = files;
    request.variable = u"t2m"_s;
    return request;
}

// What tessera-cli does for one statement: evaluate, wait, done.
bool runBare(ClusterSession &session, const QString &statement, Runs &runs)
{
    QElapsedTimer clock;
    clock.start();
    Operation *operation = session.evaluate(statement);
    const bool ok = check(waitForOperation(operation), qPrintable(statement));
    runs.waited.push_back(double(clock.nsecsElapsed()) / 1e9);
    runs.reported.push_back(operation->report().wallSeconds);
    delete operation;
    return ok;
}

// Types the statement, presses Return, waits for the window to announce the answer, then lets
// it handle what that set going (the paint of the answer): what the user waits for.
bool runTyped(ui::MainWindow &window, const QString &statement, Runs &runs)
{
    std::optional<double> reported;
    const QMetaObject::Connection reading =
        QObject::connect(&window, &ui::MainWindow::statementFinished, [&](Operation *operation, const QString &) {
            reported = operation->status().isOk() ? operation->report().wallSeconds : -1;
            runs.lastReport = operation->report();
            runs.lastArray = operation->result().arrayName;
            runs.lastResult = operation->result();
        });
    ui::ExpressionEdit *edit = window.consoleWidget()->expressionEdit();
    edit->setText(statement);
    QElapsedTimer clock;
    clock.start();
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    while (!reported)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    QCoreApplication::processEvents(); // what the answer set going: the window's paint among it
    runs.waited.push_back(double(clock.nsecsElapsed()) / 1e9);
    QObject::disconnect(reading);
    runs.reported.push_back(*reported);
    if (*reported < 0)
        std::fprintf(stderr, "bench_gui_path: %s failed in the window\n", qPrintable(statement));
    return *reported >= 0;
}

double millisOf(const std::function<void()> &work)
{
    QElapsedTimer clock;
    clock.start();
    work();
    return double(clock.nsecsElapsed()) / 1e6;
}

void printMedian(const char *what, const std::vector<double> &millis)
{
    const auto [least, most] = std::minmax_element(millis.begin(), millis.end());
    std::printf("%-44s %8.1f ms (median of %zu; %.1f-%.1f)\n", what, medianOf(millis), millis.size(), *least, *most);
}

// Each view raised in its dock and drawn as the window draws it after a statement: the new
// content set, then painted at once (repaint, not update, so the clock sees the paint).
void timeViews(ui::MainWindow &window, const std::vector<WorkerInfo> &workers, const Runs &last, int repeat, int history)
{
    ui::TaskStreamView *stream = window.taskStreamView();
    ui::BlockMapView *blockMap = window.blockMapView();
    for (QWidget *view : {static_cast<QWidget *>(stream), static_cast<QWidget *>(blockMap)}) {
        if (auto *dock = qobject_cast<QDockWidget *>(view->parentWidget()))
            dock->raise();
    }
    QCoreApplication::processEvents();
    const OperationReport &report = last.lastReport;
    QCustomPlot *plot = stream->plot();
    const QPointF middle = plot->axisRect()->rect().center();
    std::vector<double> show, replot, hover, map, mapPaint, result, timings;
    // A long session: the timings already hold `history` other statements.
    for (int i = 0; i < history; ++i) {
        OperationReport other = withoutTasks(report);
        other.text = u"x.mean(axis=0) + %1"_s.arg(i);
        window.timingsView()->addReport(other, u"history"_s);
    }
    for (int run = 0; run < repeat; ++run) {
        result.push_back(millisOf([&] {
            window.resultView()->showResult(last.lastResult, report.text);
            window.resultView()->repaint();
        }));
        timings.push_back(millisOf([&] {
            window.timingsView()->addReport(report, u"views"_s);
            window.timingsView()->repaint();
        }));
        show.push_back(millisOf([&] {
            stream->showReport(report, workers); // replots
            plot->repaint();
        }));
        replot.push_back(millisOf([&] { plot->replot(QCustomPlot::rpImmediateRefresh); }));
        hover.push_back(millisOf([&] { stream->taskAt(middle); }));
        map.push_back(millisOf([&] {
            blockMap->showArray(last.lastArray);
            blockMap->repaint();
        }));
        mapPaint.push_back(millisOf([&] { blockMap->repaint(); }));
        QCoreApplication::processEvents();
    }
    std::printf("\nviews, %zu tasks (%d drawn), array %s:\n", report.tasks.size(), stream->drawnTaskCount(),
                last.lastArray.isEmpty() ? "none" : qPrintable(last.lastArray));
    printMedian("result view: the answer shown, drawn", result);
    printMedian("timings view: one more report, drawn", timings);
    printMedian("task stream: new report, drawn", show);
    printMedian("task stream: drawn again (a zoom)", replot);
    printMedian("task stream: the task under the mouse found", hover);
    printMedian("block map: array shown, drawn", map);
    printMedian("block map: drawn again", mapPaint);
}

struct Measured
{
    std::vector<Runs> bare;
    std::vector<Runs> window;
};

// Both sessions on the same workers, each with its own x, run by turns: the workers' memory and
// the machine's load are the same for both.
std::optional<Measured> measure(const QStringList &files, int workers, int repeat, bool views, int history,
                                const QString &grabPath)
{
    ClusterSession bare;
    LocalCluster cluster;
    LocalClusterOptions options;
    options.workers = workers;
    if (!check(waitForOperation(bare.connectToLocalCluster(&cluster, options)), "connect")
        || !check(waitForOperation(bare.load(loadRequest(files))), "load"))
        return std::nullopt;
    ClusterSession windowSession;
    LocalCluster unused; // the window's own local cluster stays stopped
    ui::MainWindow window(&windowSession, &unused);
    window.resize(1600, 1000);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)
        || !check(waitForOperation(window.connectToWorkers(cluster.addresses(), {})), "connect the window")
        || !check(waitForOperation(window.load(loadRequest(files))), "load in the window"))
        return std::nullopt;
    Measured measured{std::vector<Runs>(statements.size()), std::vector<Runs>(statements.size())};
    for (std::size_t i = 0; i < statements.size(); ++i) {
        for (int run = 0; run < repeat; ++run) {
            pause();
            if (!runBare(bare, statements[i], measured.bare[i]))
                return std::nullopt;
            pause();
            if (!runTyped(window, statements[i], measured.window[i]))
                return std::nullopt;
        }
    }
    if (views)
        timeViews(window, windowSession.workers(), measured.window.back(), std::max(repeat, 5), history);
    if (!grabPath.isEmpty() && !window.grab().save(grabPath))
        std::fprintf(stderr, "bench_gui_path: cannot write %s\n", qPrintable(grabPath));
    cluster.stop();
    return measured;
}

// "after" is what the window does once the operation has finished, until the answer is painted:
// the waited time less the operation's own, run by run; it does not move with the statement's noise.
void printRows(const std::vector<Runs> &cli, const std::vector<Runs> &gui)
{
    std::printf("%-22s %10s %10s %10s %10s %10s %10s %9s %9s\n", "statement", "cli first", "cli rerun", "gui first", "gui rerun",
                "waited 1st", "waited", "+ms rerun", "after ms");
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const double cliRerun = rerunMedianOf(cli[i].reported);
        const double guiWaited = rerunMedianOf(gui[i].waited);
        std::vector<double> after(gui[i].waited.size());
        std::transform(gui[i].waited.begin(), gui[i].waited.end(), gui[i].reported.begin(), after.begin(), std::minus<>());
        std::printf("%-22s %10.4f %10.4f %10.4f %10.4f %10.4f %10.4f %9.1f %9.1f\n", qPrintable(statements[i]),
                    cli[i].reported.front(), cliRerun, gui[i].reported.front(), rerunMedianOf(gui[i].reported),
                    gui[i].waited.front(), guiWaited, 1e3 * (guiWaited - cliRerun), 1e3 * rerunMedianOf(after));
    }
}

} // namespace

int main(int argc, char **argv)
{
    blockallocator::tuneMalloc(); // as the workbench's main does
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the window's settings stay out of the user's
    QCommandLineParser parser;
    parser.addPositionalArgument(u"DATA_DIR"_s, u"Daily sample files (tessera-cli sample-data)."_s);
    parser.addOptions(
        {{u"workers"_s, u"Local workers (default 2)."_s, u"N"_s, u"2"_s},
         {u"repeat"_s, u"Runs per statement (default 5)."_s, u"K"_s, u"5"_s},
         {u"statement"_s, u"Run this statement instead of the seed's (repeatable)."_s, u"S"_s},
         {u"views"_s, u"Also time the views showing and drawing the last statement."_s},
         {u"history"_s, u"With --views, first give the timings N other statements, as a long session has."_s, u"N"_s, u"0"_s},
         {u"grab"_s, u"Save the window as PNG after the last statement."_s, u"PNG"_s}});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const Result<QStringList> files = discoverFiles(parser.positionalArguments().front());
    if (!check(files.status(), "files"))
        return 1;
    const int workers = std::max(1, parser.value(u"workers"_s).toInt());
    const int repeat = std::max(1, parser.value(u"repeat"_s).toInt());
    if (parser.isSet(u"statement"_s)) {
        const QStringList chosen = parser.values(u"statement"_s);
        statements.assign(chosen.begin(), chosen.end());
    }
    const std::optional<Measured> measured = measure(*files, workers, repeat, parser.isSet(u"views"_s),
                                                     std::max(0, parser.value(u"history"_s).toInt()), parser.value(u"grab"_s));
    if (!measured)
        return 1;
    printRows(measured->bare, measured->window);
    return 0;
}
