// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"
#include "net/session/operation.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWizardPage>

#include <vector>

class QFormLayout;
class QLabel;
class QProgressBar;

namespace tessera::ui {

class ScatterLayoutPage;

// 4. The load itself: overall and per-worker progress, bytes per second, cancel.
class ScatterProgressPage final : public QWizardPage
{
    Q_OBJECT

public:
    ScatterProgressPage(tessera::ClusterSession *session, const ScatterLayoutPage *layoutPage, QWidget *parent = nullptr);

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;

    bool isLoading() const { return m_operation && !m_operation->isFinished(); }
    tessera::Operation *operation() const { return m_operation; }
    void cancelLoad();

Q_SIGNALS:
    void loadStarted(tessera::Operation *operation, const tessera::LoadRequest &request);
    void loadFinished(tessera::Operation *operation);

private:
    void onBlockStored(const QString &array, qint64 flatIndex, int worker);
    void onFinished();
    void updateRate();

    tessera::ClusterSession *m_session = nullptr;
    const ScatterLayoutPage *m_layoutPage = nullptr;
    QPointer<tessera::Operation> m_operation;
    tessera::LoadRequest m_request;
    bool m_succeeded = false;

    QProgressBar *m_overall = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_status = nullptr;
    QFormLayout *m_workerForm = nullptr;
    std::vector<QProgressBar *> m_workerBars;
    std::vector<std::int64_t> m_workerBytes;
    std::int64_t m_totalBytes = 0;
    std::int64_t m_averageBlockBytes = 0;
    std::int64_t m_storedBytes = 0;
    QElapsedTimer m_clock;
};

} // namespace tessera::ui
