// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace tessera::ui {

// "Save array as Zarr...": where and how to write one of the workspace's arrays. It makes the
// save(...) statement that does it, so the console, the timings and the experiment record it as
// any other statement.
class SaveZarrDialog final : public QDialog
{
    Q_OBJECT

public:
    SaveZarrDialog(const QString &arrayName, QWidget *parent = nullptr);

    // save(NAME, 'PATH', format=..., codec=..., dtype=...), or empty while the path is missing.
    QString statement() const;

private:
    void chooseFolder();
    void updateStatement();

    QString m_arrayName;
    QLineEdit *m_path = nullptr;
    QComboBox *m_format = nullptr;
    QComboBox *m_codec = nullptr;
    QComboBox *m_dtype = nullptr;
    QLabel *m_preview = nullptr;
};

} // namespace tessera::ui
