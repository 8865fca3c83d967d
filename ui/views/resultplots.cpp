// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/resultplots.h"

#include "ui/views/plotlabels.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera::ui {

using namespace plotlabels;

namespace resultplots {

const std::array<GradientChoice, 12> gradientChoices = {{
    {QCPColorGradient::gpThermal, QT_TRANSLATE_NOOP("ResultView", "Thermal")},
    {QCPColorGradient::gpPolar, QT_TRANSLATE_NOOP("ResultView", "Polar (diverging)")},
    {QCPColorGradient::gpSpectrum, QT_TRANSLATE_NOOP("ResultView", "Spectrum")},
    {QCPColorGradient::gpJet, QT_TRANSLATE_NOOP("ResultView", "Jet")},
    {QCPColorGradient::gpHot, QT_TRANSLATE_NOOP("ResultView", "Hot")},
    {QCPColorGradient::gpCold, QT_TRANSLATE_NOOP("ResultView", "Cold")},
    {QCPColorGradient::gpNight, QT_TRANSLATE_NOOP("ResultView", "Night")},
    {QCPColorGradient::gpCandy, QT_TRANSLATE_NOOP("ResultView", "Candy")},
    {QCPColorGradient::gpGeography, QT_TRANSLATE_NOOP("ResultView", "Geography")},
    {QCPColorGradient::gpIon, QT_TRANSLATE_NOOP("ResultView", "Ion")},
    {QCPColorGradient::gpHues, QT_TRANSLATE_NOOP("ResultView", "Hues")},
    {QCPColorGradient::gpGrayscale, QT_TRANSLATE_NOOP("ResultView", "Grayscale")},
}};

QCPColorGradient makeGradient(QCPColorGradient::GradientPreset preset)
{
    QCPColorGradient gradient(preset);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(0xd0, 0xd0, 0xd0));
    return gradient;
}

QString dateText(double epochSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(std::llround(epochSeconds * 1000), QTimeZone::utc()).toString(u"yyyy-MM-dd hh:mm"_s);
}

QString coordinateText(const tessera::Axis &axis, double value)
{
    const QString units = prettyUnits(axis.units);
    QString text = (axis.longName.isEmpty() ? axis.name : axis.longName) + u' ' + QString::number(value, 'g', 6);
    if (!units.isEmpty() && !units.contains(u" since "))
        text += (units.startsWith(u"°") ? QString() : u" "_s) + units;
    return text;
}

tessera::ArrayMeta squeezed(const tessera::ArrayMeta &meta, const tessera::Shape &shape)
{
    tessera::ArrayMeta result = meta;
    result.shape.clear();
    result.axes.clear();
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 1)
            continue;
        result.shape.push_back(shape[i]);
        tessera::Axis axis = i < meta.axes.size() ? meta.axes[i] : tessera::Axis{};
        if (axis.name.isEmpty())
            axis.name = u"dim_%1"_s.arg(i);
        result.axes.push_back(axis);
    }
    return result;
}

// Whole-degree steps a map reader expects (60° of longitude, 30° of latitude) instead of the
// ticker's decimal 50s.
static void useDegreeTicks(QCPAxis *axis, const tessera::Axis &meta, double span)
{
    if (!meta.units.trimmed().startsWith(u"degree", Qt::CaseInsensitive) || span < 90)
        return;
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(span > 200 ? 60 : 30);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
}

int tickPrecision(const QCPRange &range, int tickCount)
{
    const double magnitude = std::max(std::abs(range.lower), std::abs(range.upper));
    const double step = range.size() / std::max(1, tickCount);
    if (!(magnitude > 0) || !(step > 0) || !std::isfinite(magnitude) || !std::isfinite(step))
        return 6;
    // Digits before the point of the largest label, plus those down to a tenth of a step.
    const int digits = int(std::floor(std::log10(magnitude))) - int(std::floor(std::log10(step))) + 2;
    return std::clamp(digits, 6, 15);
}

void fitTickPrecision(QCPAxis *axis)
{
    const auto fit = [axis](const QCPRange &range) {
        const int precision = tickPrecision(range, axis->ticker()->tickCount());
        if (axis->numberPrecision() != precision)
            axis->setNumberPrecision(precision);
    };
    // One fitting connection per axis, however many results it has shown.
    QObject::disconnect(axis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), axis, nullptr);
    QObject::connect(axis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), axis, fit);
    fit(axis->range());
}

// Whole-number coordinates (months, days of the year, hours) get whole-number ticks.
static void useWholeTicks(QCPAxis *axis, const QVector<double> &keys)
{
    if (keys.isEmpty() || !std::all_of(keys.begin(), keys.end(), [](double key) { return key == std::round(key); }))
        return;
    if (!qSharedPointerDynamicCast<QCPAxisTickerFixed>(axis->ticker()).isNull())
        return; // degree ticks already
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
}

// Text coordinates (seasons) as the ticks' text, one tick per value.
static void useLabelTicks(QCPAxis *axis, const tessera::Axis &meta, const QVector<double> &keys)
{
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (qsizetype i = 0; i < keys.size() && i < qsizetype(meta.labels.size()); ++i)
        ticker->addTick(keys[i], meta.labels[std::size_t(i)]);
    axis->setTicker(ticker);
}

namespace {

// QCPColorMapData filled a row at a time: setCell checks the indices and updates the data bounds
// for each of the million cells of a 721 x 1440 map, and QCPColorMapData's constructor zeroes
// its cells twice over before they are filled.
class RowFilledCells final : public QCPColorMapData
{
public:
    RowFilledCells(int columns, int rows, const QCPRange &keyRange, const QCPRange &valueRange)
        : QCPColorMapData(0, 0, keyRange, valueRange)
    {
        // The cells QCPColorMapData would have made (its destructor frees them), left unwritten:
        // fill() writes every one.
        mKeySize = columns;
        mValueSize = rows;
        mIsEmpty = columns == 0 || rows == 0;
        mData = mIsEmpty ? nullptr : new double[std::size_t(columns) * std::size_t(rows)];
    }

    // `values` row-major, rows x columns. QCPColorMapData's ranges always ascend, so descending
    // coordinates (latitude 90..-90) fill the cells from the far end: north stays up.
    ValueStats fill(const double *values, bool rowsDescend, bool columnsDescend)
    {
        const std::int64_t rows = valueSize();
        const std::int64_t columns = keySize();
        for (std::int64_t row = 0; row < rows; ++row) {
            const double *from = values + row * columns;
            double *to = mData + (rowsDescend ? rows - 1 - row : row) * columns;
            if (columnsDescend)
                std::reverse_copy(from, from + columns, to);
            else
                std::copy(from, from + columns, to);
        }
        // The bounds recalculateDataBounds() would find, from the pass the caller needs anyway.
        const ValueStats stats = valueStats(mData, rows * columns);
        mDataBounds = stats.count ? QCPRange(stats.min, stats.max) : QCPRange();
        mDataModified = true;
        return stats;
    }
};

constexpr const char *RowFilledProperty = "tesseraRowFilledCells";

} // namespace

ValueStats setHeatmapValues(QCPColorMap *map, const double *values, const tessera::ArrayMeta &meta)
{
    const std::size_t rank = meta.shape.size();
    const bool rowsDescend = axisExtent(meta.axes[rank - 2], meta.shape[rank - 2]).descending;
    const bool columnsDescend = axisExtent(meta.axes[rank - 1], meta.shape[rank - 1]).descending;
    // QCPColorMapData has no virtual functions to ask its type with: addHeatmap marks its maps.
    if (map->property(RowFilledProperty).toBool())
        return static_cast<RowFilledCells *>(map->data())->fill(values, rowsDescend, columnsDescend);
    // A map not made by addHeatmap: cell by cell.
    const std::int64_t rows = meta.shape[rank - 2];
    const std::int64_t columns = meta.shape[rank - 1];
    for (std::int64_t row = 0; row < rows; ++row) {
        for (std::int64_t column = 0; column < columns; ++column)
            map->data()->setCell(int(columnsDescend ? columns - 1 - column : column), int(rowsDescend ? rows - 1 - row : row),
                                 values[row * columns + column]);
    }
    return valueStats(values, rows * columns);
}

QCPColorMap *addHeatmap(QCustomPlot *plot, const double *values, const tessera::ArrayMeta &meta, Placed &placed)
{
    const std::size_t rank = meta.shape.size();
    const std::int64_t rows = meta.shape[rank - 2];
    const std::int64_t columns = meta.shape[rank - 1];
    const tessera::Axis &rowAxis = meta.axes[rank - 2];
    const tessera::Axis &columnAxis = meta.axes[rank - 1];
    const AxisExtent x = axisExtent(columnAxis, columns);
    const AxisExtent y = axisExtent(rowAxis, rows);

    auto *map = new QCPColorMap(plot->xAxis, plot->yAxis);
    map->setData(new RowFilledCells(int(columns), int(rows), QCPRange(x.lower, x.upper), QCPRange(y.lower, y.upper)));
    map->setProperty(RowFilledProperty, true);
    placed.values = setHeatmapValues(map, values, meta);
    map->setInterpolate(false);
    map->setTightBoundary(false);

    plot->xAxis->setLabel(axisLabel(columnAxis));
    plot->yAxis->setLabel(axisLabel(rowAxis));
    placed.homeKeyRange = QCPRange(x.lower - x.halfCell, x.upper + x.halfCell);
    placed.homeValueRange = QCPRange(y.lower - y.halfCell, y.upper + y.halfCell);
    plot->xAxis->setRange(placed.homeKeyRange);
    plot->yAxis->setRange(placed.homeValueRange);
    useDegreeTicks(plot->xAxis, columnAxis, x.upper - x.lower);
    useDegreeTicks(plot->yAxis, rowAxis, y.upper - y.lower);
    return map;
}

QCPGraph *addLine(QCustomPlot *plot, const tessera::NdArray &values, const tessera::ArrayMeta &meta,
                  std::optional<tessera::CfTimeUnits> &timeUnits, Placed &placed)
{
    const tessera::Axis &axis = meta.axes.front();
    const std::int64_t count = meta.shape.front();
    const bool coordinates = axis.values.size() == std::size_t(count);
    timeUnits = coordinates ? dateUnits(axis) : std::nullopt;

    QVector<double> keys(count);
    QVector<double> samples(count);
    for (std::int64_t i = 0; i < count; ++i) {
        const double coordinate = coordinates ? axis.values[std::size_t(i)] : double(i);
        keys[i] = timeUnits ? timeUnits->toEpochSeconds(coordinate) : coordinate;
        samples[i] = values.at(i);
    }
    QCPGraph *graph = plot->addGraph();
    graph->setData(keys, samples); // sorts by key, so descending latitudes draw left to right
    // One pixel: Qt strokes an antialiased line any wider as a filled outline per segment, 7-10 ms
    // for 360 points against 0.6 ms, and a statement's answer waits for it.
    graph->setPen(QPen(QColor(0x2f, 0x6f, 0xb0), 1.0));
    if (count <= 60)
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));

    bool found = false;
    QCPRange keyRange = graph->getKeyRange(found);
    if (!found || keyRange.size() <= 0)
        keyRange = QCPRange(keyRange.lower - 1, keyRange.lower + 1);
    if (timeUnits) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
        ticker->setTimeZone(QTimeZone::utc());
        const double days = keyRange.size() / 86400;
        ticker->setDateTimeFormat(days > 730 ? u"yyyy-MM"_s : days > 4 ? u"d MMM\nyyyy"_s : u"d MMM\nhh:mm"_s);
        plot->xAxis->setTicker(ticker);
        plot->xAxis->setLabel(QCoreApplication::translate("ResultView", "%1 (UTC)").arg(axisLabel(axis)));
    } else if (axis.labels.size() == std::size_t(count)) {
        plot->xAxis->setLabel(axisLabel(axis));
        useLabelTicks(plot->xAxis, axis, keys);
        keyRange = QCPRange(keyRange.lower - 0.5, keyRange.upper + 0.5);
    } else {
        plot->xAxis->setLabel(axisLabel(axis));
        useDegreeTicks(plot->xAxis, axis, keyRange.size());
        useWholeTicks(plot->xAxis, keys);
        fitTickPrecision(plot->xAxis);
    }
    plot->yAxis->setLabel(valueLabel(meta));
    fitTickPrecision(plot->yAxis);

    const ValueStats stats = valueStats(samples.constData(), count);
    QCPRange valueRange = stats.count ? QCPRange(stats.min, stats.max) : QCPRange(0, 1);
    const double pad = valueRange.size() > 0 ? valueRange.size() * 0.06 : std::max(std::abs(valueRange.lower) * 0.05, 1.0);
    placed.homeKeyRange = keyRange;
    placed.homeValueRange = QCPRange(valueRange.lower - pad, valueRange.upper + pad);
    plot->xAxis->setRange(placed.homeKeyRange);
    plot->yAxis->setRange(placed.homeValueRange);
    return graph;
}

} // namespace resultplots

} // namespace tessera::ui
