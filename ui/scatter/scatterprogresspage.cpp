// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/scatter/scatterprogresspage.h"
#include "ui/style/viewstyle.h"

#include "core/bytesize.h"
#include "ui/scatter/scatterwizardpages.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
// Bars count in thousandths: byte counts overflow an int.
constexpr int BarSteps = 1000;

void setBarBytes(QProgressBar *bar, std::int64_t bytes, std::int64_t expectedBytes)
{
    const double fraction = (expectedBytes > 0) ? std::min(1.0, double(bytes) / double(expectedBytes)) : 0.0;
    bar->setValue(int(fraction * BarSteps));
    bar->setFormat(ScatterProgressPage::tr("%1 of %2").arg(formatBytes(bytes), formatBytes(expectedBytes)));
}
} // namespace

ScatterProgressPage::ScatterProgressPage(ClusterSession *session, const ScatterLayoutPage *layoutPage, QWidget *parent)
    : QWizardPage(parent)
    , m_session(session)
    , m_layoutPage(layoutPage)
    , m_overall(new QProgressBar(this))
    , m_rate(new QLabel(this))
    , m_status(new QLabel(this))
    , m_workerForm(new QFormLayout)
{
    setObjectName(u"progressPage"_s);
    setTitle(tr("Scatter"));
    setSubTitle(tr("The blocks are loaded into the workers' memory. Cancel leaves nothing half-loaded."));

    m_overall->setObjectName(u"loadProgress"_s);
    m_rate->setObjectName(u"bytesPerSecondLabel"_s);
    m_status->setObjectName(u"loadStatusLabel"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_overall);
    layout->addWidget(m_rate);
    layout->addSpacing(8);
    layout->addWidget(new QLabel(tr("Per worker:"), this));
    layout->addLayout(m_workerForm);
    layout->addStretch();
    layout->addWidget(m_status);

    connect(m_session, &ClusterSession::blockStored, this, &ScatterProgressPage::onBlockStored);
}

void ScatterProgressPage::initializePage()
{
    m_request = m_layoutPage->request();
    m_succeeded = false;
    m_storedBytes = 0;
    m_totalBytes = m_layoutPage->plannedBytes();
    m_averageBlockBytes = m_totalBytes / std::max<std::int64_t>(1, m_layoutPage->plannedBlocks());
    m_status->clear();
    m_status->setStyleSheet(QString());
    m_rate->clear();
    m_overall->setRange(0, 0);

    while (m_workerForm->rowCount() > 0)
        m_workerForm->removeRow(0);
    m_workerBars.clear();
    for (const WorkerInfo &worker : m_session->workers()) {
        auto *bar = new QProgressBar(this);
        bar->setObjectName(u"workerProgress%1"_s.arg(worker.index));
        bar->setRange(0, BarSteps);
        m_workerForm->addRow(worker.name.isEmpty() ? worker.address : worker.name, bar);
        m_workerBars.push_back(bar);
    }
    m_workerBytes.assign(m_workerBars.size(), 0);
    for (QProgressBar *bar : m_workerBars)
        setBarBytes(bar, 0, m_totalBytes / std::int64_t(m_workerBars.size()));

    // The user agreed to replace it on the layout page.
    if (m_session->array(m_request.name))
        m_session->removeArray(m_request.name);

    m_clock.start();
    Operation *operation = m_session->load(m_request);
    m_operation = operation;
    connect(operation, &Operation::progress, this, [this](qint64 done, qint64 total, const QString &what) {
        if (total <= 0)
            return;
        m_overall->setRange(0, BarSteps);
        m_overall->setValue(int(double(done) / double(total) * BarSteps));
        m_overall->setFormat(u"%1 / %2 %3"_s.arg(done).arg(total).arg(what));
    });
    Q_EMIT loadStarted(operation, m_request);
    if (operation->isFinished())
        onFinished();
    else
        connect(operation, &Operation::finished, this, &ScatterProgressPage::onFinished);
    Q_EMIT completeChanged();
}

void ScatterProgressPage::cleanupPage()
{
    // Back while loading: the layout is about to change, so this load is not wanted.
    cancelLoad();
}

bool ScatterProgressPage::isComplete() const
{
    return m_succeeded;
}

void ScatterProgressPage::cancelLoad()
{
    if (isLoading())
        m_operation->cancel();
}

void ScatterProgressPage::onBlockStored(const QString &array, qint64 flatIndex, int worker)
{
    if (!isLoading() || (array != m_request.name) || (worker < 0) || (worker >= int(m_workerBars.size())))
        return;

    // The layout, once the session has it, gives the exact size of each block and each worker's share.
    std::int64_t blockBytes = m_averageBlockBytes;
    std::int64_t expectedBytes = m_totalBytes / std::int64_t(m_workerBars.size());
    if (const ArrayInfo *info = m_session->array(array); info && (flatIndex < std::int64_t(info->layout.workers.size()))) {
        blockBytes = info->layout.blockBytes(flatIndex);
        expectedBytes = 0;
        for (std::size_t flat = 0; flat < info->layout.workers.size(); ++flat) {
            if (info->layout.workers[flat] == worker)
                expectedBytes += info->layout.blockBytes(std::int64_t(flat));
        }
    }
    m_workerBytes[std::size_t(worker)] += blockBytes;
    m_storedBytes += blockBytes;
    setBarBytes(m_workerBars[std::size_t(worker)], m_workerBytes[std::size_t(worker)], expectedBytes);
    updateRate();
}

void ScatterProgressPage::updateRate()
{
    const double seconds = std::max(1e-3, double(m_clock.elapsed()) / 1000.0);
    m_rate->setText(tr("%1/s: %2 of %3 in %4 s")
                        .arg(formatBytes(std::int64_t(double(m_storedBytes) / seconds)), formatBytes(m_storedBytes),
                             formatBytes(m_totalBytes))
                        .arg(seconds, 0, 'f', 1));
}

void ScatterProgressPage::onFinished()
{
    Operation *operation = m_operation;
    if (!operation)
        return;
    const Status &status = operation->status();
    m_overall->setRange(0, BarSteps);
    if (status.isOk()) {
        m_succeeded = true;
        m_overall->setValue(BarSteps);
        m_overall->setFormat(tr("Done"));
        // The final layout says exactly what each worker holds, whatever signals were missed.
        const ArrayInfo *info = m_session->array(m_request.name);
        if (info) {
            std::fill(m_workerBytes.begin(), m_workerBytes.end(), 0);
            for (std::size_t flat = 0; flat < info->layout.workers.size(); ++flat) {
                const int worker = info->layout.workers[flat];
                if ((worker >= 0) && (worker < int(m_workerBytes.size())))
                    m_workerBytes[std::size_t(worker)] += info->layout.blockBytes(std::int64_t(flat));
            }
            for (std::size_t worker = 0; worker < m_workerBars.size(); ++worker)
                setBarBytes(m_workerBars[worker], m_workerBytes[worker], m_workerBytes[worker]);
            m_totalBytes = info->meta.byteSize();
        }
        m_storedBytes = m_totalBytes;
        updateRate();
        m_status->setText(tr("%1 is in the workers' memory: %2, in %3 s. Finish to look at it.")
                              .arg(m_request.name, info ? shapeToString(info->meta.shape) : QString())
                              .arg(operation->report().wallSeconds, 0, 'f', 2));
    } else {
        m_overall->setValue(0);
        m_status->setStyleSheet(viewstyle::errorStyleSheet());
        m_status->setText(status.code() == ErrorCode::Cancelled
                              ? tr("Cancelled: no blocks of %1 were kept.").arg(m_request.name)
                              : tr("%1\nGo back to change the files or the layout, or cancel.").arg(status.message()));
    }
    Q_EMIT loadFinished(operation);
    Q_EMIT completeChanged();
}

} // namespace tessera::ui
