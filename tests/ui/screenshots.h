#pragma once

#include <QDir>
#include <QTest>
#include <QWidget>

// With TESSERA_SCREENSHOTS=DIR, UI tests save what they show as DIR/<name>.png for a person to look at.
inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString directory = qEnvironmentVariable("TESSERA_SCREENSHOTS");
    if (directory.isEmpty())
        return;
    QDir().mkpath(directory);
    QVERIFY(widget->grab().save(directory + QLatin1Char('/') + name + QStringLiteral(".png")));
}
