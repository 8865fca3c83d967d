// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/status.h"

namespace tessera {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Ok: return QStringLiteral("ok");
    case ErrorCode::InvalidArgument: return QStringLiteral("invalid argument");
    case ErrorCode::NotFound: return QStringLiteral("not found");
    case ErrorCode::Io: return QStringLiteral("I/O error");
    case ErrorCode::Format: return QStringLiteral("format error");
    case ErrorCode::ShapeMismatch: return QStringLiteral("shape error");
    case ErrorCode::Syntax: return QStringLiteral("syntax error");
    case ErrorCode::Network: return QStringLiteral("network error");
    case ErrorCode::Auth: return QStringLiteral("authentication error");
    case ErrorCode::Memory: return QStringLiteral("memory limit");
    case ErrorCode::Cancelled: return QStringLiteral("cancelled");
    case ErrorCode::Internal: return QStringLiteral("internal error");
    }
    return QStringLiteral("error");
}

Status::Status(ErrorCode code, QString message)
    : m_code(code)
    , m_message(std::move(message))
{
}

Status Status::withContext(const QString &context) const
{
    if (isOk())
        return *this;
    return Status(m_code, context + QStringLiteral(": ") + m_message);
}

} // namespace tessera
