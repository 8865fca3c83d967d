// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"

#include <QLineEdit>

#include <QStringList>
#include <vector>

class QCompleter;
class QStringListModel;

namespace tessera::ui {

// The console's statement line: Up/Down walk the history of submitted statements, and the word
// before the cursor (an array name, or `name.method`) completes from array names and methods.
// Enter, Return and Ctrl+Enter all submit.
class ExpressionEdit final : public QLineEdit
{
    Q_OBJECT

public:
    explicit ExpressionEdit(QWidget *parent = nullptr);

    // Replaces the completion words: each array's name, its methods (`x.mean()`, `x.sel(`,
    // `x.groupby('time.month')`, ...), its coordinates (`x.latitude`), and the functions.
    void setArrays(const std::vector<tessera::ArrayMeta> &arrays);
    QStringList completionWords() const;

    void addToHistory(const QString &statement);
    const QStringList &history() const { return m_history; }

    static QStringList methodNames();   // the reductions: sum mean min max std var count any all
    static QStringList functionNames(); // where clip exp log ... as "name("

Q_SIGNALS:
    void submitted(const QString &statement);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void addClearAction();
    QString wordBeforeCursor() const;
    void updateCompletion();
    void insertCompletion(const QString &completion);
    void showHistoryEntry(int position);

    QCompleter *m_completer = nullptr;
    QStringListModel *m_words = nullptr;
    QStringList m_history;
    int m_historyPosition = 0; // == m_history.size(): the draft being typed
    QString m_draft;
};

} // namespace tessera::ui
