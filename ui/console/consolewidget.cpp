// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/console/consolewidget.h"

#include "ui/console/expressionedit.h"
#include "ui/style/viewstyle.h"

#include "net/session/operation.h"

#include <QAction>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QTime>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

QString summarizeResult(const EvaluationResult &result)
{
    if (!result.saved.isEmpty())
        return result.saved;
    if (!result.gathered || !result.arrayName.isEmpty())
        return ConsoleWidget::tr("stored as %1 %2").arg(result.arrayName, shapeToString(result.meta.shape));

    const NdArray &value = result.value;
    if (value.size() == 1) {
        QString text = QString::number(value.at(0), 'g', 8);
        if (!result.meta.units.isEmpty())
            text += u' ' + result.meta.units;
        return text;
    }
    return ConsoleWidget::tr("%1 float64, see Result").arg(shapeToString(value.shape()));
}

ConsoleWidget::ConsoleWidget(QWidget *parent)
    : QWidget(parent)
    , m_results(new QTreeWidget(this))
    , m_edit(new ExpressionEdit(this))
    , m_runButton(new QPushButton(tr("Run"), this))
    , m_errorLabel(new QLabel(this))
    , m_exampleBox(new QWidget(this))
    , m_exampleGrid(new QGridLayout(m_exampleBox))
{
    const QFont fixedFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    m_results->setObjectName(u"consoleResults"_s);
    m_results->setColumnCount(NB_COLUMNS);
    m_results->setHeaderLabels({tr("Time"), tr("Statement"), tr("Result"), tr("Took")});
    m_results->setRootIsDecorated(false);
    m_results->setUniformRowHeights(true);
    m_results->setAlternatingRowColors(true);
    m_results->header()->setStretchLastSection(false);
    m_results->header()->setSectionResizeMode(RESULT, QHeaderView::Stretch);
    m_results->setColumnWidth(STATEMENT, 220);
    // Double-clicking a past statement puts it back on the line to edit or run again.
    connect(m_results, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (isEvent(item))
            return;
        setStatement(item->text(STATEMENT));
        m_edit->setFocus();
    });

    m_edit->setObjectName(u"expressionEdit"_s);
    m_edit->setFont(fixedFont);
    connect(m_edit, &ExpressionEdit::submitted, this, &ConsoleWidget::submit);
    connect(m_edit, &QLineEdit::textEdited, m_errorLabel, &QLabel::clear);

    m_runButton->setObjectName(u"runButton"_s);
    m_runButton->setToolTip(tr("Run the statement (Enter or Ctrl+Enter)"));
    connect(m_runButton, &QPushButton::clicked, this, [this] { submit(statement()); });

    m_errorLabel->setObjectName(u"consoleErrorLabel"_s);
    m_errorLabel->setStyleSheet(viewstyle::errorStyleSheet());
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_exampleBox->setObjectName(u"consoleExamples"_s);
    m_exampleGrid->setContentsMargins(0, 0, 0, 0);
    m_exampleGrid->setSpacing(4);

    auto *lineLayout = new QHBoxLayout;
    lineLayout->addWidget(m_edit, 1);
    lineLayout->addWidget(m_runButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_exampleBox);
    layout->addWidget(m_results, 1);
    layout->addLayout(lineLayout);
    layout->addWidget(m_errorLabel);

    setExamples(seedExamples());
    setFocusProxy(m_edit);
}

namespace {

// The name of the first dimension `is` says yes to, or empty.
QString dimensionWhere(const tessera::ArrayMeta &meta, bool (tessera::Axis::*is)() const)
{
    for (const tessera::Axis &axis : meta.axes) {
        if ((axis.*is)())
            return axis.name;
    }
    return {};
}

QString areaWeightedMean(const QString &latitude, const QString &longitude)
{
    return u"x.weighted(cos(radians(x.%1))).mean(dim=('%1', '%2'))"_s.arg(latitude, longitude);
}

QString monthlyClimatology(const QString &time)
{
    return u"x.groupby('%1.month').mean()"_s.arg(time);
}

} // namespace

QStringList ConsoleWidget::seedExamples(const tessera::ArrayMeta *x)
{
    QStringList examples{u"x[0,0,0]"_s,           u"x[100,:,:]"_s,     u"x.sum()"_s,
                         u"x.mean(axis=(1,2))"_s, u"x.mean(axis=0)"_s, u"y = x - x.mean()"_s};
    QString latitude = u"latitude"_s, longitude = u"longitude"_s, time = u"time"_s;
    if (x) {
        latitude = dimensionWhere(*x, &tessera::Axis::isLatitude);
        longitude = dimensionWhere(*x, &tessera::Axis::isLongitude);
        time = dimensionWhere(*x, &tessera::Axis::isTime);
    }
    if (!latitude.isEmpty() && !longitude.isEmpty())
        examples << areaWeightedMean(latitude, longitude);
    if (!time.isEmpty())
        examples << monthlyClimatology(time);
    return examples;
}

QString ConsoleWidget::exampleTitle(const QString &statement)
{
    static const QRegularExpression weighted(uR"(^x\.weighted\(cos\(radians\(x\.\w+\)\)\)\.mean\(dim=\('\w+', '\w+'\)\)$)"_s);
    static const QRegularExpression climatology(uR"(^x\.groupby\('\w+\.month'\)\.mean\(\)$)"_s);
    if (weighted.match(statement).hasMatch())
        return tr("global mean (area-weighted)");
    if (climatology.match(statement).hasMatch())
        return tr("monthly climatology");
    return statement;
}

void ConsoleWidget::setExamples(const QStringList &statements)
{
    m_examples = statements;
    // A grid rather than a toolbar: a narrow dock would hide examples behind an overflow menu.
    const QObjectList previous = m_exampleBox->children(); // a copy: deleting changes the list
    for (QObject *old : previous) {
        if (old->isWidgetType() || qobject_cast<QAction *>(old))
            delete old;
    }
    constexpr int Columns = 3;
    m_exampleGrid->addWidget(new QLabel(tr("Examples:"), m_exampleBox), 0, 0);
    const QFont fixedFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (qsizetype i = 0; i < statements.size(); ++i) {
        const QString statement = statements.at(i);
        auto *action = new QAction(exampleTitle(statement), m_exampleBox);
        action->setObjectName(u"example%1"_s.arg(i));
        action->setToolTip(tr("Run %1").arg(statement));
        auto *button = new QToolButton(m_exampleBox);
        button->setDefaultAction(action);
        button->setFont(fixedFont);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        m_exampleGrid->addWidget(button, int(i / Columns), 1 + int(i % Columns));
        connect(action, &QAction::triggered, this, [this, statement] {
            setStatement(statement);
            submit(statement);
        });
    }
}

void ConsoleWidget::setArrays(const std::vector<tessera::ArrayMeta> &arrays)
{
    m_edit->setArrays(arrays);
}

void ConsoleWidget::setStatement(const QString &text)
{
    m_edit->setText(text);
}

QString ConsoleWidget::statement() const
{
    return m_edit->text().trimmed();
}

QStringList ConsoleWidget::history() const
{
    return m_edit->history();
}

void ConsoleWidget::submit(const QString &text)
{
    if (text.isEmpty())
        return;
    m_edit->addToHistory(text);
    if (!m_errorLabel->text().isEmpty())
        m_errorLabel->clear();
    Q_EMIT runRequested(text);
}

void ConsoleWidget::addResult(const QString &text, const EvaluationResult &result, double wallSeconds)
{
    addEntry(text, summarizeResult(result), tr("%1 s").arg(wallSeconds, 0, 'f', 3), false);
    // The line is cleared only once the statement worked, so a failed one can be fixed in place.
    if (statement() == text)
        m_edit->clear();
}

void ConsoleWidget::addMessage(const QString &text, const QString &message, double wallSeconds)
{
    addEntry(text, message, tr("%1 s").arg(wallSeconds, 0, 'f', 3), false);
    if (statement() == text)
        m_edit->clear();
}

void ConsoleWidget::addError(const QString &text, const QString &message)
{
    addEntry(text, message, QString(), true);
    m_errorLabel->setText(message);
    // Syntax and shape errors start "column N:": put the cursor where the fix goes.
    static const QRegularExpression columnPrefix(u"^column (\\d+):"_s);
    if (const QRegularExpressionMatch match = columnPrefix.match(message); match.hasMatch() && (statement() == text))
        m_edit->setCursorPosition(std::max(0, match.captured(1).toInt() - 1));
}

void ConsoleWidget::addEvent(const QString &what, const QString &message, bool isError)
{
    QTreeWidgetItem *item = addEntry(what, message, QString(), isError);
    QFont font = m_results->font();
    font.setItalic(true);
    item->setFont(STATEMENT, font);
    item->setData(STATEMENT, EventRole, true);
}

bool ConsoleWidget::isEvent(const QTreeWidgetItem *item)
{
    return item->data(STATEMENT, EventRole).toBool();
}

QTreeWidgetItem *ConsoleWidget::addEntry(const QString &text, const QString &resultText, const QString &wallTime, bool isError)
{
    auto *item = new QTreeWidgetItem(m_results);
    item->setText(TIME, QTime::currentTime().toString(u"HH:mm:ss"_s));
    item->setText(STATEMENT, text);
    item->setText(RESULT, resultText);
    item->setText(WALL_TIME, wallTime);
    item->setToolTip(RESULT, viewstyle::wrappedToolTip(resultText));
    item->setTextAlignment(WALL_TIME, Qt::AlignRight | Qt::AlignVCenter);
    item->setFont(STATEMENT, QFontDatabase::systemFont(QFontDatabase::FixedFont));
    if (isError) {
        for (int column = 0; column < NB_COLUMNS; ++column)
            item->setForeground(column, viewstyle::errorColor());
    }
    m_results->scrollToItem(item);
    return item;
}

} // namespace tessera::ui
