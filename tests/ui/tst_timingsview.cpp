// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The timings view on hand-built reports: a row and a stack of bars per operation, runs side by
// side, CSV export, an operation run twice, columns as wide as their cells, and a cleared history.

#include "screenshots.h"
#include "viewtestdata.h"

#include "ui/models/timingsmodel.h"
#include "ui/views/timingsview.h"

#include <QFile>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

using namespace Qt::StringLiterals;
using namespace tessera::ui;
using namespace viewtestdata;

class TestTimingsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gainsRowsAndBars();
};

void TestTimingsView::gainsRowsAndBars()
{
    TimingsView view;
    present(&view, QSize(1000, 640));
    const auto barsOf = [&view] {
        QList<QCPBars *> bars;
        for (int i = 0; i < view.chart()->plottableCount(); ++i) {
            if (auto *b = qobject_cast<QCPBars *>(view.chart()->plottable(i)))
                bars << b;
        }
        return bars;
    };
    const std::vector<tessera::OperationReport> first = seedReports(1.0);
    for (std::size_t i = 0; i < first.size(); ++i) {
        view.addReport(first[i], u"run 1"_s);
        QCOMPARE(view.rowCount(), int(i) + 1);
        // One stack per operation: each phase's bars gain a bar.
        const QList<QCPBars *> bars = barsOf();
        QCOMPARE(bars.size(), 4);
        for (QCPBars *b : bars)
            QCOMPARE(b->dataCount(), int(i) + 1);
    }
    // Stacks are as tall as the wall time.
    for (int k = 0; k < int(first.size()); ++k) {
        double top = 0;
        for (QCPBars *b : barsOf())
            top += b->data()->at(k)->value;
        QVERIFY(qFuzzyCompare(top, first[std::size_t(k)].wallSeconds));
    }
    const std::vector<tessera::OperationReport> second = seedReports(0.87);
    for (const tessera::OperationReport &r : second)
        view.addReport(r, u"run 2"_s);
    QCOMPARE(view.rowCount(), 12);
    QCOMPARE(view.selectedRuns(), QStringList({u"run 1"_s, u"run 2"_s}));
    const QList<QCPBars *> grouped = barsOf();
    QCOMPARE(grouped.size(), 8);
    QVERIFY(grouped.front()->barsGroup());
    QCOMPARE(grouped.front()->barsGroup()->size(), 8);
    saveScreenshot(&view, u"timings-two-runs"_s);

    const QStringList lines = view.toCsv().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 13);
    QCOMPARE(lines[0], u"run,operation,wall_s,plan_s,compute_s,transfer_s,tasks,client_bytes,peer_bytes"_s);
    QVERIFY2(lines[4].startsWith(u"run 1,\"x.mean(axis=(1,2))\","_s), qPrintable(lines[4]));
    QVERIFY2(lines[12].startsWith(u"run 2,x - x.mean(),"_s) && lines[12].endsWith(u",734,61000,2920"_s), qPrintable(lines[12]));
    QTemporaryDir directory;
    QVERIFY(view.exportCsv(directory.filePath(u"t.csv"_s)));
    QFile csv(directory.filePath(u"t.csv"_s));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(csv.readAll()), view.toCsv());

    view.setSelectedRuns({u"run 2"_s});
    QCOMPARE(barsOf().size(), 4);
    QCOMPARE(view.model()->data(view.model()->index(1, TimingsModel::ClientBytesColumn)).toString(), u"8.3 MB"_s);

    // An operation run again in the same run: its latest row is the one the chart shows.
    tessera::OperationReport again = second.front();
    again.wallSeconds = 5.0;
    view.addReport(again, u"run 2"_s);
    QCOMPARE(view.rowCount(), 13);
    QCOMPARE(view.model()->operations().size(), 6);
    double top = 0;
    for (QCPBars *b : barsOf())
        top += b->data()->at(0)->value;
    QVERIFY(qFuzzyCompare(top, 5.0));
    // Each column is as wide as its widest cell, a wider one arriving last included.
    view.addReport(again, u"a much longer label for a third run"_s);
    auto *table = view.findChild<QTableView *>();
    QVERIFY(table);
    for (int column = 0; column < TimingsModel::NB_COLUMNS; ++column) {
        if (column != TimingsModel::OperationColumn)
            QVERIFY2(table->columnWidth(column) >= static_cast<QAbstractItemView *>(table)->sizeHintForColumn(column),
                     qPrintable(QString::number(column)));
    }
    view.clearHistory();
    QCOMPARE(view.rowCount(), 0);
    QCOMPARE(barsOf().size(), 0);
    QVERIFY(view.model()->runs().isEmpty() && view.model()->operations().isEmpty());
    view.addReport(again, u"run 3"_s);
    QCOMPARE(view.model()->runs(), QStringList{u"run 3"_s});
    QVERIFY(view.model()->find(u"run 3"_s, again.text));
}

QTEST_MAIN(TestTimingsView)
#include "tst_timingsview.moc"
