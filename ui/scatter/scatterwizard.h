// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "net/session/clustersession.h"

#include <QWizard>

namespace tessera {
class Operation;
}

namespace tessera::ui {

class ScatterFilesPage;
class ScatterLayoutPage;
class ScatterProgressPage;
class ScatterVariablePage;

// Turns many NetCDF files into one distributed array: files, variable, layout, then the load
// with its progress. On Finish the array is in the session's workspace.
class ScatterWizard final : public QWizard
{
    Q_OBJECT

public:
    enum PageId { FilesPageId, VariablePageId, LayoutPageId, ProgressPageId };

    explicit ScatterWizard(tessera::ClusterSession *session, QWidget *parent = nullptr);

    // Files or folders, e.g. dropped onto the main window before the wizard opened.
    void addFiles(const QStringList &paths);
    QStringList files() const;
    // The request the load page will send (valid once a variable is chosen).
    tessera::LoadRequest loadRequest() const;
    // Presets the layout page (an experiment's layout); the user can still change it.
    void presetLayout(const tessera::LoadRequest &request);
    tessera::Operation *loadOperation() const;

    ScatterFilesPage *filesPage() const { return m_filesPage; }
    ScatterVariablePage *variablePage() const { return m_variablePage; }
    ScatterLayoutPage *layoutPage() const { return m_layoutPage; }
    ScatterProgressPage *progressPage() const { return m_progressPage; }

public Q_SLOTS:
    void reject() override;

Q_SIGNALS:
    void loadStarted(tessera::Operation *operation, const tessera::LoadRequest &request);
    void loadFinished(tessera::Operation *operation);

private:
    ScatterFilesPage *m_filesPage = nullptr;
    ScatterVariablePage *m_variablePage = nullptr;
    ScatterLayoutPage *m_layoutPage = nullptr;
    ScatterProgressPage *m_progressPage = nullptr;
    bool m_closeWhenCancelled = false;
};

} // namespace tessera::ui
