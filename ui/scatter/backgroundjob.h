// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QObject>
#include <QThread>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace tessera::ui {

// Runs `work()` on a thread of its own, then `done(result)` on `context`'s thread. If `context`
// is destroyed first, `done` is not called and the thread still ends and deletes itself.
// For blocking library calls (netCDF inspection, writing sample files) that must not freeze
// the window; `work` must not touch widgets.
template <typename Work, typename Done>
void runInBackground(QObject *context, Work work, Done done)
{
    using ResultType = std::invoke_result_t<Work &>;
    auto result = std::make_shared<std::optional<ResultType>>();
    QThread *thread = QThread::create([result, work = std::move(work)]() mutable { result->emplace(work()); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QObject::connect(thread, &QThread::finished, context,
                     [result, done = std::move(done)]() mutable { done(std::move(**result)); });
    thread->start();
}

} // namespace tessera::ui
