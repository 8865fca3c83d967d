// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/operation.h"

#include <QEventLoop>

namespace tessera {

Operation::Operation(Kind kind, QString description, QObject *parent)
    : QObject(parent)
    , m_kind(kind)
    , m_description(std::move(description))
{
    m_report.text = m_description;
}

void Operation::cancel()
{
    if (m_finished || m_cancelRequested)
        return;
    m_cancelRequested = true;
    Q_EMIT cancelRequested();
}

void Operation::reportProgress(std::int64_t done, std::int64_t total, const QString &what)
{
    Q_EMIT progress(qint64(done), qint64(total), what);
}

void Operation::finish(Status status)
{
    if (m_finished)
        return;
    m_finished = true;
    m_status = std::move(status);
    Q_EMIT finished();
}

Status waitForOperation(Operation *operation)
{
    if (!operation->isFinished()) {
        QEventLoop loop;
        QObject::connect(operation, &Operation::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return operation->status();
}

} // namespace tessera
