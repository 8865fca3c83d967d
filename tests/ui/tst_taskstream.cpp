// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The task stream on hand-built reports: every task drawn and found under the mouse, a row per
// worker thread, and a graph of many thousand tasks drawn as merged slivers without hiding gaps.

#include "screenshots.h"
#include "viewtestdata.h"

#include "ui/style/viewstyle.h"
#include "ui/views/taskstreamview.h"

#include <QTest>

#include <qcustomplot.h>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace tessera::ui;
using namespace viewtestdata;

namespace {

// One worker thread running two groups of `perGroup` compute tasks of 10 µs each, 10 µs apart,
// the second group 400 ms after the first starts: slivers that touch at full view, with a gap
// between the groups that no merge may fill.
tessera::OperationReport denseReport(int perGroup)
{
    tessera::OperationReport report;
    report.text = u"z = r + 1"_s;
    for (int i = 0; i < 2 * perGroup; ++i) {
        tessera::TaskRecord task;
        task.taskId = i;
        task.kind = tessera::TaskKind::Binary;
        task.worker = 0;
        task.startMicros = std::int64_t(i % perGroup) * 20 + (i < perGroup ? 0 : 400000);
        task.endMicros = task.startMicros + 10;
        task.outputKey = u"op1.n0:%1.0.0"_s.arg(i);
        report.tasks.push_back(task);
    }
    report.wallSeconds = 0.4 + perGroup * 20e-6;
    return report;
}

// The colour painted at a time on the plot's first row, halfway up the bar.
QColor colourAt(const QImage &image, const QCustomPlot *plot, double millis)
{
    const QPoint pixel(int(std::lround(plot->xAxis->coordToPixel(millis))), int(std::lround(plot->yAxis->coordToPixel(0))));
    return image.pixelColor(pixel);
}

} // namespace

class TestTaskStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drawsEveryTask();
    void manyTasksMergeButGapsStay();
};

void TestTaskStream::drawsEveryTask()
{
    TaskStreamView view;
    present(&view, QSize(1000, 420));
    const std::vector<tessera::WorkerInfo> infos = workers(4, 2);
    const tessera::OperationReport mean = meanAxis0Report();
    view.showReport(mean, infos);
    QCOMPARE(view.drawnTaskCount(), int(mean.tasks.size()));
    // Hovering the middle of a task finds it: rows are worker-major, thread-minor.
    const tessera::TaskRecord &last = mean.tasks.back();
    const QPointF centre(view.plot()->xAxis->coordToPixel((last.startMicros + last.endMicros) / 2000.0),
                         view.plot()->yAxis->coordToPixel(last.worker * 2 + last.thread));
    const tessera::TaskRecord *found = view.taskAt(centre);
    QVERIFY(found);
    QCOMPARE(found->outputKey, last.outputKey);
    QVERIFY(view.describeTask(*found).contains(u"fetched 16.6 MB"));
    saveScreenshot(&view, u"taskstream-mean"_s);

    // A small task the worker ran on its socket thread (numbered one past its 2 kernel threads)
    // gets a row of its own, named for that thread.
    tessera::OperationReport small = mean;
    small.tasks.back().thread = 2;
    view.showReport(small, infos);
    QVERIFY2(view.describeTask(small.tasks.back()).contains(u"socket thread"_s),
             qPrintable(view.describeTask(small.tasks.back())));
    const auto rows = qSharedPointerDynamicCast<QCPAxisTickerText>(view.plot()->yAxis->ticker());
    QVERIFY(rows);
    QCOMPARE(std::count_if(rows->ticks().cbegin(), rows->ticks().cend(),
                           [](const QString &label) { return label.endsWith(u"· socket thread"_s); }),
             1);
    QVERIFY(view.describeTask(mean.tasks.front()).contains(u" thread %1 "_s.arg(mean.tasks.front().thread)));

    const tessera::OperationReport load = loadReport();
    view.showReport(load, infos);
    QCOMPARE(view.drawnTaskCount(), int(load.tasks.size()));
    view.showReport({}, infos);
    QCOMPARE(view.drawnTaskCount(), 0);
}

void TestTaskStream::manyTasksMergeButGapsStay()
{
    TaskStreamView view;
    present(&view, QSize(1000, 300));
    const tessera::OperationReport report = denseReport(10000); // each group 200 ms
    view.showReport(report, workers(1, 1));
    QCOMPARE(view.drawnTaskCount(), int(report.tasks.size()));
    QCustomPlot *plot = view.plot();
    const QColor compute = viewstyle::taskKindColor(tessera::TaskKind::Partial); // the compute family's colour

    // At full view 10,000 tasks share ~300 pixels: a solid bar per group, and the gap between them.
    QImage image = plot->toPixmap().toImage();
    for (const double millis : {10.0, 100.0, 190.0, 410.0, 500.0, 590.0})
        QCOMPARE(colourAt(image, plot, millis), compute);
    QVERIFY2(colourAt(image, plot, 300) != compute, "the gap between the groups was painted over");
    saveScreenshot(&view, u"taskstream-dense"_s);

    // Zoomed in until a task and the pause after it are 4 pixels each: slivers that do not touch
    // stay apart.
    plot->xAxis->setRange(1.0, 1.0 + 20e-3 * plot->axisRect()->width() / 8);
    plot->replot(QCustomPlot::rpImmediateRefresh);
    image = plot->toPixmap().toImage();
    QCOMPARE(colourAt(image, plot, 1.205), compute); // task 60 runs 1.200-1.210 ms
    QVERIFY2(colourAt(image, plot, 1.215) != compute, "the pause between two tasks was painted over");

    // Wider still, each is a bar of its own and is found under the mouse.
    plot->xAxis->setRange(1.0, 1.4);
    plot->replot(QCustomPlot::rpImmediateRefresh);
    const auto at = [plot](double millis) {
        return QPointF(plot->xAxis->coordToPixel(millis), plot->yAxis->coordToPixel(0));
    };
    const tessera::TaskRecord *found = view.taskAt(at(1.205));
    QVERIFY(found);
    QCOMPARE(found->taskId, 60);
    QCOMPARE(view.taskAt(at(1.215)), nullptr);
}

QTEST_MAIN(TestTaskStream)
#include "tst_taskstream.moc"
