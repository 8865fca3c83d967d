// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/resultview.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"
#include "ui/views/plotlabels.h"
#include "ui/views/resultplots.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

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

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_messagePage);
    m_stack->addWidget(m_plot);

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
    }
    m_gradientBox->hide();
    setReadout({});
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
    m_title->setText(statement);
    m_note->clear();
    m_note->hide();
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
    default: showSummary(result); break;
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

    m_stack->setCurrentWidget(m_plot);
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

    const std::size_t rank = meta.shape.size();
    const ValueStats stats = valueStats(values, meta.shape[rank - 2] * meta.shape[rank - 1]);
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
    m_gradientBox->show();

    m_stack->setCurrentWidget(m_plot);
    m_plot->replot();
}

void ResultView::showSummary(const tessera::EvaluationResult &result)
{
    const ValueStats stats = valueStats(result.value.data(), result.value.size());
    const QString units = prettyUnits(result.meta.units);
    const QString unitSuffix = units.isEmpty() ? QString() : u" "_s + units;
    m_note->setText(tr("Shape %1 · min %2 · max %3 · mean %4%5. The heatmap shows %6.")
                        .arg(tessera::shapeToString(result.value.shape()), formatValue(stats.min), formatValue(stats.max),
                             formatValue(stats.mean), unitSuffix, firstSliceText(result.meta.name, int(m_meta.shape.size()))));
    m_note->show();
    // Row-major order puts the first 2-D slice at the start of the buffer.
    showHeatmap(result.value.data(), m_meta);
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
}

void ResultView::applyGradient()
{
    const int index = m_gradientBox->findData(int(m_gradient));
    if (index >= 0)
        m_gradientBox->setCurrentIndex(index);
    if (!m_colorScale)
        return;
    m_colorScale->setGradient(makeGradient(m_gradient));
    m_plot->replot();
}

bool ResultView::exportPng(const QString &fileName)
{
    if (m_stack->currentWidget() == m_plot)
        return m_plot->savePng(fileName, 0, 0, 2.0);
    return grab().save(fileName, "PNG");
}

bool ResultView::exportPdf(const QString &fileName)
{
    if (m_stack->currentWidget() == m_plot)
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
