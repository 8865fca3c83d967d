// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The workbench's command line as a cluster's login node sees it: no display at all.

#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class TestGuiCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_program = qEnvironmentVariable("TESSERA_GUI");
        QVERIFY2(!m_program.isEmpty(), "TESSERA_GUI must name the built tessera program; run through ctest");
    }

    void withoutADisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        QTest::newRow("--help") << QStringList{u"--help"_s} << 0 << u"--connect <ADDRS>"_s;
        QTest::newRow("--version") << QStringList{u"--version"_s} << 0 << u"tessera 0."_s;
        QTest::newRow("a window is asked for") << QStringList{u"--local"_s, u"2"_s} << 1 << u"tessera-cli"_s;
        QTest::newRow("a wrong option") << QStringList{u"--bogus"_s} << 1 << u"Unknown option 'bogus'"_s;
    }

    void withoutADisplay()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &name : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
            environment.remove(name);
        QProcess process;
        process.setProcessEnvironment(environment);
        process.start(m_program, arguments);
        QVERIFY(process.waitForFinished(30000));
        const QString output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == exitCode, qPrintable(output));
        QVERIFY2(output.contains(says), qPrintable(output));
        QVERIFY2(!output.contains(u"platform plugin"_s), qPrintable(output));
    }

private:
    QString m_program;
};

QTEST_GUILESS_MAIN(TestGuiCommandLine)
#include "tst_guicommandline.moc"
