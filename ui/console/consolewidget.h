// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/arraymeta.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QGridLayout;
class QTreeWidget;
class QTreeWidgetItem;
namespace tessera {
struct EvaluationResult;
}

namespace tessera::ui {

class ExpressionEdit;

// The statement line, the examples one click away, and the list of past results with their
// time. It only asks for statements to run (runRequested); whoever owns the session runs them
// and reports back with addResult() or addError().
class ConsoleWidget final : public QWidget
{
    Q_OBJECT

public:
    enum Column {
        TIME,
        STATEMENT,
        RESULT,
        WALL_TIME,

        NB_COLUMNS
    };

    explicit ConsoleWidget(QWidget *parent = nullptr);

    // The six operations of the first experiment on the array `x`, then its area-weighted global
    // mean and monthly climatology in the dimension names of `x` (as in the sample data when
    // not given; left out when `x` has no latitude or no time).
    static QStringList seedExamples(const tessera::ArrayMeta *x = nullptr);
    // What an example's button says: a name for the longer seed examples, else the statement.
    static QString exampleTitle(const QString &statement);
    void setExamples(const QStringList &statements);
    QStringList examples() const { return m_examples; }

    void setArrays(const std::vector<tessera::ArrayMeta> &arrays);
    void setStatement(const QString &statement);
    QString statement() const;
    QStringList history() const;

    void addResult(const QString &statement, const tessera::EvaluationResult &result, double wallSeconds);
    // Shown in red in the list and under the line; the console stays usable.
    // What a command (rebalance()) did, in the Result column.
    void addMessage(const QString &text, const QString &message, double wallSeconds);
    void addError(const QString &statement, const QString &message);
    // A cluster event between statements (a worker lost, the rebuild after it), kept in the list
    // beside the statements it came between: the status bar shows it for a few seconds only.
    // Double-clicking it puts nothing on the line.
    void addEvent(const QString &what, const QString &message, bool isError);
    static bool isEvent(const QTreeWidgetItem *item);

    QTreeWidget *resultList() const { return m_results; }
    ExpressionEdit *expressionEdit() const { return m_edit; }

Q_SIGNALS:
    void runRequested(const QString &statement);

private:
    void submit(const QString &statement);
    QTreeWidgetItem *addEntry(const QString &statement, const QString &text, const QString &wallTime, bool isError);
    static constexpr int EventRole = Qt::UserRole + 1;

    QTreeWidget *m_results = nullptr;
    ExpressionEdit *m_edit = nullptr;
    QPushButton *m_runButton = nullptr;
    QLabel *m_errorLabel = nullptr;
    QWidget *m_exampleBox = nullptr;
    QGridLayout *m_exampleGrid = nullptr;
    QStringList m_examples;
};

// "277.41 K", "(721, 1440) float64", "stored as y (1460, 721, 1440)".
QString summarizeResult(const tessera::EvaluationResult &result);

} // namespace tessera::ui
