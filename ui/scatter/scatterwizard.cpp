// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/scatter/scatterwizard.h"

#include "ui/scatter/scatterprogresspage.h"
#include "ui/scatter/scatterwizardpages.h"

#include "net/session/operation.h"

using namespace Qt::StringLiterals;

namespace tessera::ui {

ScatterWizard::ScatterWizard(ClusterSession *session, QWidget *parent)
    : QWizard(parent)
    , m_filesPage(new ScatterFilesPage(this))
    , m_variablePage(new ScatterVariablePage(m_filesPage, this))
    , m_layoutPage(new ScatterLayoutPage(session, m_variablePage, this))
    , m_progressPage(new ScatterProgressPage(session, m_layoutPage, this))
{
    setObjectName(u"scatterWizard"_s);
    setWindowTitle(tr("Scatter files"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnLastPage, false);
    setPage(FilesPageId, m_filesPage);
    setPage(VariablePageId, m_variablePage);
    setPage(LayoutPageId, m_layoutPage);
    setPage(ProgressPageId, m_progressPage);
    setButtonText(QWizard::CommitButton, tr("&Scatter"));
    // Leaving the layout page starts the load.
    m_layoutPage->setButtonText(QWizard::NextButton, tr("&Scatter"));

    connect(m_progressPage, &ScatterProgressPage::loadStarted, this, &ScatterWizard::loadStarted);
    connect(m_progressPage, &ScatterProgressPage::loadFinished, this, [this](Operation *operation) {
        Q_EMIT loadFinished(operation);
        if (m_closeWhenCancelled) {
            m_closeWhenCancelled = false;
            QWizard::reject();
        }
    });
    resize(760, 560);
}

void ScatterWizard::addFiles(const QStringList &paths)
{
    m_filesPage->addPaths(paths);
}

QStringList ScatterWizard::files() const
{
    return m_filesPage->files();
}

LoadRequest ScatterWizard::loadRequest() const
{
    return m_layoutPage->request();
}

void ScatterWizard::presetLayout(const LoadRequest &request)
{
    m_layoutPage->setRequest(request);
}

Operation *ScatterWizard::loadOperation() const
{
    return m_progressPage->operation();
}

void ScatterWizard::reject()
{
    // Cancel while loading stops the load; the wizard closes once the engine has dropped it.
    if (m_progressPage->isLoading()) {
        m_closeWhenCancelled = true;
        m_progressPage->cancelLoad();
        return;
    }
    QWizard::reject();
}

} // namespace tessera::ui
