// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/scatter/scatterwizardpages.h"
#include "ui/style/viewstyle.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRadioButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/bytesize.h"
#include "ui/scatter/backgroundjob.h"

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {
constexpr int SlowReadHintMillis = 5000;

QLabel *makeLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}
} // namespace

// 2. Variable

ScatterVariablePage::ScatterVariablePage(const ScatterFilesPage *filesPage, QWidget *parent)
    : QWizardPage(parent)
    , m_filesPage(filesPage)
    , m_variables(new QTreeWidget(this))
    , m_summary(makeLabel(this, u"stackSummaryLabel"_s))
    , m_error(makeLabel(this, u"stackErrorLabel"_s))
{
    setObjectName(u"variablePage"_s);
    setTitle(tr("Variable"));
    setSubTitle(tr("Choose the variable to stack. Every file must hold it with the same dimensions "
                   "after the first."));

    m_variables->setObjectName(u"variableList"_s);
    m_variables->setColumnCount(6);
    m_variables->setHeaderLabels(
        {tr("Variable"), tr("Dimensions"), tr("Shape (first file)"), tr("Stored as"), tr("Units"), tr("Description")});
    m_variables->setRootIsDecorated(false);
    m_variables->setUniformRowHeights(true);
    m_error->setStyleSheet(viewstyle::errorStyleSheet());

    connect(m_variables, &QTreeWidget::currentItemChanged, this, &ScatterVariablePage::planStack);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_variables, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
}

void ScatterVariablePage::initializePage()
{
    const QStringList files = m_filesPage->files();
    if (files == m_inspectedFiles)
        return; // back and forth without changes: keep the choice and the check
    m_inspectedFiles = files;
    m_variables->clear();
    m_stack.reset();
    m_error->clear();
    m_summary->clear();

    // The first file tells what there is to choose from; all files are checked once one is chosen.
    // Off this thread: a damaged file can keep the NetCDF library busy for minutes (fuzzing found an
    // 8.9 kB HDF5 file that netCDF-C had not finished opening after 10 minutes, nor netCDF4-python
    // after one), and the window must stay usable meanwhile.
    const QString first = files.value(0);
    const int generation = ++m_inspectGeneration;
    m_summary->setText(tr("Reading %1...").arg(first));
    runInBackground(
        this, [first] { return inspectDataset(first); },
        [this, generation](Result<FileInfo> info) {
        if (generation == m_inspectGeneration)
            showVariables(info);
        });
    QTimer::singleShot(SlowReadHintMillis, this, [this, generation, first] {
        if (generation == m_inspectGeneration && m_variables->topLevelItemCount() == 0 && m_error->text().isEmpty())
            m_summary->setText(tr("Still reading %1: a damaged file can keep the NetCDF library busy for many "
                                  "minutes, and no other NetCDF file can be read until it ends. If it does not, "
                                  "save your work, restart the workbench and check the file (ncdump -h).")
                                   .arg(first));
    });
}

void ScatterVariablePage::showVariables(const Result<FileInfo> &info)
{
    m_summary->clear();
    if (!info) {
        m_error->setText(info.status().message());
        Q_EMIT completeChanged();
        return;
    }

    QTreeWidgetItem *best = nullptr;
    int bestRank = -1;
    for (const VariableInfo &variable : info->variables) {
        QStringList dims;
        for (const QString &dim : variable.dimNames)
            dims << dim;
        auto *item = new QTreeWidgetItem(m_variables, {variable.name, dims.join(u", "_s), shapeToString(variable.shape),
                                                       variable.storageType, variable.units, variable.longName});
        item->setData(0, Qt::UserRole, variable.name);
        // Coordinate variables (time, latitude, ...) are listed but not proposed.
        const bool isCoordinate = dims.contains(variable.name.section(u'/', -1));
        if (!isCoordinate && (int(variable.shape.size()) > bestRank)) {
            best = item;
            bestRank = int(variable.shape.size());
        }
    }
    for (int column = 0; column < m_variables->columnCount(); ++column)
        m_variables->resizeColumnToContents(column);
    m_variables->setCurrentItem(best ? best : m_variables->topLevelItem(0));
}

QString ScatterVariablePage::variable() const
{
    const QTreeWidgetItem *item = m_variables->currentItem();
    return item ? item->data(0, Qt::UserRole).toString() : QString();
}

bool ScatterVariablePage::isComplete() const
{
    return m_stack.has_value();
}

void ScatterVariablePage::planStack()
{
    m_stack.reset();
    m_error->clear();
    Q_EMIT completeChanged();
    const QString name = variable();
    if (name.isEmpty())
        return;

    const QStringList files = m_filesPage->files();
    m_summary->setText(tr("Checking %1 in %2 files...").arg(name).arg(files.size()));
    const int generation = ++m_planGeneration;
    runInBackground(
        this, [files, name] { return planFileStack(files, name); },
        [this, generation](Result<FileStack> stack) {
        if (generation != m_planGeneration)
            return;
        if (!stack) {
            m_summary->clear();
            m_error->setText(stack.status().message());
            return;
        }
        m_summary->setText(tr("Stacked: %1 from %2 files, %3 in memory as float64.")
                               .arg(shapeToString(stack->meta.shape))
                               .arg(stack->files.size())
                               .arg(formatBytes(stack->meta.byteSize())));
        m_stack = std::move(*stack);
        Q_EMIT completeChanged();
        });
}

// 3. Layout

ScatterLayoutPage::ScatterLayoutPage(ClusterSession *session, const ScatterVariablePage *variablePage, QWidget *parent)
    : QWizardPage(parent)
    , m_session(session)
    , m_variablePage(variablePage)
    , m_name(new QLineEdit(this))
    , m_oneBlockPerFile(new QRadioButton(tr("One &block per file"), this))
    , m_splitFiles(new QRadioButton(tr("&Split each file into"), this))
    , m_blocksPerFile(new QSpinBox(this))
    , m_distribution(new QComboBox(this))
    , m_workersRead(new QRadioButton(tr("&Workers read their own files from a path they all see (parallel)"), this))
    , m_headReads(new QRadioButton(tr("This &computer reads every file and sends the blocks"), this))
    , m_summary(makeLabel(this, u"layoutSummaryLabel"_s))
{
    setObjectName(u"layoutPage"_s);
    setTitle(tr("Layout"));
    setSubTitle(tr("How the stacked array is cut into blocks and spread over the workers."));

    m_name->setObjectName(u"arrayNameEdit"_s);
    m_name->setValidator(new QRegularExpressionValidator(QRegularExpression(u"[A-Za-z_][A-Za-z0-9_]*"_s), m_name));
    m_oneBlockPerFile->setObjectName(u"oneBlockPerFileRadio"_s);
    m_oneBlockPerFile->setChecked(true);
    m_splitFiles->setObjectName(u"splitFilesRadio"_s);
    m_blocksPerFile->setObjectName(u"blocksPerFileSpin"_s);
    m_blocksPerFile->setRange(2, 2);
    m_blocksPerFile->setSuffix(tr(" blocks"));
    m_distribution->setObjectName(u"distributionCombo"_s);
    m_distribution->addItem(tr("Contiguous runs of files per worker"), int(Distribution::Contiguous));
    m_distribution->addItem(tr("Round-robin"), int(Distribution::RoundRobin));
    m_distribution->addItem(tr("By free memory"), int(Distribution::FreeMemory));
    m_workersRead->setObjectName(u"workersReadRadio"_s);
    m_workersRead->setChecked(true);
    m_headReads->setObjectName(u"headReadsRadio"_s);

    // The two choices are separate: all four buttons share a parent.
    auto *chunkingGroup = new QButtonGroup(this);
    chunkingGroup->addButton(m_oneBlockPerFile);
    chunkingGroup->addButton(m_splitFiles);
    auto *readingGroup = new QButtonGroup(this);
    readingGroup->addButton(m_workersRead);
    readingGroup->addButton(m_headReads);

    auto *chunking = new QHBoxLayout;
    chunking->addWidget(m_oneBlockPerFile);
    chunking->addSpacing(16);
    chunking->addWidget(m_splitFiles);
    chunking->addWidget(m_blocksPerFile);
    chunking->addStretch();
    auto *loadMode = new QVBoxLayout;
    loadMode->addWidget(m_workersRead);
    loadMode->addWidget(m_headReads);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Array &name:"), m_name);
    form->addRow(tr("Chunking:"), chunking);
    form->addRow(tr("&Distribution:"), m_distribution);
    form->addRow(tr("Reading:"), loadMode);
    form->addRow(m_summary);

    connect(m_name, &QLineEdit::textEdited, this, [this] { m_nameEdited = true; });
    connect(m_name, &QLineEdit::textChanged, this, &ScatterLayoutPage::updateSummary);
    connect(m_splitFiles, &QRadioButton::toggled, this, &ScatterLayoutPage::updateSummary);
    connect(m_blocksPerFile, &QSpinBox::valueChanged, this, &ScatterLayoutPage::updateSummary);
    connect(m_distribution, &QComboBox::currentIndexChanged, this, &ScatterLayoutPage::updateSummary);
}

void ScatterLayoutPage::initializePage()
{
    if (!m_nameEdited) {
        // x, then x2, x3, ...: never replace an array the user did not name.
        QString name = u"x"_s;
        for (int n = 2; m_session->array(name); ++n)
            name = u"x%1"_s.arg(n);
        m_name->setText(name);
    }
    std::int64_t shortestFile = 1;
    if (const auto &stack = m_variablePage->fileStack(); stack && !stack->firstExtents.empty())
        shortestFile = *std::min_element(stack->firstExtents.begin(), stack->firstExtents.end());
    m_splitFiles->setEnabled(shortestFile >= 2);
    m_blocksPerFile->setRange(2, int(std::max<std::int64_t>(2, shortestFile)));
    if (shortestFile < 2)
        m_oneBlockPerFile->setChecked(true);
    updateSummary();
}

bool ScatterLayoutPage::isComplete() const
{
    return m_name->hasAcceptableInput();
}

LoadRequest ScatterLayoutPage::request() const
{
    LoadRequest request;
    request.name = m_name->text();
    if (const auto &stack = m_variablePage->fileStack()) {
        request.files = stack->files;
        request.variable = stack->variable;
    }
    request.mode = m_headReads->isChecked() ? LoadMode::Head : LoadMode::Workers;
    request.distribution = Distribution(m_distribution->currentData().toInt());
    request.blocksPerFile = m_splitFiles->isChecked() ? m_blocksPerFile->value() : 1;
    return request;
}

std::int64_t ScatterLayoutPage::plannedBytes() const
{
    const auto &stack = m_variablePage->fileStack();
    return stack ? stack->meta.byteSize() : 0;
}

std::int64_t ScatterLayoutPage::plannedBlocks() const
{
    const auto &stack = m_variablePage->fileStack();
    return stack ? std::int64_t(stack->files.size()) * request().blocksPerFile : 0;
}

void ScatterLayoutPage::setRequest(const LoadRequest &request)
{
    m_name->setText(request.name);
    m_nameEdited = true;
    (request.blocksPerFile > 1 ? m_splitFiles : m_oneBlockPerFile)->setChecked(true);
    m_blocksPerFile->setValue(request.blocksPerFile);
    m_distribution->setCurrentIndex(m_distribution->findData(int(request.distribution)));
    (request.mode == LoadMode::Head ? m_headReads : m_workersRead)->setChecked(true);
}

void ScatterLayoutPage::updateSummary()
{
    Q_EMIT completeChanged();
    const auto &stack = m_variablePage->fileStack();
    if (!stack)
        return;

    const LoadRequest planned = request();
    const std::int64_t blocks = plannedBlocks();
    const std::int64_t totalBytes = plannedBytes();
    const std::vector<WorkerInfo> workers = m_session->workers();
    std::int64_t freeBytes = 0;
    for (const WorkerInfo &worker : workers)
        freeBytes += std::max<std::int64_t>(0, worker.memoryLimitBytes - worker.memoryUsedBytes);

    QStringList lines;
    lines << tr("%1 blocks of about %2 each.").arg(blocks).arg(formatBytes(totalBytes / std::max<std::int64_t>(1, blocks)));
    if (!workers.empty())
        lines << tr("About %1 on each of %2 workers; %3 free in all.")
                     .arg(formatBytes(totalBytes / std::int64_t(workers.size())))
                     .arg(workers.size())
                     .arg(formatBytes(freeBytes));
    if (m_session->array(planned.name))
        lines << tr("An array named %1 exists: it will be replaced.").arg(planned.name);
    const bool tooBig = !workers.empty() && (freeBytes > 0) && (totalBytes > freeBytes);
    if (tooBig)
        lines << tr("The array is larger than the workers' free memory: the load will fail. "
                    "Add workers or raise their memory limit.");
    m_summary->setStyleSheet(tooBig ? viewstyle::errorStyleSheet() : QString());
    m_summary->setText(lines.join(u'\n'));
}

} // namespace tessera::ui
