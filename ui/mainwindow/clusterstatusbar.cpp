// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/mainwindow/clusterstatusbar.h"
#include "ui/style/viewstyle.h"

#include "core/bytesize.h"
#include "net/session/clustersession.h"
#include "net/session/operation.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
constexpr int ProgressSteps = 1000;
// Showing the progress widgets lays out the status bar: 8-11 ms, measured before each statement
// could start, more than x[0,0,0] takes in all. A statement done sooner shows no progress at all.
constexpr int RevealMillis = 400;
constexpr int ProgressPaceMillis = 100;
} // namespace

ClusterStatusBar::ClusterStatusBar(ClusterSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_summary(new QLabel(this))
    , m_task(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    m_summary->setObjectName(u"clusterSummaryLabel"_s);
    m_task->setObjectName(u"operationLabel"_s);
    m_progress->setObjectName(u"operationProgress"_s);
    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, ProgressSteps);
    m_cancel->setObjectName(u"cancelOperationButton"_s);
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    m_cancel->setToolTip(tr("Cancel the running operations (Esc)"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, this, &ClusterStatusBar::cancelAll);
    m_reveal.setSingleShot(true);
    m_reveal.setInterval(RevealMillis);
    connect(&m_reveal, &QTimer::timeout, this, [this] { setProgressVisible(true); });
    m_progressPace.setInterval(ProgressPaceMillis);
    connect(&m_progressPace, &QTimer::timeout, this, &ClusterStatusBar::showPendingProgress);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_task);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    layout->addSpacing(12);
    layout->addWidget(m_summary);

    connect(m_session, &ClusterSession::workersChanged, this, &ClusterStatusBar::updateSummary);
    connect(m_session, &ClusterSession::operationStarted, this, &ClusterStatusBar::watch);
    connect(m_session, &ClusterSession::operationFinished, this, &ClusterStatusBar::updateProgress);
    updateSummary();
    updateProgress();
}

void ClusterStatusBar::watch(Operation *operation)
{
    if (!operation || operation->isFinished())
        return;
    for (const QPointer<Operation> &known : m_operations) {
        if (known == operation)
            return;
    }
    m_operations.emplace_back(operation);
    connect(operation, &Operation::progress, this, [this, operation](qint64 done, qint64 total, const QString &what) {
        // Only the newest operation's numbers are shown; the others are counted in the label.
        if (m_externalProgress || (total <= 0) || m_operations.empty() || (m_operations.back() != operation))
            return;
        m_pending = Pending{done, total, what};
        if (!m_progressPace.isActive())
            m_progressPace.start();
    });
    connect(operation, &Operation::finished, this, &ClusterStatusBar::updateProgress);
    updateProgress();
}

void ClusterStatusBar::cancelAll()
{
    for (const QPointer<Operation> &operation : m_operations) {
        if (operation && !operation->isFinished())
            operation->cancel();
    }
}

bool ClusterStatusBar::hasRunningOperations() const
{
    return std::any_of(m_operations.begin(), m_operations.end(),
                       [](const QPointer<Operation> &operation) { return operation && !operation->isFinished(); });
}

void ClusterStatusBar::showProgress(qint64 done, qint64 total, const QString &text)
{
    m_externalProgress = (total > 0) && (done < total);
    if (!m_externalProgress) {
        updateProgress();
        return;
    }
    m_task->setText(text);
    m_progress->setValue(int(double(done) / double(total) * ProgressSteps));
    m_progress->setRange(0, ProgressSteps);
    m_progress->setFormat(u"%1/%2"_s.arg(done).arg(total));
    m_shownOperation = nullptr;
    m_reveal.stop();
    m_task->show();
    m_progress->show();
    m_cancel->hide(); // nothing to cancel: it is not an operation
}

void ClusterStatusBar::showPendingProgress()
{
    if (!m_pending || m_externalProgress) {
        m_progressPace.stop();
        return;
    }
    const Pending pending = *std::exchange(m_pending, std::nullopt);
    m_progress->setRange(0, ProgressSteps);
    m_progress->setValue(int(double(pending.done) / double(pending.total) * ProgressSteps));
    m_progress->setFormat(u"%1/%2 "_s.arg(pending.done).arg(pending.total) + pending.what);
}

void ClusterStatusBar::setProgressVisible(bool visible)
{
    m_task->setVisible(visible);
    m_progress->setVisible(visible);
    m_cancel->setVisible(visible);
}

void ClusterStatusBar::updateProgress()
{
    std::erase_if(m_operations, [](const QPointer<Operation> &operation) { return !operation || operation->isFinished(); });
    const bool running = !m_operations.empty();
    Q_EMIT runningChanged(running);
    updateSummary();
    if (m_externalProgress)
        return;

    if (!running) {
        m_shownOperation = nullptr;
        m_pending.reset();
        m_progressPace.stop();
        m_reveal.stop();
        setProgressVisible(false);
        return;
    }
    if (!m_progress->isHidden())
        setProgressVisible(true); // the cancel button too, which external progress hides
    else if (!m_reveal.isActive())
        m_reveal.start();

    // The newest operation is the one the user just asked for.
    const Operation *operation = m_operations.back();
    QString text = operation->description();
    if (m_operations.size() > 1)
        text = tr("%1 (+%2 more)").arg(text).arg(m_operations.size() - 1);
    m_task->setText(text);
    // Until the newest operation reports a total, the bar just shows that it is busy.
    if (m_shownOperation != operation) {
        m_shownOperation = operation;
        m_pending.reset(); // an older operation's numbers
        m_progress->setRange(0, 0);
    }
}

void ClusterStatusBar::updateSummary()
{
    m_summary->setText(summaryText());
}

QString ClusterStatusBar::summaryText() const
{
    const std::vector<WorkerInfo> workers = m_session->workers();
    if (workers.empty())
        return tr("Not connected");

    std::int64_t usedBytes = 0;
    std::int64_t limitBytes = 0;
    int lost = 0;
    for (const WorkerInfo &worker : workers) {
        usedBytes += worker.memoryUsedBytes;
        limitBytes += worker.memoryLimitBytes;
        lost += (worker.state == WorkerState::Lost) ? 1 : 0;
    }
    QString text = (workers.size() == 1) ? tr("1 worker") : tr("%1 workers").arg(workers.size());
    if (lost > 0)
        text += tr(" (%1 lost)").arg(lost);
    if (m_session->isRecovering())
        text += u" · "_s + tr("rebuilding lost blocks");
    text += u" · "_s + tr("%1 of %2").arg(formatBytes(usedBytes), formatBytes(limitBytes));
    text += u" · "_s + (m_session->isBusy() ? tr("busy") : tr("idle"));
    return text;
}

} // namespace tessera::ui
