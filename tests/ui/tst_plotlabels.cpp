// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The numbers the result view derives from a result before drawing it.

#include "ui/views/plotlabels.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace Qt::StringLiterals;
using namespace tessera::ui;

class TestPlotLabels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valueStatsOfFiniteValues_data();
    void valueStatsOfFiniteValues();
};

// The colour range and the readout of every map: min, max and mean of the finite cells, as a
// plain loop over them gives, whatever mix of NaN and infinities and whatever length.
void TestPlotLabels::valueStatsOfFiniteValues_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<double>("nanShare");
    QTest::addColumn<bool>("withInfinity");
    QTest::newRow("empty") << 0 << 0.0 << false;
    QTest::newRow("one value") << 1 << 0.0 << false;
    QTest::newRow("odd length, no NaN") << 1037 << 0.0 << false;
    QTest::newRow("a map with NaN (land)") << 721 * 1440 << 0.3 << false;
    QTest::newRow("all NaN") << 999 << 1.0 << false;
    QTest::newRow("infinities among them") << 4099 << 0.1 << true;
}

void TestPlotLabels::valueStatsOfFiniteValues()
{
    QFETCH(int, size);
    QFETCH(double, nanShare);
    QFETCH(bool, withInfinity);
    std::mt19937_64 random(size);
    std::uniform_real_distribution<double> value(-40.0, 310.0);
    std::bernoulli_distribution isNan(nanShare);
    std::vector<double> values(static_cast<std::size_t>(size));
    for (double &v : values)
        v = isNan(random) ? std::numeric_limits<double>::quiet_NaN() : value(random);
    if (withInfinity) {
        values[7] = std::numeric_limits<double>::infinity();
        values[size - 3] = -std::numeric_limits<double>::infinity();
    }
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    long double sum = 0;
    std::int64_t count = 0;
    for (const double v : values) {
        if (!std::isfinite(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
        ++count;
    }

    const plotlabels::ValueStats stats = plotlabels::valueStats(values.data(), size);
    QCOMPARE(stats.count, count);
    if (count == 0) {
        QVERIFY(std::isnan(stats.min) && std::isnan(stats.max) && std::isnan(stats.mean));
        return;
    }
    QCOMPARE(stats.min, lo);
    QCOMPARE(stats.max, hi);
    const double mean = double(sum / count);
    QVERIFY2(std::abs(stats.mean - mean) <= 1e-12 * std::abs(mean),
             qPrintable(u"mean %1, expected %2"_s.arg(stats.mean, 0, 'g', 17).arg(mean, 0, 'g', 17)));
}

QTEST_APPLESS_MAIN(TestPlotLabels)
#include "tst_plotlabels.moc"
