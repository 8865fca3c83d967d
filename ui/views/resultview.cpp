// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/resultview.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"
#include "ui/views/mapstack.h"
#include "ui/views/plotlabels.h"
#include "ui/views/resultplots.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QScopeGuard>
#include <QSignalBlocker>
#include <QSlider>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera::ui {

using namespace plotlabels;
using namespace resultplots;

ResultView::ResultView(QWidget *parent)
    : QWidget(parent)
{
    m_title = viewstyle::makeTitleLabel(this);
    m_gradientBox = new QComboBox(this);
    for (const GradientChoice &choice : gradientChoices)
        m_gradientBox->addItem(tr(choice.name), int(choice.preset));
    m_gradientBox->setToolTip(tr("Colour gradient of the heatmap"));
    auto *pngButton = new QToolButton(this);
    pngButton->setText(tr("PNG…"));
    pngButton->setToolTip(tr("Export the result as a PNG image"));
    auto *pdfButton = new QToolButton(this);
    pdfButton->setText(tr("PDF…"));
    pdfButton->setToolTip(tr("Export the result as a PDF document"));

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_gradientBox);
    header->addWidget(pngButton);
    header->addWidget(pdfButton);

    m_note = new QLabel(this);
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->setObjectName(u"resultNote"_s);

    m_messagePage = new QWidget(this);
    m_bigValue = new QLabel(m_messagePage);
    m_bigValue->setAlignment(Qt::AlignCenter);
    m_bigValue->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bigFont = m_bigValue->font();
    bigFont.setPointSizeF(bigFont.pointSizeF() * 3);
    m_bigValue->setFont(bigFont);
    m_message = new QLabel(m_messagePage);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    auto *messageLayout = new QVBoxLayout(m_messagePage);
    messageLayout->addStretch(1);
    messageLayout->addWidget(m_bigValue);
    messageLayout->addWidget(m_message);
    messageLayout->addStretch(2);

    m_plot = new QCustomPlot(this);
    viewstyle::applyPlotStyle(m_plot);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Keeps the colour bar as tall as the map.
    m_marginGroup = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, m_marginGroup);

    // Below the map of a stack: which map, a slider over them, and the line of their means.
    m_mapBar = new QWidget(this);
    m_mapLabel = new QLabel(m_mapBar);
    m_mapLabel->setTextFormat(Qt::PlainText);
    m_mapLabel->setMinimumWidth(m_mapLabel->fontMetrics().horizontalAdvance(u"season 2014-01-02 06:00"_s));
    m_mapSlider = new QSlider(Qt::Horizontal, m_mapBar);
    m_mapSlider->setToolTip(tr("Which map of the stack the heatmap shows (arrow keys step through them)"));
    auto *mapBarLayout = new QHBoxLayout(m_mapBar);
    mapBarLayout->setContentsMargins(0, 0, 0, 0);
    mapBarLayout->addWidget(m_mapLabel);
    mapBarLayout->addWidget(m_mapSlider, 1);
    m_meansPlot = new QCustomPlot(this);
    viewstyle::applyPlotStyle(m_meansPlot);
    m_meansPlot->setMinimumHeight(120);

    m_plotPage = new QWidget(this);
    auto *plotLayout = new QVBoxLayout(m_plotPage);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->addWidget(m_plot, 3);
    plotLayout->addWidget(m_mapBar);
    plotLayout->addWidget(m_meansPlot, 1);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_messagePage);
    m_stack->addWidget(m_plotPage);

    m_readout = new QLabel(this);
    m_readout->setTextFormat(Qt::PlainText);
    m_readout->setObjectName(u"resultReadout"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_note);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_readout);

    connect(m_gradientBox, &QComboBox::activated, this,
            [this](int index) { setGradient(QCPColorGradient::GradientPreset(m_gradientBox->itemData(index).toInt())); });
    connect(pngButton, &QToolButton::clicked, this, [this] { exportWithDialog(false); });
    connect(pdfButton, &QToolButton::clicked, this, [this] { exportWithDialog(true); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &ResultView::onMouseMove);
    connect(m_mapSlider, &QSlider::valueChanged, this, &ResultView::showMap);
    // Double-click returns from drag and zoom to the whole result.
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent *) {
        m_plot->xAxis->setRange(m_homeKeyRange);
        m_plot->yAxis->setRange(m_homeValueRange);
        m_plot->replot();
    });

    clear();
}

ResultView::~ResultView() = default;

void ResultView::clear()
{
    resetPlot();
    syncMapControls();
    m_title->setText(tr("No result yet"));
    m_note->clear();
    m_note->hide();
    m_bigValue->clear();
    m_message->setText(tr("Run an expression in the console to see its value here."));
    m_stack->setCurrentWidget(m_messagePage);
}

void ResultView::resetPlot()
{
    m_plot->clearItems();
    m_plot->clearPlottables();
    if (m_colorScale) {
        m_plot->plotLayout()->remove(m_colorScale);
        m_plot->plotLayout()->simplify();
    }
    m_colorScale = nullptr;
    m_colorMap = nullptr;
    m_graph = nullptr;
    m_tracer = nullptr;
    m_timeUnits.reset();
    m_scalarShown = false;
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setLabel({});
        axis->setNumberPrecision(6);
    }
    m_stackValues = {};
    m_components = {};
    m_fractions = {};
    m_meansPlot->clearItems();
    m_meansPlot->clearPlottables();
    m_meansGraph = nullptr;
    m_meansMarker = nullptr;
    m_meanKeys.clear();
    setReadout({});
}

// Shown or hidden once a result is in place, not hidden first and shown again: each change lays
// out the plot's page, which resizes the plot and replots it (a 721 x 1440 map a second time).
void ResultView::syncMapControls()
{
    const bool stack = !m_stackValues.isNull();
    m_gradientBox->setVisible(m_colorMap != nullptr);
    m_mapBar->setVisible(stack);
    m_meansPlot->setVisible(stack);
}

QString ResultView::scalarText() const
{
    return m_scalarShown ? m_bigValue->text() : QString();
}

QString ResultView::noteText() const
{
    return m_note->text();
}

void ResultView::showResult(const tessera::EvaluationResult &result, const QString &statement)
{
    resetPlot();
    const auto syncControls = qScopeGuard([this] { syncMapControls(); });
    m_title->setText(statement);
    m_note->clear();
    m_note->hide();
    if (!result.saved.isEmpty()) {
        m_bigValue->setText(tr("Saved"));
        m_message->setText(result.saved);
        m_stack->setCurrentWidget(m_messagePage);
        return;
    }
    if (!result.gathered) {
        showDistributed(result);
        return;
    }
    const tessera::Shape shape = result.value.isNull() ? result.meta.shape : result.value.shape();
    if (result.value.isNull() || tessera::elementCount(shape) == 0) {
        m_bigValue->clear();
        m_message->setText(tr("The result is empty: shape %1.").arg(tessera::shapeToString(shape)));
        m_stack->setCurrentWidget(m_messagePage);
        return;
    }
    m_meta = squeezed(result.meta, shape);
    switch (m_meta.shape.size()) {
    case 0: showScalar(result); break;
    case 1: showLine(result); break;
    case 2: showHeatmap(result.value.data(), m_meta); break;
    default: showStack(result); break;
    }
}

void ResultView::showScalar(const tessera::EvaluationResult &result)
{
    const QString units = prettyUnits(result.meta.units);
    m_bigValue->setText(formatValue(result.value.at(0)) + (units.isEmpty() ? QString() : u" "_s + units));
    m_message->setText(result.meta.longName);
    m_scalarShown = true;
    m_stack->setCurrentWidget(m_messagePage);
}

void ResultView::showLine(const tessera::EvaluationResult &result)
{
    Placed placed;
    m_graph = addLine(m_plot, result.value, m_meta, m_timeUnits, placed);
    m_homeKeyRange = placed.homeKeyRange;
    m_homeValueRange = placed.homeValueRange;
    m_tracer = new QCPItemTracer(m_plot);
    m_tracer->setGraph(m_graph);
    m_tracer->setStyle(QCPItemTracer::tsCircle);
    m_tracer->setSize(9);
    m_tracer->setPen(QPen(QColor(0xd9, 0x53, 0x4f), 1.5));
    m_tracer->setVisible(false);

    m_stack->setCurrentWidget(m_plotPage);
    m_plot->replot();
}

void ResultView::showHeatmap(const double *values, const tessera::ArrayMeta &meta)
{
    Placed placed;
    m_colorMap = addHeatmap(m_plot, values, meta, placed);
    m_homeKeyRange = placed.homeKeyRange;
    m_homeValueRange = placed.homeValueRange;

    m_colorScale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_colorScale);
    m_colorScale->setType(QCPAxis::atRight);
    m_colorScale->setBarWidth(14);
    m_colorScale->axis()->setLabel(valueLabel(meta));
    m_colorScale->setMarginGroup(QCP::msTop | QCP::msBottom, m_marginGroup);
    m_colorMap->setColorScale(m_colorScale);
    fitTickPrecision(m_colorScale->axis());

    const ValueStats &stats = placed.values;
    // A field of anomalies (both signs) reads best on a diverging gradient centred on zero,
    // unless the user has picked a gradient.
    if (!m_gradientChosen)
        m_gradient = stats.count && stats.min < 0 && stats.max > 0 ? QCPColorGradient::gpPolar : QCPColorGradient::gpThermal;
    QCPRange dataRange = stats.count ? QCPRange(stats.min, stats.max) : QCPRange(0, 1);
    if (m_gradient == QCPColorGradient::gpPolar && stats.min < 0 && stats.max > 0) {
        const double extreme = std::max(-stats.min, stats.max);
        dataRange = QCPRange(-extreme, extreme);
    }
    if (dataRange.size() <= 0)
        dataRange = QCPRange(dataRange.lower - 0.5, dataRange.upper + 0.5);
    m_colorScale->setDataRange(dataRange);
    applyGradient();

    m_stack->setCurrentWidget(m_plotPage);
    m_plot->replot();
}

void ResultView::showStack(const tessera::EvaluationResult &result)
{
    m_stackValues = result.value;
    const std::int64_t maps = mapstack::mapCount(m_meta);
    const ValueStats stats = valueStats(result.value.data(), result.value.size());
    const QString units = prettyUnits(result.meta.units);
    const QString unitSuffix = units.isEmpty() ? QString() : u" "_s + units;
    m_note->setText(tr("Shape %1 · min %2 · max %3 · mean %4%5. %6 maps on one colour range: slide to pick one.")
                        .arg(tessera::shapeToString(result.value.shape()), formatValue(stats.min), formatValue(stats.max),
                             formatValue(stats.mean), unitSuffix)
                        .arg(maps));
    m_note->show();
    showHeatmap(result.value.data(), m_meta);
    // One colour range for the whole stack, so maps compare by colour.
    QCPRange range = stats.count ? QCPRange(stats.min, stats.max) : QCPRange(0, 1);
    if (m_gradient == QCPColorGradient::gpPolar && stats.min < 0 && stats.max > 0)
        range = QCPRange(-std::max(-stats.min, stats.max), std::max(-stats.min, stats.max));
    if (range.size() <= 0)
        range = QCPRange(range.lower - 0.5, range.upper + 0.5);
    m_colorScale->setDataRange(range);

    const QSignalBlocker blocker(m_mapSlider);
    m_mapSlider->setRange(0, int(maps - 1));
    m_mapSlider->setValue(0);
    if (!m_meansTitle) {
        m_meansPlot->plotLayout()->insertRow(0);
        m_meansTitle = new QCPTextElement(m_meansPlot, QString(), QFont(font().family(), font().pointSize() - 1));
        m_meansPlot->plotLayout()->addElement(0, 0, m_meansTitle);
    }
    // An EOF's patterns: below each, its principal component; otherwise the means of the maps.
    for (const tessera::EvaluationResult::Companion &companion : result.companions) {
        if (companion.meta.name == u"pcs")
            m_components = companion;
        else if (companion.meta.name == u"variance_fraction")
            m_fractions = companion.value;
    }
    if (m_components.value.isNull())
        showMapMeans(result);
    showMap(0);
}

void ResultView::showMapMeans(const tessera::EvaluationResult &result)
{
    const std::int64_t maps = mapstack::mapCount(m_meta);
    // The means over the leading axis (its coordinates, dates or labels) when there is one,
    // over the map's number otherwise.
    tessera::ArrayMeta series;
    series.shape = {maps};
    series.units = result.meta.units;
    series.longName = mapstack::rowsAreLatitudes(m_meta) ? tr("Area-weighted mean of each map") : tr("Mean of each map");
    tessera::Axis mapAxis;
    mapAxis.name = tr("map");
    series.axes = {m_meta.shape.size() == 3 ? m_meta.axes.front() : mapAxis};
    const std::vector<double> means = mapstack::mapMeans(result.value.data(), m_meta);
    std::optional<tessera::CfTimeUnits> seriesTime;
    Placed placed;
    m_meansGraph = addLine(m_meansPlot, tessera::NdArray::fromVector({maps}, means), series, seriesTime, placed);
    m_meanKeys.clear();
    for (qsizetype i = 0; i < m_meansGraph->data()->size(); ++i)
        m_meanKeys.push_back(m_meansGraph->data()->at(i)->key);
    if (!m_meanKeys.empty() && m_meanKeys.front() > m_meanKeys.back()) // descending coordinates: the graph sorted them
        std::reverse(m_meanKeys.begin(), m_meanKeys.end());
    fitShortPlot(placed, prettyUnits(result.meta.units));
    m_meansTitle->setText(series.longName);
    m_meansMarker = new QCPItemStraightLine(m_meansPlot);
    m_meansMarker->setPen(QPen(QColor(0xd9, 0x53, 0x4f), 1.2, Qt::DashLine));
}

// The plot below the map is short: its long label goes in a title row, the value axis keeps the
// units and three ticks, and the first and last points stay in sight.
void ResultView::fitShortPlot(const Placed &placed, const QString &units)
{
    m_meansPlot->yAxis->setLabel(units);
    m_meansPlot->yAxis->ticker()->setTickCount(3);
    const double pad = placed.homeKeyRange.size() * 0.03;
    m_meansPlot->xAxis->setRange(placed.homeKeyRange.lower - pad, placed.homeKeyRange.upper + pad);
}

// Mode `mode`'s principal component, with its share of the variance in the title.
void ResultView::showComponent(int mode)
{
    m_meansPlot->clearPlottables();
    const std::int64_t steps = m_components.value.shape().back();
    tessera::ArrayMeta series;
    series.shape = {steps};
    series.axes = {m_components.meta.axes.back()};
    series.longName = m_components.meta.longName;
    std::optional<tessera::CfTimeUnits> seriesTime;
    Placed placed;
    m_meansGraph = addLine(m_meansPlot, m_components.value.view(std::int64_t(mode) * steps, {steps}), series, seriesTime, placed);
    fitShortPlot(placed, QString());
    const double fraction = std::int64_t(mode) < m_fractions.size() ? m_fractions.at(mode) : std::nan("");
    m_meansTitle->setText(
        tr("Mode %1: %2% of the variance; its principal component").arg(mode + 1).arg(100 * fraction, 0, 'f', 1));
    m_meansPlot->replot();
}

void ResultView::showMap(int index)
{
    if (m_stackValues.isNull() || !m_colorMap || index < 0 || index >= int(mapstack::mapCount(m_meta)))
        return;
    setHeatmapValues(m_colorMap, m_stackValues.data() + std::int64_t(index) * mapstack::mapSize(m_meta), m_meta);
    m_mapLabel->setText(mapstack::mapName(m_meta, index));
    if (!m_components.value.isNull())
        showComponent(index);
    if (m_meansMarker && std::size_t(index) < m_meanKeys.size()) {
        const double key = m_meanKeys[std::size_t(index)];
        m_meansMarker->point1->setCoords(key, 0);
        m_meansMarker->point2->setCoords(key, 1);
        m_meansPlot->replot();
    }
    m_plot->replot();
}

QString ResultView::mapText() const
{
    return m_mapBar->isVisible() || !m_stackValues.isNull() ? m_mapLabel->text() : QString();
}

void ResultView::showDistributed(const tessera::EvaluationResult &result)
{
    const QString name = result.arrayName.isEmpty() ? result.meta.name : result.arrayName;
    m_bigValue->setText(name);
    m_message->setText(tr("Shape %1, %2, stays on the workers.\nReduce it (%3.mean(axis=0)) or slice it (%3[0]) to "
                          "bring a view of it here; the block map shows where its blocks are.")
                           .arg(tessera::shapeToString(result.meta.shape), formatBytes(result.meta.byteSize()), name));
    m_note->setText(tr("Distributed result %1 %2").arg(name, tessera::shapeToString(result.meta.shape)));
    m_note->show();
    m_stack->setCurrentWidget(m_messagePage);
}

void ResultView::setGradient(QCPColorGradient::GradientPreset preset)
{
    m_gradient = preset;
    m_gradientChosen = true;
    applyGradient();
    m_plot->replot();
}

void ResultView::applyGradient()
{
    const int index = m_gradientBox->findData(int(m_gradient));
    if (index >= 0)
        m_gradientBox->setCurrentIndex(index);
    if (!m_colorScale)
        return;
    m_colorScale->setGradient(makeGradient(m_gradient));
}

bool ResultView::exportPng(const QString &fileName)
{
    if (m_stack->currentWidget() == m_plotPage)
        return m_plot->savePng(fileName, 0, 0, 2.0);
    return grab().save(fileName, "PNG");
}

bool ResultView::exportPdf(const QString &fileName)
{
    if (m_stack->currentWidget() == m_plotPage)
        return m_plot->savePdf(fileName);
    QPdfWriter writer(fileName);
    writer.setTitle(m_title->text());
    QPainter painter;
    if (!painter.begin(&writer))
        return false;
    const QPixmap picture = grab();
    const QRect page = painter.viewport();
    const QSize size = picture.size().scaled(page.size(), Qt::KeepAspectRatio);
    painter.drawPixmap(QRect(page.topLeft(), size), picture);
    return painter.end();
}

void ResultView::exportWithDialog(bool pdf)
{
    const QString filter = pdf ? tr("PDF document (*.pdf)") : tr("PNG image (*.png)");
    const QString fileName = QFileDialog::getSaveFileName(this, pdf ? tr("Export PDF") : tr("Export PNG"),
                                                          pdf ? u"result.pdf"_s : u"result.png"_s, filter);
    if (fileName.isEmpty())
        return;
    if (!(pdf ? exportPdf(fileName) : exportPng(fileName)))
        QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(fileName));
}

void ResultView::onMouseMove(QMouseEvent *event)
{
    const double key = m_plot->xAxis->pixelToCoord(event->position().x());
    const double value = m_plot->yAxis->pixelToCoord(event->position().y());
    if (m_colorMap) {
        QCPColorMapData *cells = m_colorMap->data();
        int column = 0;
        int row = 0;
        cells->coordToCell(key, value, &column, &row);
        if (!m_plot->axisRect()->rect().contains(event->position().toPoint()) || column < 0 || row < 0
            || column >= cells->keySize() || row >= cells->valueSize()) {
            setReadout({});
            return;
        }
        double cellKey = 0;
        double cellValue = 0;
        cells->cellToCoord(column, row, &cellKey, &cellValue);
        const std::size_t rank = m_meta.axes.size();
        setReadout(coordinateText(m_meta.axes[rank - 1], cellKey) + u"  ·  "_s + coordinateText(m_meta.axes[rank - 2], cellValue)
                   + u"  ·  "_s + formatValue(cells->cell(column, row)) + u' ' + prettyUnits(m_meta.units));
        return;
    }
    if (m_graph && m_tracer && !m_graph->data()->isEmpty()) {
        m_tracer->setGraphKey(key);
        m_tracer->updatePosition();
        m_tracer->setVisible(true);
        const double pointKey = m_tracer->position->key();
        const QString where = m_timeUnits ? dateText(pointKey) : coordinateText(m_meta.axes.front(), pointKey);
        setReadout(where + u"  ·  "_s + formatValue(m_tracer->position->value()) + u' ' + prettyUnits(m_meta.units));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void ResultView::setReadout(const QString &text)
{
    if (m_readout->text() == text)
        return;
    m_readout->setText(text);
    Q_EMIT readoutChanged(text);
}

} // namespace tessera::ui
