// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <qcustomplot.h>

#include <vector>

namespace tessera::ui {

// Horizontal bars on rows of a QCustomPlot: the key axis is time, the value axis the row index
// (row r spans r - 0.35 .. r + 0.35). One plottable per colour, so the legend names each kind.
// Drawing every bar in one pass keeps thousands of tasks fast, where an item per task would
// not be.
class GanttPlottable : public QCPAbstractPlottable
{
public:
    struct Bar
    {
        double start = 0; // key axis coordinates
        double end = 0;
        int row = 0;
        int id = 0; // the caller's index of what the bar shows
    };

    GanttPlottable(QCPAxis *keyAxis, QCPAxis *valueAxis);

    void setBars(std::vector<Bar> bars);
    const std::vector<Bar> &bars() const { return m_bars; }
    // Hatched bars draw only the pattern over whatever lies below (fetches over a task).
    void setHatched(bool hatched) { m_hatched = hatched; }

    // The id of the bar under a pixel position, or -1.
    int barAt(const QPointF &pixel) const;
    // How many bars the last draw() painted (bars outside the visible range are skipped).
    int drawnCount() const { return m_drawnCount; }

    double selectTest(const QPointF &pos, bool onlySelectable, QVariant *details = nullptr) const override;
    QCPRange getKeyRange(bool &foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth) const override;
    QCPRange getValueRange(bool &foundRange, QCP::SignDomain inSignDomain = QCP::sdBoth,
                           const QCPRange &inKeyRange = QCPRange()) const override;

protected:
    void draw(QCPPainter *painter) override;
    void drawLegendIcon(QCPPainter *painter, const QRectF &rect) const override;

private:
    QRectF pixelRect(const Bar &bar) const;

    std::vector<Bar> m_bars;
    bool m_hatched = false;
    int m_drawnCount = 0;
};

} // namespace tessera::ui
