// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/views/clusterview.h"

#include "ui/models/clustermodel.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

QToolButton *makeButton(const QString &text, const QString &tip, const QString &objectName, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setObjectName(objectName);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

} // namespace

ClusterView::ClusterView(QTableView *table, ClusterModel *model, QWidget *parent)
    : QWidget(parent)
    , m_table(table)
    , m_model(model)
{
    m_add = makeButton(tr("Add local worker"), tr("Start one more worker on this computer; it joins the session"),
                       u"addLocalWorkerButton"_s, this);
    m_stop = makeButton(tr("Stop worker"), tr("Stop the selected worker; its blocks are rebuilt on the others"),
                        u"stopWorkerButton"_s, this);
    m_rebalance = makeButton(tr("Rebalance"), tr("Spread the blocks over the workers so each holds its share of bytes"),
                             u"rebalanceButton"_s, this);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_add);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_rebalance);
    buttons->addStretch(1);

    table->setParent(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(table, 1);
    layout->addLayout(buttons);

    connect(m_add, &QToolButton::clicked, this, &ClusterView::addLocalWorkerRequested);
    connect(m_stop, &QToolButton::clicked, this, [this] {
        if (const int worker = selectedWorker(); worker >= 0)
            Q_EMIT stopWorkerRequested(worker);
    });
    connect(m_rebalance, &QToolButton::clicked, this, &ClusterView::rebalanceRequested);
    connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ClusterView::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &ClusterView::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &ClusterView::updateButtons);
    updateButtons();
}

void ClusterView::setClusterState(bool localCluster, bool connected)
{
    m_localCluster = localCluster;
    m_connected = connected;
    updateButtons();
}

int ClusterView::selectedWorker() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    const WorkerInfo *worker = m_model->workerAt(rows.front().row());
    return worker && worker->state != WorkerState::Lost ? worker->index : -1;
}

void ClusterView::updateButtons()
{
    m_add->setEnabled(m_localCluster);
    m_stop->setEnabled(m_connected && selectedWorker() >= 0);
    m_rebalance->setEnabled(m_connected);
}

} // namespace tessera::ui
