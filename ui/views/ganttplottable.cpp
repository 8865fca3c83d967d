// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/ganttplottable.h"

#include <algorithm>

namespace tessera::ui {

namespace {

constexpr double halfBarHeight = 0.35; // in rows
constexpr double minimumBarPixels = 2; // a 20 µs task on a 10 s axis still shows
constexpr double outlineMinPixels = 5; // outlines would swamp narrower bars
constexpr double hatchMinPixels = 8;   // a hatch needs room to show

} // namespace

GanttPlottable::GanttPlottable(QCPAxis *keyAxis, QCPAxis *valueAxis)
    : QCPAbstractPlottable(keyAxis, valueAxis)
{
    setSelectable(QCP::stNone);
}

void GanttPlottable::setBars(std::vector<Bar> bars)
{
    m_bars = std::move(bars);
    // By row, then time: draw() merges neighbouring slivers of a row into one rectangle.
    std::stable_sort(m_bars.begin(), m_bars.end(),
                     [](const Bar &a, const Bar &b) { return a.row != b.row ? a.row < b.row : a.start < b.start; });
}

QRectF GanttPlottable::pixelRect(const Bar &bar) const
{
    QCPAxis *key = mKeyAxis.data();
    QCPAxis *value = mValueAxis.data();
    if (!key || !value)
        return {};
    QRectF rect(QPointF(key->coordToPixel(bar.start), value->coordToPixel(bar.row - halfBarHeight)),
                QPointF(key->coordToPixel(bar.end), value->coordToPixel(bar.row + halfBarHeight)));
    rect = rect.normalized();
    if (rect.width() < minimumBarPixels)
        rect.setWidth(minimumBarPixels);
    return rect;
}

int GanttPlottable::barAt(const QPointF &pixel) const
{
    // Later bars are painted over earlier ones, so the topmost is found from the back.
    for (auto it = m_bars.rbegin(); it != m_bars.rend(); ++it) {
        if (pixelRect(*it).adjusted(-1, 0, 1, 0).contains(pixel))
            return it->id;
    }
    return -1;
}

double GanttPlottable::selectTest(const QPointF &pos, bool onlySelectable, QVariant *) const
{
    if (onlySelectable && !mSelectable)
        return -1;
    return barAt(pos) >= 0 ? 0 : -1;
}

QCPRange GanttPlottable::getKeyRange(bool &foundRange, QCP::SignDomain) const
{
    foundRange = !m_bars.empty();
    if (!foundRange)
        return {};
    QCPRange range(m_bars.front().start, m_bars.front().end);
    for (const Bar &bar : m_bars) {
        range.expand(bar.start);
        range.expand(bar.end);
    }
    return range;
}

QCPRange GanttPlottable::getValueRange(bool &foundRange, QCP::SignDomain, const QCPRange &) const
{
    foundRange = !m_bars.empty();
    if (!foundRange)
        return {};
    const auto [lowest, highest] =
        std::minmax_element(m_bars.begin(), m_bars.end(), [](const Bar &a, const Bar &b) { return a.row < b.row; });
    return QCPRange(lowest->row - halfBarHeight, highest->row + halfBarHeight);
}

// Bars a few pixels wide are filled solid, and those that touch on a row are filled as one: a
// graph of 110,960 tasks on an axis a thousand pixels wide is then a few thousand rectangles,
// where filling each bar took 125 ms.
void GanttPlottable::draw(QCPPainter *painter)
{
    m_drawnCount = 0;
    const QRectF clip = clipRect();
    applyDefaultAntialiasingHint(painter);
    const QColor fill = mBrush.color();
    const QPen outline(fill.darker(140), 0.8);
    QRectF sliver; // slivers merged so far on the current row, not yet filled
    const auto fillSliver = [&] {
        if (!sliver.isNull())
            painter->fillRect(sliver, fill);
        sliver = QRectF();
    };
    for (const Bar &bar : m_bars) {
        QRectF rect = pixelRect(bar);
        if (!rect.intersects(clip))
            continue;
        ++m_drawnCount;
        const bool thin = rect.width() < (m_hatched ? hatchMinPixels : outlineMinPixels);
        if (!thin) {
            fillSliver();
            painter->fillRect(rect, m_hatched ? mBrush : QBrush(fill));
            if (!m_hatched) {
                painter->setPen(outline);
                painter->setBrush(Qt::NoBrush);
                painter->drawRect(rect);
            }
            continue;
        }
        if (m_hatched) // on a sliver, a solid cap in the hatch colour says the same
            rect.setHeight(rect.height() * 0.35);
        if (!sliver.isNull() && rect.top() == sliver.top() && rect.left() <= sliver.right() + 1) {
            sliver.setRight(std::max(sliver.right(), rect.right()));
            continue;
        }
        fillSliver();
        sliver = rect;
    }
    fillSliver();
}

void GanttPlottable::drawLegendIcon(QCPPainter *painter, const QRectF &rect) const
{
    const QRectF icon = rect.adjusted(1, 2, -1, -2);
    if (m_hatched) {
        painter->fillRect(icon, Qt::white);
        painter->fillRect(icon, mBrush);
    } else {
        painter->fillRect(icon, mBrush.color());
    }
    painter->setPen(QPen(mBrush.color().darker(140), 0.8));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(icon);
}

} // namespace tessera::ui
