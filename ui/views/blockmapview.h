// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"

#include <QColor>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <cstddef>
#include <vector>

class QLabel;

namespace tessera::ui {

class BlockMapCanvas;
struct BlockMapContent;

// Where every block of an array lives: the chunk grid coloured by the worker holding each
// block, and one lane per worker with its blocks sized by bytes. Follows the session live:
// blocks appear as a scatter stores them. Clicking a block shows its key, index range, shape,
// bytes and worker below the map.
class BlockMapView : public QWidget
{
    Q_OBJECT

public:
    explicit BlockMapView(QWidget *parent = nullptr);

    // Follows arraysChanged, blockStored, workersChanged and finished loads of `session`
    // (not owned; may be null).
    void setSession(tessera::ClusterSession *session);
    // Shows the session's array `name` (and keeps showing it as it changes).
    void showArray(const QString &name);
    // Shows a layout without a session: experiments opened offline, and tests.
    void showArrayInfo(const tessera::ArrayInfo &info, const std::vector<tessera::WorkerInfo> &workers);
    QString arrayName() const { return m_name; }

    // As drawn: the grid colour of a block, the worker lane its rectangle is in (-1: none), and
    // the fixed colour of a worker.
    QColor blockColor(qint64 flatIndex) const;
    int blockWorker(qint64 flatIndex) const;
    QColor workerColor(int worker) const;
    qint64 blockCount() const;

    // As a click on the block does; the details then show below the map.
    void selectBlock(qint64 flatIndex);
    QString detailsText() const;

    // False while the view cannot be seen (its dock is a tab behind another): changes to the
    // array shown are taken up once it can: copying and drawing a layout of 100,000 blocks took
    // tens of milliseconds after every statement that stored an array.
    void setOnScreen(bool onScreen);

Q_SIGNALS:
    // A block was clicked; its key as the workers know it ("x:3.0.0").
    void blockClicked(const QString &key);

private:
    void refreshFromSession();
    void onBlockStored(const QString &array, qint64 flatIndex, int worker);
    void onOperationFinished(tessera::Operation *operation);
    void rebuild();
    BlockMapContent makeContent() const;
    QString axisNote() const;
    QString headerText(std::size_t stored, std::size_t missing) const;
    QString blockKeyOf(qint64 flatIndex) const;
    QString describeBlock(qint64 flatIndex) const;
    QString workerLabel(int worker) const;

    QPointer<tessera::ClusterSession> m_session;
    QString m_name;
    tessera::ArrayInfo m_info;
    bool m_hasLayout = false;
    // During a load: the worker of each block stored so far (-1: not yet), from blockStored.
    bool m_loading = false;
    std::vector<int> m_storedWorker;
    std::vector<tessera::WorkerInfo> m_workers;
    qint64 m_selected = -1;
    // What was put off while the view could not be seen, done once it can.
    bool m_onScreen = true;
    bool m_refreshWhenShown = false; // read the array from the session again
    bool m_rebuildWhenShown = false; // draw the map again

    QTimer m_refreshSoon;
    QLabel *m_header = nullptr;
    BlockMapCanvas *m_canvas = nullptr;
    QLabel *m_details = nullptr;
};

} // namespace tessera::ui
