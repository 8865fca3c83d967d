// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

// Shows `widget` at a size a dock would give it, so layouts run as they would for a user.
inline void present(QWidget *widget, QSize size)
{
    widget->resize(size);
    widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(widget));
}

// UI tests save what they show as PNG: into DIR with TESSERA_SCREENSHOTS=DIR, for a person to look
// at; otherwise into a folder removed at exit, so grabbing and saving are checked on every run.
inline void saveScreenshot(QWidget *widget, const QString &name)
{
    static QTemporaryDir scratch;
    QString directory = qEnvironmentVariable("TESSERA_SCREENSHOTS");
    if (directory.isEmpty())
        directory = scratch.path();
    QVERIFY(QDir().mkpath(directory));
    const QString path = directory + QLatin1Char('/') + name + QStringLiteral(".png");
    QVERIFY(widget->grab().save(path));
    const QImage saved(path);
    QVERIFY2(!saved.isNull() && saved.width() > 0 && saved.height() > 0, qPrintable(path));
}
