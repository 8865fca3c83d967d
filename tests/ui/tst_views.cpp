// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The result and block-map views on hand-built data, and the block map
// and result view against a real local cluster when one can be started. Each view is saved as PNG
// (see screenshots.h: into DIR with TESSERA_SCREENSHOTS=DIR, for a person to look at).

#include "screenshots.h"
#include "viewtestdata.h"

#include "core/io/sampledata.h"
#include "net/session/localcluster.h"
#include "ui/style/viewstyle.h"
#include "ui/views/blockmapcanvas.h"
#include "ui/views/blockmapview.h"
#include "ui/views/resultview.h"
#include "ui/views/taskstreamview.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using namespace tessera::ui;
using namespace viewtestdata;

Q_DECLARE_METATYPE(tessera::Axis)

class TestViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void heatmapEqualsValues_data();
    void heatmapEqualsValues();
    void heatmapOfGlobalField();
    void lineOnDateAxis_data();
    void lineOnDateAxis();
    void lineOnCoordinates();
    void scalarWithUnits();
    void stackOfMapsWithSlider();
    void ticksTellNarrowRangesApart();
    void eofPatternsWithTheirComponents();
    void distributedResult();
    void blockMapLanesAndColours_data();
    void blockMapLanesAndColours();
    void blockMapClickShowsBlock();
    void liveCluster();
    void longMessagesWrapInToolTips();
};

void TestViews::heatmapEqualsValues_data()
{
    QTest::addColumn<tessera::Axis>("rowAxis");
    QTest::addColumn<tessera::Axis>("columnAxis");
    QTest::newRow("latitude descending 60..-60") << latitude(steps(60, -30, 5)) << longitude(steps(0, 90, 4));
    QTest::newRow("latitude ascending -60..60") << latitude(steps(-60, 30, 5)) << longitude(steps(0, 90, 4));
    QTest::newRow("longitude descending") << latitude(steps(-60, 30, 5)) << longitude(steps(270, -90, 4));
    QTest::newRow("no coordinates") << axis(u"y"_s, {}, {}) << axis(u"x"_s, {}, {});
}

void TestViews::heatmapEqualsValues()
{
    QFETCH(tessera::Axis, rowAxis);
    QFETCH(tessera::Axis, columnAxis);
    const int rows = 5;
    const int columns = 4;
    const auto coordinate = [](const tessera::Axis &a, int i) {
        return a.values.empty() ? double(i) : a.values[std::size_t(i)];
    };
    std::vector<double> values;
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j)
            values.push_back(100 * i + j + 0.5);
    }
    ResultView view;
    view.showResult(gathered(u"r"_s, {rows, columns}, values, {rowAxis, columnAxis}), u"x.mean(axis=0)"_s);
    QCPColorMap *map = view.colorMap();
    QVERIFY(map);
    QCPColorMapData *data = map->data();
    QCOMPARE(data->keySize(), columns);
    QCOMPARE(data->valueSize(), rows);
    // Cell by cell: the cell at each value's coordinates holds that value.
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < columns; ++j) {
            int key = -1;
            int value = -1;
            data->coordToCell(coordinate(columnAxis, j), coordinate(rowAxis, i), &key, &value);
            QCOMPARE(data->cell(key, value), values[std::size_t(i * columns + j)]);
        }
    }
    // The bounds QCPColorMapData::recalculateDataBounds() would find.
    const auto [least, most] = std::minmax_element(values.begin(), values.end());
    QCOMPARE(data->dataBounds(), QCPRange(*least, *most));
    // North up, east right: the bottom-left cell is the smallest latitude and longitude.
    QVERIFY(!map->valueAxis()->rangeReversed());
    QVERIFY(!map->keyAxis()->rangeReversed());
    const bool rowsDescend = !rowAxis.values.empty() && rowAxis.values.back() < rowAxis.values.front();
    const bool columnsDescend = !columnAxis.values.empty() && columnAxis.values.back() < columnAxis.values.front();
    QCOMPARE(data->cell(0, 0), values[std::size_t((rowsDescend ? rows - 1 : 0) * columns + (columnsDescend ? columns - 1 : 0))]);
    // Axes span the coordinates plus half a cell each side, so edge cells show whole.
    const double rowLow = std::min(coordinate(rowAxis, 0), coordinate(rowAxis, rows - 1));
    const double rowHigh = std::max(coordinate(rowAxis, 0), coordinate(rowAxis, rows - 1));
    const double columnLow = std::min(coordinate(columnAxis, 0), coordinate(columnAxis, columns - 1));
    const double columnHigh = std::max(coordinate(columnAxis, 0), coordinate(columnAxis, columns - 1));
    QCOMPARE(data->valueRange(), QCPRange(rowLow, rowHigh));
    QCOMPARE(data->keyRange(), QCPRange(columnLow, columnHigh));
    const double rowHalf = (rowHigh - rowLow) / (rows - 1) / 2;
    const double columnHalf = (columnHigh - columnLow) / (columns - 1) / 2;
    QCOMPARE(map->valueAxis()->range(), QCPRange(rowLow - rowHalf, rowHigh + rowHalf));
    QCOMPARE(map->keyAxis()->range(), QCPRange(columnLow - columnHalf, columnHigh + columnHalf));
}

void TestViews::heatmapOfGlobalField()
{
    ResultView view;
    present(&view, QSize(900, 520));
    const tessera::EvaluationResult result = temperatureMap(2.5);
    view.showResult(result, u"x.mean(axis=0)"_s);
    QCPColorMap *map = view.colorMap();
    QVERIFY(map);
    QCOMPARE(map->data()->keySize(), 144);
    QCOMPARE(map->data()->valueSize(), 73);
    // North pole row (stored first) lands at the top of the map.
    QCOMPARE(map->data()->cell(10, 72), result.value.at(10));
    QCOMPARE(map->data()->cell(10, 0), result.value.at(72 * 144 + 10));
    QVERIFY(map->colorScale());
    QVERIFY(map->colorScale()->axis()->label().contains(u"(K)"));
    QVERIFY(map->keyAxis()->label().contains(u"°E"));
    QVERIFY(map->valueAxis()->label().contains(u"°N"));

    // Hover readout: the cell under the mouse, with coordinates and units.
    QSignalSpy readouts(&view, &ResultView::readoutChanged);
    const QPoint over(int(map->keyAxis()->coordToPixel(180)), int(map->valueAxis()->coordToPixel(45)));
    QTest::mouseMove(view.plot(), over);
    QTRY_VERIFY(!readouts.isEmpty());
    const QString readout = readouts.last().first().toString();
    QVERIFY2(readout.contains(u"180") && readout.contains(u"45") && readout.contains(u" K"), qPrintable(readout));
    saveScreenshot(&view, u"result-heatmap"_s);

    view.setGradient(QCPColorGradient::gpJet);
    QCOMPARE(view.gradient(), QCPColorGradient::gpJet);
    QCOMPARE(map->gradient().color(1.0, QCPRange(0, 1)), QCPColorGradient(QCPColorGradient::gpJet).color(1.0, QCPRange(0, 1)));

    QTemporaryDir directory;
    QVERIFY(view.exportPng(directory.filePath(u"map.png"_s)));
    QVERIFY(!QImage(directory.filePath(u"map.png"_s)).isNull());
    QVERIFY(view.exportPdf(directory.filePath(u"map.pdf"_s)));
    QFile pdf(directory.filePath(u"map.pdf"_s));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5).startsWith("%PDF"));

    // Anomalies (both signs) get the diverging gradient centred on zero.
    ResultView anomalies;
    tessera::EvaluationResult anomaly = result;
    std::vector<double> centred(std::size_t(result.value.size()));
    for (std::size_t i = 0; i < centred.size(); ++i)
        centred[i] = result.value.at(std::int64_t(i)) - 278;
    anomaly.value = tessera::NdArray::fromVector(result.meta.shape, centred);
    present(&anomalies, QSize(900, 520));
    anomalies.showResult(anomaly, u"x.mean(axis=0) - x.mean()"_s);
    QCOMPARE(anomalies.gradient(), QCPColorGradient::gpPolar);
    QCOMPARE(anomalies.colorMap()->dataRange().center(), 0.0);
    saveScreenshot(&anomalies, u"result-heatmap-anomaly"_s);
}

void TestViews::lineOnDateAxis_data()
{
    // Each row spells 2014-01-01 00:00 UTC in steps of 6 hours in other units.
    QTest::addColumn<QString>("units");
    QTest::addColumn<double>("first");
    QTest::addColumn<double>("step");
    QTest::newRow("hours since 1900") << u"hours since 1900-01-01 00:00:00.0"_s << 999312.0 << 6.0;
    QTest::newRow("days since 2014") << u"days since 2014-01-01 00:00:00"_s << 0.0 << 0.25;
    QTest::newRow("seconds since 1970") << u"seconds since 1970-01-01"_s << 1388534400.0 << 21600.0;
}

void TestViews::lineOnDateAxis()
{
    QFETCH(QString, units);
    QFETCH(double, first);
    QFETCH(double, step);
    const std::vector<double> time = steps(first, step, 12);
    std::vector<double> values = steps(270, 0.5, 12);
    ResultView view;
    view.showResult(gathered(u"r2"_s, {12}, values, {axis(u"time"_s, time, units)}), u"x.mean(axis=(1,2))"_s);
    QCPGraph *graph = view.lineGraph();
    QVERIFY(graph);
    QVERIFY(!qSharedPointerDynamicCast<QCPAxisTickerDateTime>(graph->keyAxis()->ticker()).isNull());
    QCOMPARE(graph->dataCount(), 12);
    const double start = double(QDateTime(QDate(2014, 1, 1), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch());
    for (int i = 0; i < 12; ++i) {
        QCOMPARE(graph->data()->at(i)->key, start + i * 21600.0);
        QCOMPARE(graph->data()->at(i)->value, values[std::size_t(i)]);
    }
    QVERIFY(graph->valueAxis()->label().contains(u"(K)"));
}

void TestViews::lineOnCoordinates()
{
    // A zonal mean: latitude 90..-90 has no date axis and keeps each value at its latitude.
    const std::vector<double> lat = steps(90, -2.5, 73);
    std::vector<double> values;
    for (double y : lat)
        values.push_back(temperatureAt(y, 0));
    ResultView view;
    view.showResult(gathered(u"r3"_s, {73}, values, {latitude(lat)}), u"x.mean(axis=(0,2))"_s);
    QCPGraph *graph = view.lineGraph();
    QVERIFY(graph);
    QVERIFY(qSharedPointerDynamicCast<QCPAxisTickerDateTime>(graph->keyAxis()->ticker()).isNull());
    QCOMPARE(graph->dataCount(), 73);
    for (int i = 0; i < 73; ++i) {
        const auto point = graph->data()->findBegin(lat[std::size_t(i)], false);
        QCOMPARE(point->key, lat[std::size_t(i)]);
        QCOMPARE(point->value, values[std::size_t(i)]);
    }
    QVERIFY(graph->keyAxis()->label().contains(u"°N"));

    ResultView series;
    present(&series, QSize(900, 420));
    series.showResult(globalMeanSeries(365), u"x.mean(axis=(1,2))"_s);
    QVERIFY(series.lineGraph());
    saveScreenshot(&series, u"result-line-time"_s);
}

void TestViews::scalarWithUnits()
{
    ResultView view;
    present(&view, QSize(600, 300));
    view.showResult(gathered(u"r"_s, {}, {277.15334}, {}), u"x.mean()"_s);
    QVERIFY(!view.colorMap());
    QVERIFY(!view.lineGraph());
    QVERIFY2(view.scalarText().contains(u"277.153") && view.scalarText().endsWith(u" K"), qPrintable(view.scalarText()));
    saveScreenshot(&view, u"result-scalar"_s);

    view.showResult(gathered(u"r"_s, {}, {42}, {}, {}, {}), u"x[0,0,0]"_s);
    QCOMPARE(view.scalarText(), u"42"_s);
}

void TestViews::stackOfMapsWithSlider()
{
    // Three monthly maps (months 1..3) on a 4 x 5 grid: map m holds 100 m + cell.
    std::vector<double> values;
    for (int month = 1; month <= 3; ++month) {
        for (int cell = 0; cell < 20; ++cell)
            values.push_back(100.0 * month + cell);
    }
    tessera::Axis months = axis(u"month"_s, {1, 2, 3}, {});
    ResultView view;
    present(&view, QSize(700, 560));
    view.showResult(gathered(u"clim"_s, {3, 4, 5}, values, {months, latitude(steps(30, -10, 4)), longitude(steps(0, 10, 5))}),
                    u"x.groupby('time.month').mean()"_s);
    QCPColorMap *map = view.colorMap();
    QVERIFY(map);
    QVERIFY(view.mapSlider() && view.mapSlider()->isVisible());
    QCOMPARE(view.mapSlider()->maximum(), 2);
    QCOMPARE(view.mapText(), u"month 1"_s);
    const auto showsMonth = [&](int month) {
        for (int row = 0; row < 4; ++row) {
            for (int column = 0; column < 5; ++column) {
                if (map->data()->cell(column, 3 - row) != 100.0 * month + row * 5 + column)
                    return false;
            }
        }
        return true;
    };
    QVERIFY(showsMonth(1));
    // One colour range for the stack: the maps compare by colour.
    QCOMPARE(map->colorScale()->dataRange().lower, 100.0);
    QCOMPARE(map->colorScale()->dataRange().upper, 319.0);
    view.mapSlider()->setValue(2);
    QVERIFY(showsMonth(3));
    QCOMPARE(view.mapText(), u"month 3"_s);
    // Below, the area-weighted mean of each map, at its month.
    QCPGraph *means = view.meansGraph();
    QVERIFY(means);
    QCOMPARE(means->dataCount(), 3);
    for (int month = 1; month <= 3; ++month) {
        double sum = 0, weights = 0;
        for (int row = 0; row < 4; ++row) {
            const double weight = std::cos((30.0 - 10.0 * row) * M_PI / 180.0);
            for (int column = 0; column < 5; ++column) {
                sum += weight * (100.0 * month + row * 5 + column);
                weights += weight;
            }
        }
        QCOMPARE(means->data()->at(month - 1)->key, double(month));
        QVERIFY(qAbs(means->data()->at(month - 1)->value - sum / weights) < 1e-9);
    }
    QVERIFY2(view.noteText().contains(u"(3, 4, 5)") && view.noteText().contains(u"max 319"), qPrintable(view.noteText()));
    saveScreenshot(&view, u"result-stack"_s);

    // Seasons: the slider and the line name them by their text.
    tessera::Axis seasons = axis(u"season"_s, {0, 1}, {});
    seasons.labels = {u"DJF"_s, u"JJA"_s};
    view.showResult(gathered(u"s"_s, {2, 4, 5}, std::vector<double>(values.begin(), values.begin() + 40),
                             {seasons, latitude(steps(30, -10, 4)), longitude(steps(0, 10, 5))}),
                    u"x.groupby('time.season').mean()"_s);
    QCOMPARE(view.mapText(), u"season DJF"_s);
    const auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(view.meansGraph()->keyAxis()->ticker());
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(1.0), u"JJA"_s);
    // A 2-D result after a stack: no slider.
    view.showResult(temperatureMap(10), u"x.mean(axis=0)"_s);
    QVERIFY(!view.mapSlider()->isVisible());
    QVERIFY(view.mapText().isEmpty());
}

void TestViews::ticksTellNarrowRangesApart()
{
    // A 1-D result from 270.0108 to 270.0112 K: six digits would print 270.011 on every tick.
    std::vector<double> values;
    for (int i = 0; i < 12; ++i)
        values.push_back(270.0108 + 0.0004 * i / 11);
    ResultView view;
    present(&view, QSize(700, 420));
    view.showResult(gathered(u"r"_s, {12}, values, {axis(u"time"_s, steps(999312, 6, 12), u"hours since 1900-01-01"_s)}),
                    u"x.mean(axis=(1,2))"_s);
    QCPAxis *valueAxis = view.lineGraph()->valueAxis();
    view.plot()->replot();
    const QVector<QString> labels = valueAxis->tickVectorLabels();
    QVERIFY(labels.size() >= 3);
    const QSet<QString> distinct(labels.begin(), labels.end());
    QVERIFY2(distinct.size() == labels.size(), qPrintable(QStringList(labels.begin(), labels.end()).join(u" | "_s)));
    saveScreenshot(&view, u"result-line-narrow"_s);
}

void TestViews::eofPatternsWithTheirComponents()
{
    // Two modes on a 4 x 5 grid over 6 days, as the session returns them.
    std::vector<double> patterns;
    for (int mode = 0; mode < 2; ++mode) {
        for (int cell = 0; cell < 20; ++cell)
            patterns.push_back((mode ? -1.0 : 1.0) * (cell - 9.5) / 40);
    }
    tessera::EvaluationResult result = gathered(
        u"e"_s, {2, 4, 5}, patterns, {axis(u"mode"_s, {1, 2}, {}), latitude(steps(30, -10, 4)), longitude(steps(0, 10, 5))});
    const tessera::Axis time = hoursSince1900(steps(999312, 24, 6));
    tessera::EvaluationResult::Companion pcs;
    pcs.meta.name = u"pcs"_s;
    pcs.meta.shape = {2, 6};
    pcs.meta.axes = {axis(u"mode"_s, {1, 2}, {}), time};
    pcs.value = tessera::NdArray::fromVector({2, 6}, {3, 1, -1, -3, 0, 2, 0.5, -0.5, 0.25, 0, 0, -0.25});
    tessera::EvaluationResult::Companion fractions;
    fractions.meta.name = u"variance_fraction"_s;
    fractions.meta.shape = {2};
    fractions.value = tessera::NdArray::fromVector({2}, {0.723, 0.151});
    result.companions = {pcs, fractions};
    ResultView view;
    present(&view, QSize(760, 600));
    view.showResult(result, u"eof(x, k=2, dim='time')"_s);
    QVERIFY(view.colorMap());
    QCOMPARE(view.mapText(), u"mode 1"_s);
    // Below the first pattern, its principal component on dates.
    QCPGraph *component = view.meansGraph();
    QVERIFY(component);
    QCOMPARE(component->dataCount(), 6);
    QCOMPARE(component->data()->at(0)->value, 3.0);
    QVERIFY(!qSharedPointerDynamicCast<QCPAxisTickerDateTime>(component->keyAxis()->ticker()).isNull());
    // Patterns of both signs read on the diverging gradient.
    QCOMPARE(view.gradient(), QCPColorGradient::gpPolar);
    view.mapSlider()->setValue(1);
    QCOMPARE(view.mapText(), u"mode 2"_s);
    QCOMPARE(view.meansGraph()->data()->at(0)->value, 0.5);
    auto *title = view.findChild<QCustomPlot *>() ? view.meansGraph()->parentPlot()->findChild<QCPTextElement *>() : nullptr;
    QVERIFY(title);
    QVERIFY2(title->text().contains(u"15.1%"_s), qPrintable(title->text()));
    view.mapSlider()->setValue(0);
    saveScreenshot(&view, u"result-eof"_s);
}

void TestViews::distributedResult()
{
    tessera::EvaluationResult result;
    result.meta.name = u"r1"_s;
    result.meta.shape = {1460, 721, 1440};
    result.arrayName = u"r1"_s;
    ResultView view;
    present(&view, QSize(600, 300));
    view.showResult(result, u"x - x.mean()"_s);
    QVERIFY(!view.colorMap());
    QVERIFY(view.scalarText().isEmpty());
    QVERIFY2(view.noteText().contains(u"r1") && view.noteText().contains(u"(1460, 721, 1440)"), qPrintable(view.noteText()));
    saveScreenshot(&view, u"result-distributed"_s);
}

void TestViews::blockMapLanesAndColours_data()
{
    QTest::addColumn<tessera::ArrayInfo>("info");
    QTest::addColumn<int>("workerCount");
    QTest::addColumn<QString>("screenshotName");
    QTest::newRow("strip of 90 blocks on 4 workers") << stripArray(360, 4, 4) << 4 << u"blockmap-strip"_s;
    QTest::newRow("1460 blocks wrap on 3 workers") << stripArray(1460, 1, 3) << 3 << u"blockmap-wrapped"_s;
    QTest::newRow("2x2 grid round robin on 3 workers") << gridArray(3) << 3 << u"blockmap-grid"_s;
}

void TestViews::blockMapLanesAndColours()
{
    QFETCH(tessera::ArrayInfo, info);
    QFETCH(int, workerCount);
    QFETCH(QString, screenshotName);
    BlockMapView view;
    present(&view, QSize(900, 520));
    view.showArrayInfo(info, workers(workerCount, 2));
    QCOMPARE(view.blockCount(), info.layout.chunks.blockCount());
    for (qint64 flat = 0; flat < view.blockCount(); ++flat) {
        const int worker = info.layout.workers[std::size_t(flat)];
        QCOMPARE(view.blockWorker(flat), worker);
        QCOMPARE(view.blockColor(flat), view.workerColor(worker));
    }
    QVERIFY(view.workerColor(0) != view.workerColor(1));
    saveScreenshot(&view, screenshotName);
}

void TestViews::blockMapClickShowsBlock()
{
    BlockMapView view;
    present(&view, QSize(900, 520));
    const tessera::ArrayInfo info = stripArray(360, 4, 4);
    view.showArrayInfo(info, workers(4, 2));
    auto *canvas = view.findChild<BlockMapCanvas *>();
    QVERIFY(canvas);
    QSignalSpy clicked(&view, &BlockMapView::blockClicked);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, canvas->cellRect(5).center().toPoint());
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked.first().first().toString(), u"x:5.0.0"_s);
    const QString details = view.detailsText();
    QVERIFY2(details.contains(u"x:5.0.0") && details.contains(u"time 20:24") && details.contains(u"latitude 0:73")
                 && details.contains(u"(4, 73, 144)") && details.contains(u"336.4 kB") && details.contains(u"worker 0"),
             qPrintable(details));
    saveScreenshot(&view, u"blockmap-selected"_s);
}

void TestViews::liveCluster()
{
    const QString workerProgram = qEnvironmentVariable("TESSERA_WORKER");
    QVERIFY2(!workerProgram.isEmpty() && QFileInfo(workerProgram).isExecutable(),
             "TESSERA_WORKER does not name a tessera-worker binary (run through ctest after building tessera-worker)");
    QTemporaryDir directory;
    tessera::SampleDataOptions sample;
    sample.days = 3;
    sample.gridDegrees = 2.5;
    const auto files = tessera::writeSampleData(directory.path(), sample);
    QVERIFY2(files, qPrintable(u"engine not ready: writeSampleData failed: "_s + files.status().message()));
    tessera::LocalCluster cluster;
    tessera::LocalClusterOptions options;
    options.workers = 3;
    options.workerProgram = workerProgram;

    tessera::ClusterSession session;
    BlockMapView blockMap;
    present(&blockMap, QSize(900, 480));
    blockMap.setSession(&session);
    tessera::Status status = tessera::waitForOperation(session.connectToLocalCluster(&cluster, options));
    QVERIFY2(status, qPrintable(u"engine not ready: local workers did not start and connect: "_s + status.message()));
    tessera::LoadRequest request;
    request.name = u"t2m"_s;
    request.files = *files;
    request.variable = u"t2m"_s;
    request.distribution = tessera::Distribution::RoundRobin;
    request.blocksPerFile = 2;
    QSignalSpy stored(&session, &tessera::ClusterSession::blockStored);
    status = tessera::waitForOperation(session.load(request));
    QVERIFY2(status, qPrintable(u"engine not ready: load failed: "_s + status.message()));

    // Every block is drawn in the lane of the worker the session says holds it.
    const tessera::ArrayInfo *info = session.array(u"t2m"_s);
    QVERIFY(info);
    QCOMPARE(blockMap.arrayName(), u"t2m"_s);
    QCOMPARE(blockMap.blockCount(), info->layout.chunks.blockCount());
    for (qint64 flat = 0; flat < blockMap.blockCount(); ++flat) {
        const int worker = info->layout.workers[std::size_t(flat)];
        QCOMPARE(blockMap.blockWorker(flat), worker);
        QCOMPARE(blockMap.blockColor(flat), blockMap.workerColor(worker));
    }
    qInfo("blockStored fired %lld times during the load", qlonglong(stored.size()));
    saveScreenshot(&blockMap, u"blockmap-cluster"_s);

    // The engine's own result and report, through the result view and the task stream.
    tessera::Operation *mean = session.evaluate(u"t2m.mean(axis=0)"_s);
    status = tessera::waitForOperation(mean);
    QVERIFY2(status, qPrintable(u"engine not ready: t2m.mean(axis=0) failed: "_s + status.message()));
    const tessera::EvaluationResult &result = mean->result();
    QVERIFY(result.gathered);
    ResultView resultView;
    present(&resultView, QSize(900, 520));
    resultView.showResult(result, u"t2m.mean(axis=0)"_s);
    QCPColorMap *map = resultView.colorMap();
    QVERIFY(map);
    const std::int64_t rows = result.value.shape()[0];
    const std::int64_t columns = result.value.shape()[1];
    QCOMPARE(map->data()->valueSize(), int(rows));
    QCOMPARE(map->data()->keySize(), int(columns));
    const tessera::Axis &lat = result.meta.axes[0];
    const tessera::Axis &lon = result.meta.axes[1];
    for (std::int64_t i = 0; i < rows; ++i) {
        for (std::int64_t j = 0; j < columns; ++j) {
            int key = -1;
            int value = -1;
            map->data()->coordToCell(lon.values[std::size_t(j)], lat.values[std::size_t(i)], &key, &value);
            const double expected = result.value.at(i * columns + j);
            const double shown = map->data()->cell(key, value);
            QVERIFY(shown == expected || (std::isnan(shown) && std::isnan(expected)));
        }
    }
    saveScreenshot(&resultView, u"result-cluster-mean"_s);

    TaskStreamView stream;
    present(&stream, QSize(1000, 420));
    stream.showReport(mean->report(), session.workers());
    QCOMPARE(stream.drawnTaskCount(), int(mean->report().tasks.size()));
    saveScreenshot(&stream, u"taskstream-cluster"_s);
}

// A lost worker's message, as a Slurm job's time limit made it, in the cluster view's tooltip.
void TestViews::longMessagesWrapInToolTips()
{
    const QString message = u"lost connection to worker rank 0 (198.18.0.10:39509); Slurm job 1 is ending (TimeLimit: its "
                            "time limit was reached); its output ends: srun: got SIGCONT | srun: forcing job termination"_s;
    const QString wrapped = viewstyle::wrappedToolTip(message);
    const QStringList lines = wrapped.split(u'\n');
    QCOMPARE(lines.size(), 3);
    for (const QString &line : lines)
        QVERIFY2(line.size() <= 80, qPrintable(line));
    QCOMPARE(lines.join(u' '), message); // every word, in order
    QCOMPARE(viewstyle::wrappedToolTip(u"lost connection to worker w2 (127.0.0.1:44559)"_s),
             u"lost connection to worker w2 (127.0.0.1:44559)"_s);
}

QTEST_MAIN(TestViews)
#include "tst_views.moc"
