// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QWidget>

class QTableView;
class QToolButton;

namespace tessera::ui {

class ClusterModel;

// The cluster dock: one row per worker (the table, made by the window) and what a user does to
// the cluster by hand: add a local worker, stop the selected one (its blocks are rebuilt on the
// others), spread the blocks over the workers again. The window runs the operations.
class ClusterView : public QWidget
{
    Q_OBJECT

public:
    ClusterView(QTableView *table, ClusterModel *model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    // Whether a local cluster runs (workers can be added) and whether the session is connected.
    void setClusterState(bool localCluster, bool connected);

Q_SIGNALS:
    void addLocalWorkerRequested();
    void stopWorkerRequested(int worker);
    void rebalanceRequested();

private:
    void updateButtons();
    int selectedWorker() const; // -1: none, or one that is lost

    QTableView *m_table = nullptr;
    ClusterModel *m_model = nullptr;
    QToolButton *m_add = nullptr;
    QToolButton *m_stop = nullptr;
    QToolButton *m_rebalance = nullptr;
    bool m_localCluster = false;
    bool m_connected = false;
};

} // namespace tessera::ui
