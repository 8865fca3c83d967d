// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/save/savezarrdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace tessera::ui {

SaveZarrDialog::SaveZarrDialog(const QString &arrayName, QWidget *parent)
    : QDialog(parent)
    , m_arrayName(arrayName)
    , m_path(new QLineEdit(this))
    , m_format(new QComboBox(this))
    , m_codec(new QComboBox(this))
    , m_dtype(new QComboBox(this))
    , m_preview(new QLabel(this))
{
    setObjectName(u"saveZarrDialog"_s);
    setWindowTitle(tr("Save %1 as Zarr").arg(arrayName));
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    m_path->setObjectName(u"zarrPathEdit"_s);
    m_path->setPlaceholderText(tr("/shared/data/%1.zarr").arg(arrayName));
    m_path->setText(QDir::home().filePath(arrayName + u".zarr"_s));
    auto *browse = new QPushButton(tr("&Browse..."), this);
    connect(browse, &QPushButton::clicked, this, &SaveZarrDialog::chooseFolder);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    m_format->setObjectName(u"zarrFormatCombo"_s);
    m_format->addItem(tr("Zarr v2: every xarray and zarr-python opens it"), u"v2"_s);
    m_format->addItem(tr("Zarr v3: zarr-python 3, zarrita, TensorStore"), u"v3"_s);
    m_codec->setObjectName(u"zarrCodecCombo"_s);
    for (const QString &codec : {u"zstd"_s, u"blosc-lz4"_s, u"blosc-zstd"_s, u"gzip"_s, u"none"_s})
        m_codec->addItem(codec, codec);
    m_dtype->setObjectName(u"zarrDtypeCombo"_s);
    m_dtype->addItem(tr("float64, as computed"), u"float64"_s);
    m_dtype->addItem(tr("float32, half the size"), u"float32"_s);
    m_preview->setObjectName(u"zarrStatementLabel"_s);
    m_preview->setWordWrap(true);
    m_preview->setMinimumHeight(2 * fontMetrics().lineSpacing());
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *note = new QLabel(tr("Each worker writes its own blocks, so the path must be one every worker sees "
                               "(a shared file system). It must not exist yet."),
                            this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    auto *pathLabel = new QLabel(tr("&Store:"), this);
    pathLabel->setBuddy(m_path);
    form->addRow(pathLabel, pathRow);
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("&Codec:"), m_codec);
    form->addRow(tr("&Values:"), m_dtype);
    form->addRow(note);
    form->addRow(tr("Statement:"), m_preview);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    for (QComboBox *combo : {m_format, m_codec, m_dtype})
        connect(combo, &QComboBox::currentIndexChanged, this, &SaveZarrDialog::updateStatement);
    connect(m_path, &QLineEdit::textChanged, this, [this, buttons] {
        buttons->button(QDialogButtonBox::Save)->setEnabled(!statement().isEmpty());
        updateStatement();
    });
    updateStatement();
}

QString SaveZarrDialog::statement() const
{
    const QString path = m_path->text().trimmed();
    if (path.isEmpty() || path.contains(u'\'') || path.contains(u'"'))
        return {};
    QString text = u"save(%1, '%2'"_s.arg(m_arrayName, path);
    if (m_format->currentData().toString() != u"v2"_s)
        text += u", format='%1'"_s.arg(m_format->currentData().toString());
    if (m_codec->currentData().toString() != u"zstd"_s)
        text += u", codec='%1'"_s.arg(m_codec->currentData().toString());
    if (m_dtype->currentData().toString() != u"float64"_s)
        text += u", dtype='%1'"_s.arg(m_dtype->currentData().toString());
    return text + u")"_s;
}

void SaveZarrDialog::chooseFolder()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save %1 as a Zarr store").arg(m_arrayName), m_path->text(),
                                                tr("Zarr stores (*.zarr)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(u".zarr"_s))
        path += u".zarr"_s;
    m_path->setText(path);
}

void SaveZarrDialog::updateStatement()
{
    const QString text = statement();
    m_preview->setText(text.isEmpty() ? tr("Give the store's path (without quotes).") : text);
}

} // namespace tessera::ui
