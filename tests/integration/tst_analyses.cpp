// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The analyses people run (area-weighted means, selections by value and date, climatologies and
// anomalies, daily means, masks and counts) on real workers, each compared with a reference
// computed here from the files by plain loops: dates from QDateTime, not Tessera's calendars;
// weights, groups and boxes by looking at every element. Sample data over 40 days (a month
// boundary), two blocks per file so groups cross blocks, with missing values as real files have.

#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/netcdfreader.h"
#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <Eigen/Core>
#include <Eigen/SVD>

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>
#include <numbers>

using namespace Qt::StringLiterals;
using namespace tessera;
using Ref = reference::Array;
using integration::evaluate;
using integration::Evaluated;

namespace {

constexpr int days = 40;
constexpr double relative = 1e-11;

// Per time step, the calendar fields the references group by.
struct Step
{
    QDateTime when;
    int dayIndex = 0; // days since the first step's day
};

double radians(double degrees)
{
    return degrees * std::numbers::pi / 180.0;
}

} // namespace

class TestAnalyses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void areaWeightedGlobalMean();
    void weightedSumOverLatitude();
    void boxByLatitudeAndLongitude();
    void dayByDate();
    void timeRangeByDates();
    void nearestPoint();
    void monthlyClimatologyAndAnomaly();
    void hourlyGroupsCrossBlocks();
    void dailyMeansByResampling();
    void freezingCounts();
    void masksAndCounts();
    void resultsKeepNamesAndUnits();
    void mediansAndQuantilesInTime();
    void trendPerCell();
    void eofsMatchDenseSvd();
    void errorsNameTheFix_data();
    void errorsNameTheFix();

private:
    // Tessera's answer to `statement`, which must succeed and come back to the client.
    NdArray answer(const QString &statement);
    // Per group of time steps (`groupOf` gives each step's key; groups in key order) and grid
    // cell, `reduce` of the cell's values in the group: shaped (groups, latitude, longitude).
    Ref groupedOverTime(const std::function<int(int step)> &groupOf,
                        const std::function<double(const std::vector<double> &)> &reduce);

    QTemporaryDir m_dir;
    QStringList m_files;
    Ref m_x;
    std::vector<double> m_latitudes;
    std::vector<double> m_longitudes;
    std::vector<Step> m_steps;
    LocalCluster m_cluster;
    ClusterSession m_session;
};

void TestAnalyses::initTestCase()
{
    QVERIFY2(!integration::programFromEnvironment("TESSERA_WORKER").isEmpty(),
             "TESSERA_WORKER must name the built tessera-worker; run this test through ctest");
    auto written = integration::writeSmallSample(m_dir.path(), days);
    QVERIFY2(written.isOk(), qPrintable(written.status().message()));
    m_files = *written;
    {
        const std::lock_guard lock(netcdfMutex());
        for (const QString &path : std::as_const(m_files)) { // one cell missing at every step
            netCDF::NcFile file(reference::fileName(path), netCDF::NcFile::write);
            for (std::size_t step = 0; step < 4; ++step)
                file.getVar("t2m").putVar({step, 5, 7}, short(-32767));
        }
        m_x = reference::readStack(m_files, "t2m");
        m_latitudes = reference::readDecoded(m_files[0], "latitude").values;
        m_longitudes = reference::readDecoded(m_files[0], "longitude").values;
        QCOMPARE(reference::textAttribute(m_files[0], "time", "units"), std::string("hours since 1900-01-01 00:00:00.0"));
        const QDateTime origin(QDate(1900, 1, 1), QTime(0, 0), Qt::UTC);
        for (const QString &path : std::as_const(m_files)) {
            for (double hours : reference::readDecoded(path, "time").values) {
                const QDateTime when = origin.addSecs(std::int64_t(hours) * 3600);
                m_steps.push_back({when, int(m_steps.empty() ? 0 : m_steps.front().when.date().daysTo(when.date()))});
            }
        }
    }
    QCOMPARE(m_x.shape, (Shape{days * 4, 37, 72}));

    LocalClusterOptions clusterOptions;
    clusterOptions.workers = 2;
    QVERIFY2(integration::finishWithin(m_session.connectToLocalCluster(&m_cluster, clusterOptions)).isOk(), "local cluster");
    const Status loaded = integration::load(m_session, u"x"_s, m_files, u"t2m"_s, LoadMode::Workers, 2);
    QVERIFY2(loaded.isOk(), qPrintable(loaded.message()));
}

NdArray TestAnalyses::answer(const QString &statement)
{
    const Evaluated evaluated = evaluate(m_session, statement);
    if (!evaluated.status.isOk()) {
        QTest::qFail(qPrintable(statement + u": "_s + evaluated.status.message()), __FILE__, __LINE__);
        return {};
    }
    if (!evaluated.result.gathered)
        QTest::qFail(qPrintable(statement + u": the result stayed on the workers"_s), __FILE__, __LINE__);
    return evaluated.result.value;
}

Ref TestAnalyses::groupedOverTime(const std::function<int(int step)> &groupOf,
                                  const std::function<double(const std::vector<double> &)> &reduce)
{
    std::vector<int> keys;
    for (int step = 0; step < int(m_steps.size()); ++step) {
        if (std::find(keys.begin(), keys.end(), groupOf(step)) == keys.end())
            keys.push_back(groupOf(step));
    }
    std::sort(keys.begin(), keys.end());
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    Ref out{{std::int64_t(keys.size()), m_x.shape[1], m_x.shape[2]}, {}};
    for (int key : keys) {
        for (std::int64_t cell = 0; cell < plane; ++cell) {
            std::vector<double> members;
            for (int step = 0; step < int(m_steps.size()); ++step) {
                if (groupOf(step) == key)
                    members.push_back(m_x.values[std::size_t(step * plane + cell)]);
            }
            out.values.push_back(reduce(members));
        }
    }
    return out;
}

namespace {

double nanMean(const std::vector<double> &values)
{
    double sum = 0;
    int count = 0;
    for (double value : values) {
        if (!std::isnan(value)) {
            sum += value;
            ++count;
        }
    }
    return count ? sum / count : reference::notANumber;
}

} // namespace

void TestAnalyses::areaWeightedGlobalMean()
{
    const NdArray weighted = answer(u"x.weighted(cos(radians(x.latitude))).mean(dim=('latitude', 'longitude'))"_s);
    Ref expected{{m_x.shape[0]}, {}};
    for (std::int64_t step = 0; step < m_x.shape[0]; ++step) {
        double sum = 0, weights = 0;
        for (std::int64_t lat = 0; lat < m_x.shape[1]; ++lat) {
            for (std::int64_t lon = 0; lon < m_x.shape[2]; ++lon) {
                const double value = m_x.values[std::size_t((step * m_x.shape[1] + lat) * m_x.shape[2] + lon)];
                if (std::isnan(value))
                    continue; // a missing value takes its weight with it
                sum += value * std::cos(radians(m_latitudes[std::size_t(lat)]));
                weights += std::cos(radians(m_latitudes[std::size_t(lat)]));
            }
        }
        expected.values.push_back(sum / weights);
    }
    QVERIFY2(reference::mismatch(weighted, expected, relative).isEmpty(),
             qPrintable(reference::mismatch(weighted, expected, relative)));
    // The point of weighting: the polar rows count for less, and the answer is warmer by K.
    const NdArray unweighted = answer(u"x.mean(('latitude', 'longitude'))"_s);
    QVERIFY2(weighted.at(0) - unweighted.at(0) > 5.0,
             qPrintable(u"weighted %1 K, unweighted %2 K"_s.arg(weighted.at(0)).arg(unweighted.at(0))));
    QCOMPARE(answer(u"x.weighted(cos(radians(x.latitude))).mean()"_s).rank(), 0);
}

void TestAnalyses::weightedSumOverLatitude()
{
    const NdArray got = answer(u"x.weighted(cos(radians(x.latitude))).sum('latitude')"_s);
    Ref expected{{m_x.shape[0], m_x.shape[2]}, {}};
    for (std::int64_t step = 0; step < m_x.shape[0]; ++step) {
        for (std::int64_t lon = 0; lon < m_x.shape[2]; ++lon) {
            double sum = 0;
            for (std::int64_t lat = 0; lat < m_x.shape[1]; ++lat) {
                const double value = m_x.values[std::size_t((step * m_x.shape[1] + lat) * m_x.shape[2] + lon)];
                if (!std::isnan(value))
                    sum += value * std::cos(radians(m_latitudes[std::size_t(lat)]));
            }
            expected.values.push_back(sum);
        }
    }
    QVERIFY2(reference::mismatch(got, expected, relative).isEmpty(), qPrintable(reference::mismatch(got, expected, relative)));
}

void TestAnalyses::boxByLatitudeAndLongitude()
{
    // Europe-ish: latitudes 72 down to 34 (a descending axis), longitudes 0 to 40, both inclusive.
    const NdArray got = answer(u"x.sel(latitude=slice(72, 34), longitude=slice(0, 40)).mean('time')"_s);
    Ref expected{{}, {}};
    std::int64_t rows = 0, columns = 0;
    for (std::int64_t lat = 0; lat < m_x.shape[1]; ++lat) {
        const double latitude = m_latitudes[std::size_t(lat)];
        if (latitude > 72 || latitude < 34)
            continue;
        ++rows;
        columns = 0;
        for (std::int64_t lon = 0; lon < m_x.shape[2]; ++lon) {
            if (m_longitudes[std::size_t(lon)] > 40)
                continue;
            ++columns;
            std::vector<double> series;
            for (std::int64_t step = 0; step < m_x.shape[0]; ++step)
                series.push_back(m_x.values[std::size_t((step * m_x.shape[1] + lat) * m_x.shape[2] + lon)]);
            expected.values.push_back(nanMean(series));
        }
    }
    expected.shape = {rows, columns};
    QCOMPARE(expected.shape, (Shape{8, 9})); // 70..35 and 0..40 at 5 degrees
    QVERIFY2(reference::mismatch(got, expected, relative).isEmpty(), qPrintable(reference::mismatch(got, expected, relative)));
    QCOMPARE(answer(u"x.sel(latitude=slice(34, 72)).mean()"_s).size(), 1); // the wrong order is empty, as xarray's
    QVERIFY(std::isnan(answer(u"x.sel(latitude=slice(34, 72)).mean()"_s).at(0)));
}

void TestAnalyses::dayByDate()
{
    // 6-hourly steps: a day is a range of four, kept as a dimension.
    const NdArray got = answer(u"x.sel(time='2014-01-10').mean(('latitude', 'longitude'))"_s);
    Ref expected{{}, {}};
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    for (int step = 0; step < int(m_steps.size()); ++step) {
        if (m_steps[std::size_t(step)].when.date() != QDate(2014, 1, 10))
            continue;
        expected.values.push_back(nanMean({m_x.values.begin() + step * plane, m_x.values.begin() + (step + 1) * plane}));
    }
    expected.shape = {std::int64_t(expected.values.size())};
    QCOMPARE(expected.shape, (Shape{4}));
    QVERIFY2(reference::mismatch(got, expected, relative).isEmpty(), qPrintable(reference::mismatch(got, expected, relative)));
    // One step, named to the hour: the dimension goes.
    QCOMPARE(answer(u"x.sel(time='2014-01-10T18')"_s).shape(), (Shape{37, 72}));
}

void TestAnalyses::timeRangeByDates()
{
    const NdArray got = answer(u"x.sel(time=slice('2014-01-30', '2014-02-02')).sum()"_s);
    double sum = 0;
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    int stepsIn = 0;
    for (int step = 0; step < int(m_steps.size()); ++step) {
        const QDate date = m_steps[std::size_t(step)].when.date();
        if (date < QDate(2014, 1, 30) || date > QDate(2014, 2, 2))
            continue; // bounds are inclusive: the whole of 2 February
        ++stepsIn;
        for (std::int64_t cell = 0; cell < plane; ++cell) {
            const double value = m_x.values[std::size_t(step * plane + cell)];
            sum += std::isnan(value) ? 0 : value;
        }
    }
    QCOMPARE(stepsIn, 16);
    QVERIFY(reference::near(got.at(0), sum, relative));
}

void TestAnalyses::nearestPoint()
{
    // Near Berlin: 51.2 N, 13.4 E; the 5-degree grid's nearest point is 50 N, 15 E.
    const NdArray got = answer(u"x.sel(latitude=51.2, longitude=13.4, method='nearest')"_s);
    const auto lat = std::find(m_latitudes.begin(), m_latitudes.end(), 50.0) - m_latitudes.begin();
    const auto lon = std::find(m_longitudes.begin(), m_longitudes.end(), 15.0) - m_longitudes.begin();
    Ref expected{{m_x.shape[0]}, {}};
    for (std::int64_t step = 0; step < m_x.shape[0]; ++step)
        expected.values.push_back(m_x.values[std::size_t((step * m_x.shape[1] + lat) * m_x.shape[2] + lon)]);
    QVERIFY2(reference::mismatch(got, expected, 0).isEmpty(), qPrintable(reference::mismatch(got, expected, 0)));
}

void TestAnalyses::monthlyClimatologyAndAnomaly()
{
    const auto month = [this](int step) {
        return m_steps[std::size_t(step)].when.date().month();
    };
    const Ref climatology = groupedOverTime(month, nanMean);
    QCOMPARE(climatology.shape[0], 2); // January and February
    const NdArray got = answer(u"x.groupby('time.month').mean()"_s);
    QVERIFY2(reference::mismatch(got, climatology, relative).isEmpty(),
             qPrintable(reference::mismatch(got, climatology, relative)));

    QVERIFY(evaluate(m_session, u"clim = x.groupby('time.month').mean()"_s).status.isOk());
    QVERIFY(evaluate(m_session, u"anomaly = x.groupby('time.month') - clim"_s).status.isOk());
    const NdArray anomaly = answer(u"anomaly.mean(('latitude', 'longitude'))"_s);
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    Ref expected{{m_x.shape[0]}, {}};
    for (int step = 0; step < int(m_steps.size()); ++step) {
        std::vector<double> differences;
        const std::int64_t group = month(step) - 1;
        for (std::int64_t cell = 0; cell < plane; ++cell)
            differences.push_back(m_x.values[std::size_t(step * plane + cell)]
                                  - climatology.values[std::size_t(group * plane + cell)]);
        expected.values.push_back(nanMean(differences));
    }
    QVERIFY2(reference::mismatch(anomaly, expected, 1e-9, 1.0).isEmpty(),
             qPrintable(reference::mismatch(anomaly, expected, 1e-9, 1.0)));
}

void TestAnalyses::hourlyGroupsCrossBlocks()
{
    const auto hour = [this](int step) {
        return m_steps[std::size_t(step)].when.time().hour();
    };
    const auto nanMax = [](const std::vector<double> &values) {
        double best = reference::notANumber;
        for (double value : values)
            best = std::isnan(best) || value > best ? value : best;
        return best;
    };
    const NdArray got = answer(u"x.groupby('time.hour').max()"_s);
    const Ref expected = groupedOverTime(hour, nanMax);
    QCOMPARE(expected.shape[0], 4);
    QVERIFY2(reference::mismatch(got, expected, 0).isEmpty(), qPrintable(reference::mismatch(got, expected, 0)));
    const auto count = [](const std::vector<double> &values) {
        return double(std::count_if(values.begin(), values.end(), [](double v) { return !std::isnan(v); }));
    };
    const NdArray counted = answer(u"x.groupby('time.hour').count()"_s);
    QVERIFY2(reference::mismatch(counted, groupedOverTime(hour, count), 0).isEmpty(),
             qPrintable(reference::mismatch(counted, groupedOverTime(hour, count), 0)));
}

void TestAnalyses::dailyMeansByResampling()
{
    const auto day = [this](int step) {
        return m_steps[std::size_t(step)].dayIndex;
    };
    const NdArray got = answer(u"x.resample(time='1D').mean().mean(('latitude', 'longitude'))"_s);
    const Ref daily = groupedOverTime(day, nanMean);
    QCOMPARE(daily.shape[0], days);
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    Ref expected{{days}, {}};
    for (int d = 0; d < days; ++d)
        expected.values.push_back(nanMean({daily.values.begin() + d * plane, daily.values.begin() + (d + 1) * plane}));
    QVERIFY2(reference::mismatch(got, expected, relative).isEmpty(), qPrintable(reference::mismatch(got, expected, relative)));
}

void TestAnalyses::freezingCounts()
{
    // Per cell, the number of 6-hourly steps below freezing; a missing value is not below it.
    const NdArray got = answer(u"(x < 273.15).sum('time')"_s);
    const auto frozen = [](const std::vector<double> &values) {
        return double(std::count_if(values.begin(), values.end(), [](double v) { return v < 273.15; }));
    };
    const Ref expected = groupedOverTime([](int) { return 0; }, frozen);
    Ref flat{{m_x.shape[1], m_x.shape[2]}, expected.values};
    QVERIFY2(reference::mismatch(got, flat, 0).isEmpty(), qPrintable(reference::mismatch(got, flat, 0)));
    // Freezing days: days with any step below freezing.
    const auto day = [this](int step) {
        return m_steps[std::size_t(step)].dayIndex;
    };
    const Ref frozeThatDay = groupedOverTime(day, [](const std::vector<double> &values) {
        return double(std::any_of(values.begin(), values.end(), [](double v) { return v < 273.15; }));
    });
    const NdArray freezingDays = answer(u"((x < 273.15).resample(time='1D').max()).sum('time')"_s);
    Ref expectedDays{{m_x.shape[1], m_x.shape[2]}, std::vector<double>(std::size_t(m_x.shape[1] * m_x.shape[2]), 0.0)};
    for (std::size_t i = 0; i < frozeThatDay.values.size(); ++i)
        expectedDays.values[i % expectedDays.values.size()] += frozeThatDay.values[i];
    QVERIFY2(reference::mismatch(freezingDays, expectedDays, 0).isEmpty(),
             qPrintable(reference::mismatch(freezingDays, expectedDays, 0)));
}

void TestAnalyses::masksAndCounts()
{
    double warm = 0, between = 0, missing = 0, clipped = 0, powered = 0;
    for (double v : m_x.values) {
        warm += v > 300;
        between += (v >= 260 && v < 280) || !(v <= 305); // ~ of a comparison with NaN is true
        missing += std::isnan(v);
        clipped += std::isnan(v) ? 0 : std::clamp(v, 260.0, 290.0);
        powered += std::isnan(v) ? 0 : std::pow(v / 300.0, 2);
    }
    QCOMPARE(answer(u"x.where(x > 300).count()"_s).at(0), warm);
    QCOMPARE(answer(u"((x >= 260) & (x < 280) | ~(x <= 305)).sum()"_s).at(0), between);
    QCOMPARE(answer(u"isnan(x).sum()"_s).at(0), missing);
    QCOMPARE(answer(u"notnull(x).all()"_s).at(0), 0.0);
    QCOMPARE(answer(u"(x > 320).any()"_s).at(0),
             double(std::any_of(m_x.values.begin(), m_x.values.end(), [](double v) { return v > 320; })));
    QVERIFY(reference::near(answer(u"clip(x, 260, 290).sum()"_s).at(0), clipped, relative));
    QVERIFY(reference::near(answer(u"((x / 300) ** 2).sum()"_s).at(0), powered, relative));
    QVERIFY(reference::near(answer(u"where(x > 300, 1, 0).sum()"_s).at(0), warm, 0));
}

void TestAnalyses::resultsKeepNamesAndUnits()
{
    const Evaluated climatology = evaluate(m_session, u"x.groupby('time.season').mean()"_s);
    QVERIFY(climatology.status.isOk());
    const ArrayMeta &meta = climatology.result.meta;
    QCOMPARE(meta.units, u"K"_s);
    QCOMPARE(meta.axes.at(0).name, u"season"_s);
    QCOMPARE(meta.axes.at(0).labels, std::vector<QString>{u"DJF"_s});
    QCOMPARE(meta.axes.at(1).name, u"latitude"_s);
    QCOMPARE(meta.axes.at(1).values, m_latitudes);
    const Evaluated weighted = evaluate(m_session, u"x.weighted(cos(radians(x.latitude))).mean(('latitude', 'longitude'))"_s);
    QVERIFY(weighted.status.isOk());
    QCOMPARE(weighted.result.meta.longName, u"Weighted mean of 2 metre temperature"_s);
    QCOMPARE(weighted.result.meta.units, u"K"_s);
    const Evaluated count = evaluate(m_session, u"x.count('time')"_s);
    QVERIFY(count.status.isOk());
    QVERIFY2(count.result.meta.units.isEmpty(), "a count has no units");
    const Evaluated monthly = evaluate(m_session, u"x.resample(time='1MS').mean()"_s);
    QVERIFY(monthly.status.isOk());
    QCOMPARE(monthly.result.meta.axes.at(0).name, u"time"_s);
    QCOMPARE(monthly.result.meta.axes.at(0).values.size(), std::size_t(2));
    QCOMPARE(monthly.result.meta.axes.at(0).values[1] - monthly.result.meta.axes.at(0).values[0],
             31.0 * 24); // 1 Feb - 1 Jan, in hours
}

namespace {

// numpy's 'linear' quantile of the values that are not NaN, written from its documentation.
double numpyQuantile(std::vector<double> values, double q)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    if (values.empty())
        return reference::notANumber;
    std::sort(values.begin(), values.end());
    const double h = double(values.size() - 1) * q;
    const auto low = std::size_t(h);
    return low + 1 >= values.size() ? values.back() : values[low] + (h - double(low)) * (values[low + 1] - values[low]);
}

} // namespace

void TestAnalyses::mediansAndQuantilesInTime()
{
    // The data is in blocks of 2 steps (two per file): every cell's steps are on both workers,
    // so these rechunk first.
    const Evaluated median = evaluate(m_session, u"x.median(dim='time')"_s);
    QVERIFY2(median.status.isOk(), qPrintable(median.status.message()));
    QVERIFY(std::any_of(median.report.tasks.begin(), median.report.tasks.end(),
                        [](const TaskRecord &task) { return task.kind == TaskKind::Rechunk; }));
    const Ref medians =
        groupedOverTime([](int) { return 0; }, [](const std::vector<double> &v) { return numpyQuantile(v, 0.5); });
    const Ref expected{{m_x.shape[1], m_x.shape[2]}, medians.values};
    QVERIFY2(reference::mismatch(median.result.value, expected, 1e-12).isEmpty(),
             qPrintable(reference::mismatch(median.result.value, expected, 1e-12)));
    QCOMPARE(median.result.meta.units, u"K"_s);

    const NdArray deciles = answer(u"x.quantile([0.1, 0.9], dim='time')"_s);
    QCOMPARE(deciles.shape(), (Shape{2, m_x.shape[1], m_x.shape[2]}));
    const auto tenth = [](const std::vector<double> &v) {
        return numpyQuantile(v, 0.1);
    };
    const auto ninetieth = [](const std::vector<double> &v) {
        return numpyQuantile(v, 0.9);
    };
    Ref both{deciles.shape(), groupedOverTime([](int) { return 0; }, tenth).values};
    const Ref high = groupedOverTime([](int) { return 0; }, ninetieth);
    both.values.insert(both.values.end(), high.values.begin(), high.values.end());
    QVERIFY2(reference::mismatch(deciles, both, 1e-12).isEmpty(), qPrintable(reference::mismatch(deciles, both, 1e-12)));
}

void TestAnalyses::trendPerCell()
{
    // Slope and intercept in the time coordinate's units (hours since 1900), from the centred
    // normal equations in long double: exact enough to check 1e-9.
    const NdArray got = answer(u"x.polyfit(dim='time', deg=1)"_s);
    const std::int64_t plane = m_x.shape[1] * m_x.shape[2];
    QCOMPARE(got.shape(), (Shape{2, m_x.shape[1], m_x.shape[2]}));
    std::vector<long double> hours;
    for (const QString &path : std::as_const(m_files)) {
        const std::lock_guard lock(netcdfMutex());
        for (double value : reference::readDecoded(path, "time").values)
            hours.push_back(value);
    }
    for (std::int64_t cell = 0; cell < plane; cell += 13) {
        long double n = 0, mx = 0, my = 0;
        for (std::int64_t step = 0; step < m_x.shape[0]; ++step) {
            const double y = m_x.values[std::size_t(step * plane + cell)];
            if (std::isnan(y))
                continue;
            n += 1;
            mx += hours[std::size_t(step)];
            my += y;
        }
        mx /= n;
        my /= n;
        long double sxx = 0, sxy = 0;
        for (std::int64_t step = 0; step < m_x.shape[0]; ++step) {
            const double y = m_x.values[std::size_t(step * plane + cell)];
            if (std::isnan(y))
                continue;
            sxx += (hours[std::size_t(step)] - mx) * (hours[std::size_t(step)] - mx);
            sxy += (hours[std::size_t(step)] - mx) * (y - my);
        }
        const double slope = double(sxy / sxx);
        const double intercept = double(my - sxy / sxx * mx);
        QVERIFY2(std::abs(got.at(cell) - slope) <= 1e-9 * std::abs(slope) + 1e-15,
                 qPrintable(u"cell %1: slope %2, expected %3"_s.arg(cell).arg(got.at(cell), 0, 'g', 17).arg(slope, 0, 'g', 17)));
        QVERIFY2(std::abs(got.at(plane + cell) - intercept) <= 1e-9 * std::abs(intercept),
                 qPrintable(u"cell %1: intercept %2, expected %3"_s.arg(cell)
                                .arg(got.at(plane + cell), 0, 'g', 17)
                                .arg(intercept, 0, 'g', 17)));
    }
    // Per decade, as the README writes it.
    const NdArray decade = answer(u"x.polyfit(dim='time', deg=1)[0] * 24 * 3652.5"_s);
    QVERIFY(std::abs(decade.at(0) - got.at(0) * 24 * 3652.5) <= 1e-12 * std::abs(decade.at(0)));
}

void TestAnalyses::eofsMatchDenseSvd()
{
    const Evaluated eof = evaluate(m_session, u"eof(x, k=3, dim='time', weights=sqrt(cos(radians(x.latitude))))"_s);
    QVERIFY2(eof.status.isOk(), qPrintable(eof.status.message()));
    const std::int64_t steps = m_x.shape[0], rows = m_x.shape[1], columns = m_x.shape[2], plane = rows * columns;
    QCOMPARE(eof.result.value.shape(), (Shape{3, rows, columns}));
    QCOMPARE(eof.result.meta.axes.front().name, u"mode"_s);

    // The reference: weighted anomalies about each cell's time mean (a missing value an anomaly
    // of 0), and their SVD: Jacobi's, the most accurate of Eigen's, quick at this size, and a
    // build 25 s shorter than with BDCSVD.
    Eigen::MatrixXd anomalies(steps, plane);
    for (std::int64_t cell = 0; cell < plane; ++cell) {
        double sum = 0;
        int count = 0;
        for (std::int64_t step = 0; step < steps; ++step) {
            const double value = m_x.values[std::size_t(step * plane + cell)];
            if (!std::isnan(value)) {
                sum += value;
                ++count;
            }
        }
        const double weight = std::sqrt(std::cos(radians(m_latitudes[std::size_t(cell / columns)])));
        for (std::int64_t step = 0; step < steps; ++step) {
            const double value = m_x.values[std::size_t(step * plane + cell)];
            anomalies(step, cell) = std::isnan(value) ? 0 : (value - sum / count) * weight;
        }
    }
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(anomalies, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const double total = svd.singularValues().squaredNorm();
    const EvaluationResult::Companion *pcs = nullptr;
    const EvaluationResult::Companion *fractions = nullptr;
    for (const EvaluationResult::Companion &companion : eof.result.companions) {
        if (companion.meta.name == u"pcs")
            pcs = &companion;
        if (companion.meta.name == u"variance_fraction")
            fractions = &companion;
    }
    QVERIFY(pcs && fractions);
    QCOMPARE(pcs->value.shape(), (Shape{3, steps}));
    for (int mode = 0; mode < 3; ++mode) {
        const double sigma = svd.singularValues()[mode];
        QVERIFY(std::abs(fractions->value.at(mode) - sigma * sigma / total) <= 1e-9);
        // Up to sign, the PC is U * sigma and the pattern V; the sign makes the PC's largest value positive.
        Eigen::Index largest = 0;
        svd.matrixU().col(mode).cwiseAbs().maxCoeff(&largest);
        const double sign = svd.matrixU()(largest, mode) > 0 ? 1 : -1;
        QVERIFY(pcs->value.at(mode * steps + largest) > 0);
        for (std::int64_t step = 0; step < steps; ++step)
            QVERIFY(std::abs(pcs->value.at(mode * steps + step) - sign * sigma * svd.matrixU()(step, mode)) <= 1e-7 * sigma);
        for (std::int64_t cell = 0; cell < plane; ++cell) {
            const double got = eof.result.value.at(mode * plane + cell);
            if (cell == 5 * columns + 7) { // missing at every step: no pattern there
                QVERIFY(std::isnan(got));
                continue;
            }
            QVERIFY2(
                std::abs(got - sign * svd.matrixV()(cell, mode)) <= 1e-7,
                qPrintable(u"mode %1 cell %2: %3, SVD %4"_s.arg(mode).arg(cell).arg(got).arg(sign * svd.matrixV()(cell, mode))));
        }
    }
}

void TestAnalyses::errorsNameTheFix_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown dimension") << u"x.mean(dim='lat')"_s << u"'lat'"_s;
    QTest::newRow("date outside the axis") << u"x.sel(time='2015-06')"_s << u"2015-06"_s;
    QTest::newRow("group of a non-time coordinate") << u"x.groupby('latitude.month').mean()"_s << u"latitude"_s;
    QTest::newRow("weights that do not broadcast") << u"x.weighted(x.latitude[::2]).mean()"_s << u"latitude"_s;
    QTest::newRow("longitude in -180..180") << u"x.sel(longitude=slice(-10, 20))"_s << u"east of Greenwich"_s;
    QTest::newRow("unknown group") << u"x.groupby('time.week').mean()"_s << u"time.month"_s;
    QTest::newRow("day a calendar lacks") << u"x.sel(time='2014-02-30')"_s << u"2014-02-30"_s;
    QTest::newRow("median of everything") << u"x.median()"_s << u"dim='time'"_s;
    QTest::newRow("quantile out of range") << u"x.quantile(1.5, dim='time')"_s << u"from 0 to 1"_s;
    QTest::newRow("polyfit without a degree") << u"x.polyfit(dim='time')"_s << u"deg=1"_s;
    QTest::newRow("eof weights along time") << u"eof(x, k=2, dim='time', weights=x.time)"_s << u"over space"_s;
    QTest::newRow("eof with too many modes") << u"eof(x, k=1000, dim='time')"_s << u"from 1 to the 160 steps"_s;
}

void TestAnalyses::errorsNameTheFix()
{
    QFETCH(QString, statement);
    QFETCH(QString, expected);
    const Evaluated evaluated = evaluate(m_session, statement);
    QVERIFY2(!evaluated.status.isOk(), qPrintable(statement + u" was accepted"_s));
    const QString message = evaluated.status.message();
    QVERIFY2(message.startsWith(u"column "_s), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    // The session still works.
    QCOMPARE(answer(u"x.isel(time=0, latitude=0, longitude=0)"_s).at(0), m_x.values[0]);
}

QTEST_GUILESS_MAIN(TestAnalyses)
#include "tst_analyses.moc"
