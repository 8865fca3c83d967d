// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/blockmapview.h"

#include "core/bytesize.h"
#include "ui/style/viewstyle.h"
#include "ui/views/blockmapcanvas.h"
#include "ui/views/plotlabels.h"

#include "net/session/blockdirectory.h"

#include <QDateTime>
#include <QLabel>
#include <QScrollArea>
#include <QStringList>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

QString coordinateText(const tessera::Axis &axis, double value)
{
    if (const auto time = plotlabels::dateUnits(axis)) {
        return QDateTime::fromSecsSinceEpoch(qint64(time->toEpochSeconds(value)), QTimeZone::utc())
            .toString(u"yyyy-MM-dd hh:mm"_s);
    }
    return QString::number(value, 'g', 6);
}

} // namespace

BlockMapView::BlockMapView(QWidget *parent)
    : QWidget(parent)
{
    m_header = viewstyle::makeTitleLabel(this);
    m_header->setWordWrap(true);

    m_canvas = new BlockMapCanvas(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_canvas);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_details = new QLabel(this);
    m_details->setObjectName(u"blockDetails"_s);
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setFrameShape(QFrame::StyledPanel);
    m_details->setMargin(6);
    m_details->setMinimumHeight(5 * m_details->fontMetrics().height() + 16); // the four lines of a block, and a wrap
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_details);

    m_refreshSoon.setSingleShot(true);
    m_refreshSoon.setInterval(50);
    connect(&m_refreshSoon, &QTimer::timeout, this, &BlockMapView::refreshFromSession);
    connect(m_canvas, &BlockMapCanvas::blockClicked, this, [this](qint64 flat) {
        selectBlock(flat);
        Q_EMIT blockClicked(blockKeyOf(flat));
    });
    rebuild();
}

void BlockMapView::setSession(tessera::ClusterSession *session)
{
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        disconnect(&m_session->blocks(), nullptr, &m_refreshSoon, nullptr);
    }
    m_session = session;
    m_workers.clear();
    if (session) {
        connect(session, &tessera::ClusterSession::arraysChanged, this, &BlockMapView::refreshFromSession);
        connect(session, &tessera::ClusterSession::blockStored, this, &BlockMapView::onBlockStored);
        connect(session, &tessera::ClusterSession::operationFinished, this, &BlockMapView::onOperationFinished);
        connect(session, &tessera::ClusterSession::workersChanged, this, [this] {
            m_workers = m_session->workers();
            rebuild();
        });
        // Blocks of a lost worker come back one by one; a burst of them is drawn once.
        connect(&session->blocks(), &tessera::BlockDirectory::blockReady, &m_refreshSoon, qOverload<>(&QTimer::start));
        connect(&session->blocks(), &tessera::BlockDirectory::blockDamaged, &m_refreshSoon, qOverload<>(&QTimer::start));
        m_workers = session->workers();
    }
    refreshFromSession();
}

void BlockMapView::showArray(const QString &name)
{
    m_name = name;
    m_loading = false;
    m_storedWorker.clear();
    m_selected = -1;
    refreshFromSession();
}

void BlockMapView::showArrayInfo(const tessera::ArrayInfo &info, const std::vector<tessera::WorkerInfo> &workers)
{
    m_name = info.meta.name;
    m_info = info;
    m_hasLayout = true;
    m_loading = false;
    m_storedWorker.clear();
    m_workers = workers;
    m_selected = -1;
    rebuild();
}

void BlockMapView::setOnScreen(bool onScreen)
{
    m_onScreen = onScreen;
    if (!onScreen)
        return;
    if (std::exchange(m_refreshWhenShown, false))
        refreshFromSession(); // rebuilds too
    else if (std::exchange(m_rebuildWhenShown, false))
        rebuild();
}

void BlockMapView::refreshFromSession()
{
    if (!m_onScreen) {
        m_refreshWhenShown = true;
        return;
    }
    if (!m_session) {
        rebuild();
        return;
    }
    // With nothing chosen yet, the first array is better than an empty map.
    if (m_name.isEmpty() && !m_session->arrayNames().empty())
        m_name = m_session->arrayNames().front();
    const tessera::ArrayInfo *info = m_name.isEmpty() ? nullptr : m_session->array(m_name);
    m_hasLayout = info != nullptr;
    if (info)
        m_info = *info;
    rebuild();
}

void BlockMapView::onBlockStored(const QString &array, qint64 flatIndex, int worker)
{
    // A scatter in progress takes over the map: the user watches it fill.
    if (array != m_name || !m_loading) {
        m_name = array;
        m_loading = true;
        m_storedWorker.clear();
        m_selected = -1;
        const tessera::ArrayInfo *info = m_session ? m_session->array(array) : nullptr;
        m_hasLayout = info != nullptr;
        if (info)
            m_info = *info;
    }
    if (flatIndex < 0)
        return;
    if (std::size_t(flatIndex) >= m_storedWorker.size())
        m_storedWorker.resize(std::size_t(flatIndex) + 1, -1);
    m_storedWorker[std::size_t(flatIndex)] = worker;
    rebuild();
}

void BlockMapView::onOperationFinished(tessera::Operation *operation)
{
    if (!m_loading || !operation || operation->kind() != tessera::Operation::Kind::Load)
        return;
    m_loading = false;
    m_storedWorker.clear();
    refreshFromSession();
}

void BlockMapView::rebuild()
{
    if (!m_onScreen) {
        m_rebuildWhenShown = true;
        return;
    }
    m_rebuildWhenShown = false;
    BlockMapContent content = makeContent();
    const std::size_t stored = std::size_t(
        std::count_if(content.blockWorker.begin(), content.blockWorker.end(), [](int worker) { return worker >= 0; }));
    const std::size_t missing = content.blockWorker.size() - stored;
    m_canvas->setContent(std::move(content));
    m_canvas->setSelectedBlock(m_selected);
    m_header->setText(headerText(stored, missing));
    m_details->setText(m_selected >= 0 && m_selected < blockCount()
                           ? describeBlock(m_selected)
                           : tr("Click a block to see its key, index range, shape, bytes and worker."));
}

BlockMapContent BlockMapView::makeContent() const
{
    BlockMapContent content;
    const tessera::BlockLayout &layout = m_info.layout;
    if (m_hasLayout) {
        content.chunks = layout.chunks;
        const auto count = std::size_t(layout.chunks.blockCount());
        content.blockWorker.assign(count, -1);
        content.blockBytes.assign(count, 0);
        const std::vector<int> &source = m_loading ? m_storedWorker : layout.workers;
        const bool anyNotReady = !m_loading && m_session && !m_session->blocks().allReady();
        for (std::size_t flat = 0; flat < count; ++flat) {
            content.blockWorker[flat] = flat < source.size() ? source[flat] : BlockMapContent::Pending;
            content.blockBytes[flat] = layout.blockBytes(std::int64_t(flat));
            if (anyNotReady && flat < layout.keys.size()) {
                // Grey while a lost worker's block is made again, dark red when it cannot be.
                if (const tessera::BlockDirectory::Entry *entry = m_session->blocks().find(layout.keys[flat])) {
                    if (entry->state == tessera::BlockDirectory::State::Rebuilding)
                        content.blockWorker[flat] = BlockMapContent::Pending;
                    else if (entry->state == tessera::BlockDirectory::State::Damaged)
                        content.blockWorker[flat] = BlockMapContent::Damaged;
                }
            }
        }
        content.axisNote = axisNote();
    } else if (m_loading) {
        // The layout is not known until the load registers the array: a strip of what arrived.
        content.chunks = tessera::Chunks({std::vector<std::int64_t>(m_storedWorker.size(), 1)});
        content.blockWorker = m_storedWorker;
        content.blockBytes.assign(m_storedWorker.size(), 0);
    }

    int laneCount = int(m_workers.size());
    for (const tessera::WorkerInfo &worker : m_workers)
        laneCount = std::max(laneCount, worker.index + 1);
    for (const int worker : content.blockWorker)
        laneCount = std::max(laneCount, worker + 1);
    for (int worker = 0; worker < laneCount; ++worker) {
        const auto info = std::find_if(m_workers.begin(), m_workers.end(),
                                       [worker](const tessera::WorkerInfo &w) { return w.index == worker; });
        content.lanes.push_back({workerLabel(worker), info != m_workers.end() && info->state == tessera::WorkerState::Lost});
    }
    return content;
}

// "90 blocks along time", or for a grid split on several axes, which way each runs.
QString BlockMapView::axisNote() const
{
    QStringList splitAxes;
    QStringList counts;
    const tessera::Shape grid = m_info.layout.chunks.gridShape();
    for (std::size_t axis = 0; axis < grid.size(); ++axis) {
        if (grid[axis] < 2)
            continue;
        counts << QString::number(grid[axis]);
        splitAxes << (axis < m_info.meta.axes.size() && !m_info.meta.axes[axis].name.isEmpty() ? m_info.meta.axes[axis].name
                                                                                               : tr("axis %1").arg(axis));
    }
    if (splitAxes.isEmpty())
        return tr("one block");
    if (splitAxes.size() == 1)
        return tr("%1 blocks along %2").arg(counts.front(), splitAxes.front());
    // The canvas draws the last split axis across and the others down.
    return tr("%1 blocks: %2 down, %3 across")
        .arg(counts.join(u" × "), splitAxes.mid(0, splitAxes.size() - 1).join(u" × "), splitAxes.last());
}

QString BlockMapView::headerText(std::size_t stored, std::size_t missing) const
{
    QString header;
    if (m_name.isEmpty()) {
        header = tr("No array shown");
    } else if (m_hasLayout) {
        header = tr("%1 · shape %2 · chunks %3 · %4 · %5")
                     .arg(m_name, tessera::shapeToString(m_info.meta.shape), m_info.layout.chunks.describe(),
                          viewstyle::countText(m_info.layout.chunks.blockCount(), tr("block"), tr("blocks")),
                          formatBytes(m_info.meta.byteSize()));
    } else if (!m_loading) {
        header = tr("%1 is not in the workspace").arg(m_name);
    } else {
        header = m_name;
    }
    if (m_loading)
        header += tr(" — loading: %1 stored").arg(viewstyle::countText(std::int64_t(stored), tr("block"), tr("blocks")));
    else if (m_hasLayout && !m_info.damage.isEmpty())
        header += tr(" — damaged: %1 lost for good").arg(viewstyle::countText(std::int64_t(missing), tr("block"), tr("blocks")));
    else if (m_hasLayout && missing > 0)
        header += tr(" — a worker was lost: %1 being rebuilt")
                      .arg(viewstyle::countText(std::int64_t(missing), tr("block"), tr("blocks")));
    return header;
}

QColor BlockMapView::blockColor(qint64 flatIndex) const
{
    return m_canvas->cellColor(flatIndex);
}

int BlockMapView::blockWorker(qint64 flatIndex) const
{
    return m_canvas->laneOf(flatIndex);
}

QColor BlockMapView::workerColor(int worker) const
{
    return viewstyle::workerColor(worker);
}

qint64 BlockMapView::blockCount() const
{
    return qint64(m_canvas->content().blockWorker.size());
}

void BlockMapView::selectBlock(qint64 flatIndex)
{
    m_selected = flatIndex >= 0 && flatIndex < blockCount() ? flatIndex : -1;
    m_canvas->setSelectedBlock(m_selected);
    m_details->setText(m_selected >= 0 ? describeBlock(m_selected) : QString());
}

QString BlockMapView::detailsText() const
{
    return m_details->text();
}

QString BlockMapView::blockKeyOf(qint64 flatIndex) const
{
    const std::vector<QString> &keys = m_info.layout.keys;
    if (m_hasLayout && flatIndex >= 0 && std::size_t(flatIndex) < keys.size())
        return keys[std::size_t(flatIndex)];
    if (m_hasLayout)
        return tessera::blockKey(m_name, m_info.layout.chunks.unflatten(flatIndex));
    return tessera::blockKey(m_name, {flatIndex});
}

QString BlockMapView::workerLabel(int worker) const
{
    const QString label = tr("worker %1").arg(worker);
    for (const tessera::WorkerInfo &info : m_workers) {
        if (info.index == worker && !info.name.isEmpty() && info.name != label)
            return label + u" · "_s + info.name;
    }
    return label;
}

QString BlockMapView::describeBlock(qint64 flatIndex) const
{
    const int worker = m_canvas->content().blockWorker[std::size_t(flatIndex)];
    QString where = worker >= 0 ? workerLabel(worker) : tr("not stored yet");
    if (const tessera::BlockDirectory::Entry *entry =
            m_session && m_hasLayout ? m_session->blocks().find(blockKeyOf(flatIndex)) : nullptr) {
        if (entry->state == tessera::BlockDirectory::State::Rebuilding)
            where = tr("nothing yet: being rebuilt on %1, its worker was lost").arg(workerLabel(entry->worker));
        else if (entry->state == tessera::BlockDirectory::State::Damaged)
            where = tr("nothing: lost for good (%1)").arg(entry->damage.message());
    }
    if (!m_hasLayout)
        return tr("Block %1 · %2").arg(blockKeyOf(flatIndex), where);

    const tessera::Chunks &chunks = m_info.layout.chunks;
    const tessera::BlockIndex index = chunks.unflatten(flatIndex);
    const std::vector<std::int64_t> offset = chunks.blockOffset(index);
    const tessera::Shape shape = chunks.blockShape(index);
    QStringList ranges;
    QStringList covers;
    for (std::size_t axis = 0; axis < index.size(); ++axis) {
        const tessera::Axis *meta = axis < m_info.meta.axes.size() ? &m_info.meta.axes[axis] : nullptr;
        const QString name = meta && !meta->name.isEmpty() ? meta->name : tr("axis %1").arg(axis);
        const std::int64_t end = offset[axis] + shape[axis];
        ranges << u"%1 %2:%3"_s.arg(name).arg(offset[axis]).arg(end);
        if (meta && meta->values.size() >= std::size_t(end) && shape[axis] > 0) {
            const bool dates = plotlabels::dateUnits(*meta).has_value();
            const QString units = dates ? QString() : plotlabels::prettyUnits(meta->units);
            covers << u"%1 %2 … %3%4"_s.arg(name, coordinateText(*meta, meta->values[std::size_t(offset[axis])]),
                                            coordinateText(*meta, meta->values[std::size_t(end - 1)]),
                                            units.isEmpty() ? QString() : u" "_s + units);
        }
    }
    QString text =
        tr("Block %1 (#%2) on %3\nIndex range: %4\nShape %5 · %6")
            .arg(blockKeyOf(flatIndex))
            .arg(flatIndex)
            .arg(where, ranges.join(u", "), tessera::shapeToString(shape), formatBytes(m_info.layout.blockBytes(flatIndex)));
    if (!covers.isEmpty())
        text += u'\n' + tr("Covers: %1").arg(covers.join(u"; "));
    return text;
}

} // namespace tessera::ui
