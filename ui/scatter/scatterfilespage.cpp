// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/scatter/scatterfilespage.h"
#include "core/bytesize.h"
#include "core/io/filediscovery.h"
#include "ui/style/viewstyle.h"

#include <QDirIterator>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace tessera::ui {

namespace {

// A file's size, or what a Zarr store's files add up to.
qint64 bytesOnDisk(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        return info.size();
    qint64 bytes = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

} // namespace

QStringList localPathsFromMime(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    return paths;
}

ScatterFilesPage::ScatterFilesPage(QWidget *parent)
    : QWizardPage(parent)
    , m_list(new QTreeWidget(this))
    , m_summary(new QLabel(this))
{
    setObjectName(u"filesPage"_s);
    setTitle(tr("Files"));
    setSubTitle(tr("Drop NetCDF files, Zarr stores or folders here from the file manager, or add them. They are "
                   "stacked along their first dimension in the order listed.")
                + u' ' + fileDiscoveryRule());
    setAcceptDrops(true);
    m_summary->setObjectName(u"filesSummaryLabel"_s);

    m_list->setObjectName(u"fileList"_s);
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("File"), tr("Size")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);

    auto *addFiles = new QPushButton(tr("Add &files..."), this);
    addFiles->setObjectName(u"addFilesButton"_s);
    auto *addFolder = new QPushButton(tr("Add f&older or store..."), this);
    addFolder->setObjectName(u"addFolderButton"_s);
    auto *remove = new QPushButton(tr("&Remove"), this);
    remove->setObjectName(u"removeFilesButton"_s);
    auto *clear = new QPushButton(tr("&Clear"), this);
    clear->setObjectName(u"clearFilesButton"_s);

    connect(addFiles, &QPushButton::clicked, this, [this] {
        addPaths(QFileDialog::getOpenFileNames(this, tr("Add NetCDF files"), QString(),
                                               tr("NetCDF files (*.nc *.nc4 *.cdf *.netcdf);;All files (*)")));
    });
    connect(addFolder, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a Zarr store or a folder of NetCDF files"));
        if (!folder.isEmpty())
            addPaths({folder});
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        QStringList kept = m_files;
        for (const QTreeWidgetItem *item : m_list->selectedItems())
            kept.removeAll(item->data(0, Qt::UserRole).toString());
        setFiles(kept);
    });
    connect(clear, &QPushButton::clicked, this, [this] { setFiles({}); });

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(addFiles);
    buttons->addWidget(addFolder);
    buttons->addWidget(remove);
    buttons->addWidget(clear);
    buttons->addStretch();
    auto *listLayout = new QHBoxLayout;
    listLayout->addWidget(m_list, 1);
    listLayout->addLayout(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(listLayout, 1);
    layout->addWidget(m_summary);
    setFiles({});
}

void ScatterFilesPage::addPaths(const QStringList &paths)
{
    QStringList found;
    QStringList problems;
    for (const QString &path : paths) {
        const Result<QStringList> files = discoverFiles(path);
        if (files.isOk())
            found << *files;
        else
            problems << files.status().message();
    }
    setFiles(m_files + found);
    if (!problems.isEmpty())
        m_summary->setText(m_summary->text() + u'\n' + problems.join(u'\n'));
}

void ScatterFilesPage::setFiles(QStringList files)
{
    // Daily or monthly files are named by date, so path order is time order.
    files.sort();
    files.removeDuplicates();
    m_files = files;

    m_list->clear();
    qint64 totalBytes = 0;
    for (const QString &file : std::as_const(m_files)) {
        const qint64 bytes = bytesOnDisk(file);
        totalBytes += bytes;
        auto *item = new QTreeWidgetItem(m_list, {QFileInfo(file).fileName(), formatBytes(bytes)});
        item->setData(0, Qt::UserRole, file);
        item->setToolTip(0, file);
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_summary->setText(m_files.isEmpty() ? tr("No files yet.")
                                         : tr("%1 files, %2 on disk").arg(m_files.size()).arg(formatBytes(totalBytes)));
    Q_EMIT completeChanged();
}

bool ScatterFilesPage::isComplete() const
{
    return !m_files.isEmpty();
}

void ScatterFilesPage::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPathsFromMime(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ScatterFilesPage::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPathsFromMime(event->mimeData());
    if (paths.isEmpty())
        return;
    addPaths(paths);
    event->acceptProposedAction();
}

} // namespace tessera::ui
