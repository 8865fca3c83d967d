// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/blockmapcanvas.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

constexpr double margin = 10;
constexpr double minimumStripCell = 6; // narrower strip cells wrap onto the next row
const QColor pendingColor(0xe6, 0xe6, 0xe6);

} // namespace

BlockMapCanvas::BlockMapCanvas(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
}

void BlockMapCanvas::setContent(BlockMapContent content)
{
    m_content = std::move(content);
    m_gridAxes.clear();
    const tessera::Shape grid = m_content.chunks.gridShape();
    for (int axis = 0; axis < int(grid.size()); ++axis) {
        if (grid[std::size_t(axis)] > 1)
            m_gridAxes.push_back(axis);
    }
    if (m_selected >= std::int64_t(m_content.blockWorker.size()))
        m_selected = -1;
    relayout();
    update();
}

void BlockMapCanvas::setSelectedBlock(std::int64_t flat)
{
    m_selected = flat;
    update();
}

QColor BlockMapCanvas::cellColor(std::int64_t flat) const
{
    return flat >= 0 && flat < std::int64_t(m_cells.size()) ? m_cells[std::size_t(flat)].color : QColor();
}

int BlockMapCanvas::laneOf(std::int64_t flat) const
{
    return flat >= 0 && flat < std::int64_t(m_laneOfBlock.size()) ? m_laneOfBlock[std::size_t(flat)] : -1;
}

QRectF BlockMapCanvas::cellRect(std::int64_t flat) const
{
    return flat >= 0 && flat < std::int64_t(m_cells.size()) ? m_cells[std::size_t(flat)].rect : QRectF();
}

std::int64_t BlockMapCanvas::blockAt(const QPointF &position) const
{
    for (std::size_t flat = 0; flat < m_cells.size(); ++flat) {
        if (m_cells[flat].rect.contains(position))
            return std::int64_t(flat);
    }
    for (const LaneGeometry &lane : m_lanes) {
        if (!lane.barRect.contains(position))
            continue;
        for (const auto &[flat, rect] : lane.blocks) {
            // Blocks narrower than a pixel are still hit by the pixel they are drawn in.
            if (position.x() >= std::floor(rect.left()) && position.x() <= std::max(rect.right(), rect.left() + 1))
                return flat;
        }
    }
    return -1;
}

QSize BlockMapCanvas::sizeHint() const
{
    return QSize(640, std::max(m_contentHeight, 200));
}

QSize BlockMapCanvas::minimumSizeHint() const
{
    return QSize(240, m_contentHeight);
}

void BlockMapCanvas::gridPlacement(std::int64_t &rows, std::int64_t &columns) const
{
    const tessera::Shape grid = m_content.chunks.gridShape();
    const double width = std::max(1.0, double(this->width()) - 2 * margin);
    if (m_gridAxes.empty()) {
        rows = columns = m_content.blockWorker.empty() ? 0 : 1;
    } else if (m_gridAxes.size() == 1) {
        // A strip of blocks along one axis (one block per file): wrap it when it would be
        // narrower than a few pixels per block.
        const std::int64_t count = grid[std::size_t(m_gridAxes.front())];
        columns = std::clamp<std::int64_t>(std::int64_t(width / minimumStripCell), 1, count);
        rows = (count + columns - 1) / columns;
    } else {
        // The last split axis runs across; the others, row-major, down.
        columns = grid[std::size_t(m_gridAxes.back())];
        rows = 1;
        for (std::size_t i = 0; i + 1 < m_gridAxes.size(); ++i)
            rows *= grid[std::size_t(m_gridAxes[i])];
    }
}

std::pair<std::int64_t, std::int64_t> BlockMapCanvas::gridCell(std::int64_t flat, std::int64_t columns) const
{
    if (m_gridAxes.empty())
        return {0, 0};
    const tessera::BlockIndex index = m_content.chunks.unflatten(flat);
    if (m_gridAxes.size() == 1) {
        const std::int64_t position = index[std::size_t(m_gridAxes.front())];
        return {position / columns, position % columns};
    }
    const tessera::Shape grid = m_content.chunks.gridShape();
    std::int64_t row = 0;
    for (std::size_t i = 0; i + 1 < m_gridAxes.size(); ++i) {
        const auto axis = std::size_t(m_gridAxes[i]);
        row = row * grid[axis] + index[axis];
    }
    return {row, index[std::size_t(m_gridAxes.back())]};
}

void BlockMapCanvas::relayout()
{
    double y = layoutLegend(margin);
    y = layoutGrid(y);
    y = layoutLanes(y);
    const int height = int(std::ceil(y + margin));
    if (height != m_contentHeight) {
        m_contentHeight = height;
        setMinimumHeight(height);
        updateGeometry();
    }
}

// A swatch and label per worker, flowing onto new lines as needed; returns where the next part starts.
double BlockMapCanvas::layoutLegend(double y)
{
    const QFontMetricsF metrics(font());
    const double lineHeight = metrics.height();
    const double width = std::max(1.0, double(this->width()) - 2 * margin);
    m_legendEntries.clear();
    double x = margin;
    for (int worker = 0; worker < int(m_content.lanes.size()); ++worker) {
        const double entryWidth = 18 + metrics.horizontalAdvance(m_content.lanes[std::size_t(worker)].label) + 18;
        if (x > margin && x + entryWidth > margin + width) {
            x = margin;
            y += lineHeight + 4;
        }
        m_legendEntries.push_back({QRectF(x, y + (lineHeight - 12) / 2, 12, 12), worker});
        x += entryWidth;
    }
    m_legendRect = QRectF(margin, margin, width, m_legendEntries.empty() ? 0 : y + lineHeight - margin);
    y += m_legendEntries.empty() ? 0 : lineHeight + 12;

    return y;
}

// (a) The chunk grid.
double BlockMapCanvas::layoutGrid(double y)
{
    const QFontMetricsF metrics(font());
    const double lineHeight = metrics.height();
    const double width = std::max(1.0, double(this->width()) - 2 * margin);
    m_gridTitlePos = QPointF(margin, y + metrics.ascent());
    y += lineHeight + 4;
    std::int64_t rows = 0;
    std::int64_t columns = 0;
    gridPlacement(rows, columns);
    double cellWidth = columns > 0 ? width / double(columns) : 0;
    double cellHeight = rows == 1 ? 30 : std::clamp(cellWidth, 10.0, 30.0);
    if (m_gridAxes.size() > 1) { // square cells for a 2-D grid of blocks, at most ~240 px tall
        cellWidth = std::min({cellWidth, 64.0, std::max(8.0, 240.0 / double(std::max<std::int64_t>(rows, 1)))});
        cellHeight = cellWidth;
    }
    const double gap = cellWidth > 5 ? 1 : 0;
    const std::size_t blockCount = m_content.blockWorker.size();
    m_cells.assign(blockCount, {});
    for (std::size_t flat = 0; flat < blockCount; ++flat) {
        const auto [row, column] = gridCell(std::int64_t(flat), columns);
        const int worker = m_content.blockWorker[flat];
        m_cells[flat].rect =
            QRectF(margin + double(column) * cellWidth, y + double(row) * cellHeight, cellWidth - gap, cellHeight - gap);
        m_cells[flat].color = worker >= 0                          ? viewstyle::workerColor(worker)
                              : worker == BlockMapContent::Damaged ? viewstyle::damagedColor()
                                                                   : pendingColor;
    }
    y += double(rows) * cellHeight + 16;

    return y;
}

// (b) One lane per worker; widths on one bytes scale across lanes.
double BlockMapCanvas::layoutLanes(double y)
{
    const QFontMetricsF metrics(font());
    const double lineHeight = metrics.height();
    const double width = std::max(1.0, double(this->width()) - 2 * margin);
    const std::size_t blockCount = m_content.blockWorker.size();
    m_laneTitlePos = QPointF(margin, y + metrics.ascent());
    y += lineHeight + 6;
    const bool knownBytes =
        std::any_of(m_content.blockBytes.begin(), m_content.blockBytes.end(), [](std::int64_t bytes) { return bytes > 0; });
    const auto bytesOf = [&](std::size_t flat) {
        return knownBytes && flat < m_content.blockBytes.size() ? double(m_content.blockBytes[flat]) : 1.0;
    };
    std::vector<double> totals(m_content.lanes.size(), 0);
    std::vector<int> counts(m_content.lanes.size(), 0);
    for (std::size_t flat = 0; flat < blockCount; ++flat) {
        const int worker = m_content.blockWorker[flat];
        if (worker >= 0 && worker < int(totals.size())) {
            totals[std::size_t(worker)] += bytesOf(flat);
            ++counts[std::size_t(worker)];
        }
    }
    std::vector<QString> captions;
    double labelWidth = 0;
    for (std::size_t worker = 0; worker < m_content.lanes.size(); ++worker) {
        QString caption = viewstyle::countText(counts[worker], tr("block"), tr("blocks"));
        if (knownBytes)
            caption += u" · "_s + formatBytes(std::int64_t(totals[worker]));
        labelWidth =
            std::max({labelWidth, metrics.horizontalAdvance(m_content.lanes[worker].label), metrics.horizontalAdvance(caption)});
        captions.push_back(caption);
    }
    labelWidth = std::min(labelWidth + 14, width / 3);
    const double largest = totals.empty() ? 1.0 : std::max(1.0, *std::max_element(totals.begin(), totals.end()));
    const double barWidth = std::max(1.0, width - labelWidth);
    const double laneHeight = std::max(2 * lineHeight + 6, 32.0);
    m_lanes.assign(m_content.lanes.size(), {});
    m_laneOfBlock.assign(blockCount, -1);
    for (std::size_t worker = 0; worker < m_content.lanes.size(); ++worker) {
        LaneGeometry &lane = m_lanes[worker];
        lane.labelRect = QRectF(margin, y, labelWidth - 8, laneHeight);
        lane.barRect = QRectF(margin + labelWidth, y + 3, barWidth, laneHeight - 6);
        lane.caption = captions[worker];
        double left = lane.barRect.left();
        for (std::size_t flat = 0; flat < blockCount; ++flat) {
            if (m_content.blockWorker[flat] != int(worker))
                continue;
            const double blockWidth = bytesOf(flat) / largest * barWidth;
            lane.blocks.push_back({std::int64_t(flat), QRectF(left, lane.barRect.top(), blockWidth, lane.barRect.height())});
            m_laneOfBlock[flat] = int(worker);
            left += blockWidth;
        }
        y += laneHeight + 4;
    }
    return y;
}

void BlockMapCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void BlockMapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    const QColor text = palette().text().color();
    const QColor secondary = palette().placeholderText().color();
    if (m_content.blockWorker.empty()) {
        painter.setPen(secondary);
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No blocks to show: scatter an array, or pick one in the workspace."));
        return;
    }

    painter.setPen(text);
    for (const auto &[swatch, worker] : m_legendEntries) {
        painter.fillRect(swatch, viewstyle::workerColor(worker));
        const BlockMapContent::Lane &lane = m_content.lanes[std::size_t(worker)];
        painter.setPen(lane.lost ? QColor(Qt::red) : text);
        painter.drawText(QPointF(swatch.right() + 6, swatch.bottom()), lane.label);
    }

    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(text);
    const QString gridNote = m_content.axisNote.isEmpty() ? QString() : u" — "_s + m_content.axisNote;
    painter.drawText(m_gridTitlePos, tr("Chunk grid") + gridNote);
    painter.drawText(m_laneTitlePos, tr("Blocks per worker (width ∝ bytes)"));
    painter.setFont(font());

    for (const Cell &cell : m_cells)
        painter.fillRect(cell.rect, cell.color);

    for (std::size_t worker = 0; worker < m_lanes.size(); ++worker) {
        const LaneGeometry &lane = m_lanes[worker];
        const BlockMapContent::Lane &info = m_content.lanes[worker];
        painter.setPen(info.lost ? QColor(Qt::red) : text);
        const QRectF top(lane.labelRect.left(), lane.labelRect.top(), lane.labelRect.width(), lane.labelRect.height() / 2);
        const QRectF bottom = top.translated(0, top.height());
        painter.drawText(top, Qt::AlignLeft | Qt::AlignBottom,
                         QFontMetricsF(font()).elidedText(info.label, Qt::ElideMiddle, top.width()));
        painter.setPen(secondary);
        painter.drawText(bottom, Qt::AlignLeft | Qt::AlignTop, info.lost ? tr("lost") : lane.caption);
        painter.fillRect(lane.barRect, QColor(0xf3, 0xf3, 0xf3));
        const QColor color = viewstyle::workerColor(int(worker));
        for (const auto &[flat, rect] : lane.blocks) {
            // Separators between blocks wide enough to see them; thin blocks merge into a run.
            const QRectF drawn = rect.width() > 4 ? rect.adjusted(0, 0, -1, 0) : rect;
            painter.fillRect(drawn, color);
        }
    }

    if (m_selected >= 0 && m_selected < std::int64_t(m_cells.size())) {
        painter.setPen(QPen(text, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(m_cells[std::size_t(m_selected)].rect.adjusted(-1, -1, 1, 1));
        const int lane = laneOf(m_selected);
        if (lane >= 0) {
            for (const auto &[flat, rect] : m_lanes[std::size_t(lane)].blocks) {
                if (flat == m_selected)
                    painter.drawRect(rect.adjusted(-1, -1, 1, 1));
            }
        }
    }
}

void BlockMapCanvas::mousePressEvent(QMouseEvent *event)
{
    const std::int64_t flat = blockAt(event->position());
    if (flat >= 0) {
        setSelectedBlock(flat);
        Q_EMIT blockClicked(flat);
    }
    QWidget::mousePressEvent(event);
}

bool BlockMapCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const std::int64_t flat = blockAt(help->pos());
        if (flat < 0) {
            QToolTip::hideText();
        } else {
            const int worker = m_content.blockWorker[std::size_t(flat)];
            const QString who = worker >= 0 && worker < int(m_content.lanes.size()) ? m_content.lanes[std::size_t(worker)].label
                                                                                    : tr("not stored yet");
            QToolTip::showText(help->globalPos(), tr("block %1 · %2 — click for details").arg(flat).arg(who), this);
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace tessera::ui
