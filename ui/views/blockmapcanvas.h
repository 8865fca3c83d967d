// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/chunks.h"

#include <QColor>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace tessera::ui {

// What the block map draws, decoupled from the session so it can be laid out and tested alone.
struct BlockMapContent
{
    struct Lane
    {
        QString label; // "worker 0 · host:port"
        bool lost = false;
    };

    // blockWorker values that are no worker: not stored yet (or being rebuilt), lost for good.
    static constexpr int Pending = -1;
    static constexpr int Damaged = -2;

    tessera::Chunks chunks;       // the chunk grid; a 1-D strip of blocks while it is unknown
    QString axisNote;             // "90 blocks along time"
    std::vector<int> blockWorker; // per flat block: the worker holding it, or Pending or Damaged
    std::vector<std::int64_t> blockBytes;
    std::vector<Lane> lanes; // one per worker index
};

// Paints (a) the chunk grid coloured by the worker holding each block, with a legend, and
// (b) one lane per worker with its blocks as rectangles whose widths are proportional to their
// bytes, on one scale for all lanes so an unbalanced distribution shows. Geometry is computed
// once per change or resize; painting, hit tests and the test accessors all read it.
class BlockMapCanvas : public QWidget
{
    Q_OBJECT

public:
    explicit BlockMapCanvas(QWidget *parent = nullptr);

    void setContent(BlockMapContent content);
    const BlockMapContent &content() const { return m_content; }
    void setSelectedBlock(std::int64_t flat); // -1: none

    // As drawn: the grid cell's colour, and the lane a block's rectangle is in (-1: none).
    QColor cellColor(std::int64_t flat) const;
    int laneOf(std::int64_t flat) const;
    // Where a block's grid cell is drawn, in widget coordinates (empty when not drawn).
    QRectF cellRect(std::int64_t flat) const;
    // The block under a widget position, in the grid or a lane, or -1.
    std::int64_t blockAt(const QPointF &position) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void blockClicked(qint64 flatIndex);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Cell
    {
        QRectF rect;
        QColor color;
    };
    struct LaneGeometry
    {
        QRectF labelRect;
        QRectF barRect;
        QString caption; // "23 blocks · 1.2 GB"
        std::vector<std::pair<std::int64_t, QRectF>> blocks;
    };

    void relayout();
    double layoutLegend(double y);
    double layoutGrid(double y);
    double layoutLanes(double y);
    // The (row, column) of a block in the drawn grid and the grid's rows and columns.
    void gridPlacement(std::int64_t &rows, std::int64_t &columns) const;
    std::pair<std::int64_t, std::int64_t> gridCell(std::int64_t flat, std::int64_t columns) const;

    BlockMapContent m_content;
    std::int64_t m_selected = -1;
    std::vector<int> m_gridAxes; // chunk-grid axes with more than one chunk

    // Geometry, from relayout().
    QRectF m_legendRect;
    std::vector<std::pair<QRectF, int>> m_legendEntries; // swatch, worker
    QPointF m_gridTitlePos;
    QPointF m_laneTitlePos;
    std::vector<Cell> m_cells;
    std::vector<LaneGeometry> m_lanes;
    std::vector<int> m_laneOfBlock;
    int m_contentHeight = 0;
};

} // namespace tessera::ui
