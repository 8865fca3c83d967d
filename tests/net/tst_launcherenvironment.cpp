// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// What a worker takes from the launcher that started it: its name from the rank variables of
// mpirun and srun, and where it listens when it dials back.

#include "net/worker/launcherenvironment.h"

#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

class TestLauncherEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rankName_data();
    void rankName();
    void listenWhenDialingBack_data();
    void listenWhenDialingBack();
};

void TestLauncherEnvironment::rankName_data()
{
    QTest::addColumn<QStringList>("variables"); // NAME=VALUE
    QTest::addColumn<QString>("expected");
    QTest::newRow("no launcher") << QStringList{u"HOME=/root"_s} << QString();
    QTest::newRow("Open MPI") << QStringList{u"OMPI_COMM_WORLD_RANK=3"_s, u"OMPI_COMM_WORLD_SIZE=4"_s} << u"rank 3"_s;
    QTest::newRow("MPICH") << QStringList{u"PMI_RANK=0"_s} << u"rank 0"_s;
    QTest::newRow("srun") << QStringList{u"SLURM_PROCID=12"_s} << u"rank 12"_s;
    // mpirun inside a Slurm allocation: the MPI rank names the process, not the batch step's.
    QTest::newRow("mpirun under Slurm") << QStringList{u"SLURM_PROCID=0"_s, u"OMPI_COMM_WORLD_RANK=5"_s} << u"rank 5"_s;
    QTest::newRow("not a number") << QStringList{u"PMI_RANK=x"_s} << QString();
}

void TestLauncherEnvironment::rankName()
{
    QFETCH(QStringList, variables);
    QFETCH(QString, expected);
    QProcessEnvironment environment;
    for (const QString &variable : variables)
        environment.insert(variable.section(u'=', 0, 0), variable.section(u'=', 1));
    QCOMPARE(launcherRankName(environment), expected);
}

void TestLauncherEnvironment::listenWhenDialingBack_data()
{
    QTest::addColumn<QString>("dialBack");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no dial-back") << QString() << u"127.0.0.1:0"_s;
    QTest::newRow("loopback") << u"127.0.0.1:7070"_s << u"127.0.0.1:0"_s;
    QTest::newRow("localhost") << u"localhost:7070"_s << u"127.0.0.1:0"_s;
    QTest::newRow("another host") << u"198.18.0.1:7070"_s << u"0.0.0.0:0"_s;
    QTest::newRow("a host name") << u"login1:7070"_s << u"0.0.0.0:0"_s;
    QTest::newRow("IPv6") << u"[fd00::1]:7070"_s << u"[::]:0"_s;
    QTest::newRow("IPv6 loopback") << u"[::1]:7070"_s << u"127.0.0.1:0"_s;
}

void TestLauncherEnvironment::listenWhenDialingBack()
{
    QFETCH(QString, dialBack);
    QFETCH(QString, expected);
    QCOMPARE(defaultListenAddress(dialBack), expected);
}

QTEST_APPLESS_MAIN(TestLauncherEnvironment)
#include "tst_launcherenvironment.moc"
