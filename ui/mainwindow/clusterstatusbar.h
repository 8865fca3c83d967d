// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QProgressBar;
class QToolButton;
namespace tessera {
class ClusterSession;
class Operation;
} // namespace tessera

namespace tessera::ui {

// The permanent part of the main window's status bar: the cluster at a glance (workers, memory
// used of the limit, busy or idle) and the progress of the running operations, with a button
// to cancel them. Every operation the session starts is followed; so is other long work the
// window reports with showProgress().
class ClusterStatusBar final : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterStatusBar(tessera::ClusterSession *session, QWidget *parent = nullptr);

    // Follows the operation until it finishes (again for one already followed is harmless).
    void watch(tessera::Operation *operation);
    // Cancels every operation being followed.
    void cancelAll();
    bool hasRunningOperations() const;

    // Progress of work that is not an operation (writing sample files); total 0 hides it.
    void showProgress(qint64 done, qint64 total, const QString &text);

    QString summaryText() const;

Q_SIGNALS:
    void runningChanged(bool running);

private:
    void updateSummary();
    void updateProgress();
    void setProgressVisible(bool visible);
    void showPendingProgress();

    tessera::ClusterSession *m_session = nullptr;
    std::vector<QPointer<tessera::Operation>> m_operations;
    QLabel *m_summary = nullptr;
    QLabel *m_task = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    const tessera::Operation *m_shownOperation = nullptr; // compared, never dereferenced
    bool m_externalProgress = false;
    QTimer m_reveal; // shows the progress of an operation that is still running after a moment
    // An operation reports every task; the bar repaints at once on each new value, so the
    // newest numbers are shown a few times a second instead.
    QTimer m_progressPace;
    struct Pending
    {
        qint64 done = 0;
        qint64 total = 0;
        QString what;
    };
    std::optional<Pending> m_pending;
};

} // namespace tessera::ui
