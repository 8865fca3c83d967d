// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/console/expressionedit.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QKeyEvent>
#include <QScrollBar>
#include <QStringListModel>
#include <QStyle>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace tessera::ui {

ExpressionEdit::ExpressionEdit(QWidget *parent)
    : QLineEdit(parent)
    , m_completer(new QCompleter(this))
    , m_words(new QStringListModel(this))
{
    setPlaceholderText(tr("Statement, e.g. x.mean(axis=0) or y = x - x.mean()"));
    addClearAction();

    // Not setCompleter(): that completes the whole line, and a statement has many words.
    m_completer->setModel(m_words);
    m_completer->setWidget(this);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &ExpressionEdit::insertCompletion);
    connect(this, &QLineEdit::textEdited, this, &ExpressionEdit::updateCompletion);
}

// Not setClearButtonEnabled(): each time Qt's button appears or goes it asks the line edit's
// parents to lay out again, up to the main window, which then paints whole; a statement recalled
// from the history and run at once waited for that. Showing and hiding an action stays inside the
// line edit.
void ExpressionEdit::addClearAction()
{
    QAction *clearAction = addAction(style()->standardIcon(QStyle::SP_LineEditClearButton), TrailingPosition);
    clearAction->setObjectName(u"clearStatementAction"_s);
    clearAction->setToolTip(tr("Clear the statement"));
    clearAction->setVisible(false);
    connect(clearAction, &QAction::triggered, this, &QLineEdit::clear);
    connect(this, &QLineEdit::textChanged, clearAction,
            [clearAction](const QString &text) { clearAction->setVisible(!text.isEmpty()); });
}

QStringList ExpressionEdit::methodNames()
{
    return {u"sum"_s, u"mean"_s, u"min"_s, u"max"_s, u"std"_s, u"var"_s, u"count"_s, u"any"_s, u"all"_s};
}

QStringList ExpressionEdit::functionNames()
{
    return {u"where("_s, u"clip("_s, u"minimum("_s, u"maximum("_s, u"isnan("_s, u"notnull("_s,
            u"sqrt("_s,  u"abs("_s,  u"exp("_s,     u"log("_s,     u"log10("_s, u"sin("_s,
            u"cos("_s,   u"tan("_s,  u"radians("_s, u"degrees("_s, u"floor("_s, u"ceil("_s};
}

namespace {

QStringList wordsFor(const tessera::ArrayMeta &meta)
{
    const QString &name = meta.name;
    QStringList words{name, name + u".sel("_s, name + u".isel("_s, name + u".where("_s, name + u".weighted("_s};
    for (const QString &method : ExpressionEdit::methodNames())
        words << (name + u'.' + method + u"()"_s);
    for (const tessera::Axis &axis : meta.axes) {
        if (axis.hasCoordinates())
            words << (name + u'.' + axis.name);
    }
    const auto time = std::find_if(meta.axes.begin(), meta.axes.end(), [](const tessera::Axis &axis) { return axis.isTime(); });
    if (time != meta.axes.end()) {
        for (const QString &part : {u"month"_s, u"season"_s, u"dayofyear"_s, u"hour"_s})
            words << u"%1.groupby('%2.%3')"_s.arg(name, time->name, part);
        for (const QString &frequency : {u"1D"_s, u"1MS"_s})
            words << u"%1.resample(%2='%3')"_s.arg(name, time->name, frequency);
    }
    return words;
}

} // namespace

void ExpressionEdit::setArrays(const std::vector<tessera::ArrayMeta> &arrays)
{
    QStringList words = functionNames();
    for (const tessera::ArrayMeta &meta : arrays)
        words << wordsFor(meta);
    words.sort();
    words.removeDuplicates();
    m_words->setStringList(words);
}

QStringList ExpressionEdit::completionWords() const
{
    return m_words->stringList();
}

void ExpressionEdit::addToHistory(const QString &statement)
{
    if (!statement.isEmpty() && (m_history.isEmpty() || (m_history.constLast() != statement)))
        m_history << statement;
    m_historyPosition = int(m_history.size());
    m_draft.clear();
}

void ExpressionEdit::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        // The completer's popup handles these itself and then forwards them here.
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
        case Qt::Key_Up:
        case Qt::Key_Down: event->ignore(); return;
        default: break;
        }
    }

    switch (event->key()) {
    case Qt::Key_Enter:
    case Qt::Key_Return: {
        const QString statement = text().trimmed();
        if (!statement.isEmpty())
            Q_EMIT submitted(statement);
        event->accept();
        return;
    }
    case Qt::Key_Up:
        if (m_historyPosition > 0)
            showHistoryEntry(m_historyPosition - 1);
        event->accept();
        return;
    case Qt::Key_Down:
        if (m_historyPosition < m_history.size())
            showHistoryEntry(m_historyPosition + 1);
        event->accept();
        return;
    default: QLineEdit::keyPressEvent(event);
    }
}

void ExpressionEdit::showHistoryEntry(int position)
{
    // Leaving the draft for the history keeps it, as shells do.
    if (m_historyPosition == m_history.size())
        m_draft = text();
    m_historyPosition = position;
    setText((position < m_history.size()) ? m_history.at(position) : m_draft);
    m_completer->popup()->hide();
}

QString ExpressionEdit::wordBeforeCursor() const
{
    const QString line = text();
    int start = cursorPosition();
    while (start > 0) {
        const QChar c = line.at(start - 1);
        if (!c.isLetterOrNumber() && (c != u'_') && (c != u'.'))
            break;
        --start;
    }
    return line.mid(start, cursorPosition() - start);
}

void ExpressionEdit::updateCompletion()
{
    const QString word = wordBeforeCursor();
    // Numbers (x[100, ...) and lone dots are not worth a popup.
    if (word.isEmpty() || word.at(0).isDigit() || (word.at(0) == u'.')) {
        m_completer->popup()->hide();
        return;
    }

    m_completer->setCompletionPrefix(word);
    const bool onlyItself = (m_completer->completionCount() == 1) && (m_completer->currentCompletion() == word);
    if ((m_completer->completionCount() == 0) || onlyItself) {
        m_completer->popup()->hide();
        return;
    }

    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0) + m_completer->popup()->verticalScrollBar()->sizeHint().width());
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    m_completer->complete(rect);
}

void ExpressionEdit::insertCompletion(const QString &completion)
{
    const QString word = wordBeforeCursor();
    const int position = cursorPosition();
    QString line = text();
    line.replace(position - int(word.size()), int(word.size()), completion);
    setText(line);
    setCursorPosition(position - int(word.size()) + int(completion.size()));
}

} // namespace tessera::ui
