// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ui/scatter/scatterfilespage.h"

#include "core/io/dataset.h"
#include "core/io/filestack.h"
#include "net/session/clustersession.h"

#include <QWizardPage>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QTreeWidget;

namespace tessera::ui {

// 2. The variable to stack, with what the files say about it; the stacked shape and size are
// checked across all files in the background.
class ScatterVariablePage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit ScatterVariablePage(const ScatterFilesPage *filesPage, QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

    QString variable() const;
    const std::optional<tessera::FileStack> &fileStack() const { return m_stack; }

private:
    void showVariables(const tessera::Result<tessera::FileInfo> &info);
    void planStack();

    const ScatterFilesPage *m_filesPage = nullptr;
    QStringList m_inspectedFiles;
    QTreeWidget *m_variables = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_error = nullptr;
    std::optional<tessera::FileStack> m_stack;
    int m_planGeneration = 0;    // answers of older checks are dropped
    int m_inspectGeneration = 0; // as are those of older inspections
};

// 3. How the stacked array is cut into blocks, spread over workers and read, and its name.
class ScatterLayoutPage final : public QWizardPage
{
    Q_OBJECT

public:
    ScatterLayoutPage(tessera::ClusterSession *session, const ScatterVariablePage *variablePage, QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

    tessera::LoadRequest request() const;
    // Of the stacked array as the request cuts it.
    std::int64_t plannedBytes() const;
    std::int64_t plannedBlocks() const;
    // The request's layout controls set from an experiment or a test.
    void setRequest(const tessera::LoadRequest &request);

private:
    void updateSummary();

    tessera::ClusterSession *m_session = nullptr;
    const ScatterVariablePage *m_variablePage = nullptr;
    QLineEdit *m_name = nullptr;
    QRadioButton *m_oneBlockPerFile = nullptr;
    QRadioButton *m_splitFiles = nullptr;
    QSpinBox *m_blocksPerFile = nullptr;
    QComboBox *m_distribution = nullptr;
    QRadioButton *m_workersRead = nullptr;
    QRadioButton *m_headReads = nullptr;
    QLabel *m_summary = nullptr;
    bool m_nameEdited = false;
};

} // namespace tessera::ui
