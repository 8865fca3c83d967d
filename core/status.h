// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace tessera {

// What kind of thing went wrong; the message says which thing and how to fix it.
enum class ErrorCode {
    Ok,
    InvalidArgument,
    NotFound,
    Io,
    Format,
    ShapeMismatch, // operands or files whose shapes do not fit together
    Syntax,
    Network,
    Auth,
    Memory,
    Cancelled,
    Internal,
};

QString errorCodeName(ErrorCode code);

// An error a user can cause, carried as a value up to the CLI's stderr or the GUI's dialog.
class Status
{
public:
    Status() = default;
    Status(ErrorCode code, QString message);

    static Status ok() { return {}; }

    bool isOk() const { return m_code == ErrorCode::Ok; }
    explicit operator bool() const { return isOk(); }
    ErrorCode code() const { return m_code; }
    const QString &message() const { return m_message; }
    // Lets TESSERA_RETURN_IF_ERROR take a Status or a Result alike.
    const Status &status() const { return *this; }

    // Same code, with "context: " in front of the message.
    Status withContext(const QString &context) const;

    bool operator==(const Status &) const = default;

private:
    ErrorCode m_code = ErrorCode::Ok;
    QString m_message;
};

inline Status makeError(ErrorCode code, QString message)
{
    return Status(code, std::move(message));
}

template <typename T>
class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {
    }
    Result(Status status)
        : m_value(std::move(status))
    {
        Q_ASSERT(!std::get<Status>(m_value).isOk());
    }

    bool isOk() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return isOk(); }

    const T &value() const & { return std::get<T>(m_value); }
    T &value() & { return std::get<T>(m_value); }
    T &&value() && { return std::get<T>(std::move(m_value)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    Status status() const { return isOk() ? Status() : std::get<Status>(m_value); }

private:
    std::variant<T, Status> m_value;
};

} // namespace tessera

// Early return of a failed Status or Result from a function returning Status or Result. Binds by
// reference: a copy of a Result<Plan> copied the whole task graph just to test it.
#define TESSERA_RETURN_IF_ERROR(expr)                                                                                            \
    do {                                                                                                                         \
        auto &&tesseraStatus_ = (expr);                                                                                          \
        if (!tesseraStatus_.isOk())                                                                                              \
            return tesseraStatus_.status();                                                                                      \
    } while (false)
