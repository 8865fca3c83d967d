// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QStringList>
#include <QWizardPage>

class QLabel;
class QMimeData;
class QTreeWidget;

namespace tessera::ui {

// Local files and folders named by a drag from a file manager (file:// URLs).
QStringList localPathsFromMime(const QMimeData *mime);

// 1. The files to stack: dropped from a file manager or added with buttons; listed with sizes.
class ScatterFilesPage final : public QWizardPage
{
    Q_OBJECT

public:
    explicit ScatterFilesPage(QWidget *parent = nullptr);

    void addPaths(const QStringList &paths);
    QStringList files() const { return m_files; }
    bool isComplete() const override;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void setFiles(QStringList files);

    QStringList m_files; // sorted by path, no duplicates
    QTreeWidget *m_list = nullptr;
    QLabel *m_summary = nullptr;
};

} // namespace tessera::ui
