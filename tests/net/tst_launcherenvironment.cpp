// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// What a worker takes from the launcher that started it: its name from the rank variables of
// mpirun and srun, and where it listens when it dials back. And what the workbench reads from
// Slurm about the workers' job: its state and why, in words (tst_slurm runs a real Slurm).

#include "net/session/slurmjob.h"
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
    void slurmJobStates_data();
    void slurmJobStates();
    void slurmBatchScript();
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

void TestLauncherEnvironment::slurmJobStates_data()
{
    QTest::addColumn<QString>("scontrol");
    QTest::addColumn<QString>("described");
    QTest::addColumn<bool>("final");
    const QString head = u"JobId=12 JobName=tessera-workers UserId=ana(1000) GroupId=ana(1000) Priority=1 "_s;
    QTest::newRow("waiting for nodes") << head + u"JobState=PENDING Reason=Resources Dependency=(null) Requeue=1"_s
                                       << u"PENDING (Resources: waiting for nodes to become free)"_s << false;
    QTest::newRow("running") << head + u"JobState=RUNNING Reason=None Dependency=(null)"_s << u"RUNNING"_s << false;
    QTest::newRow("time limit reached") << head + u"JobState=TIMEOUT Reason=TimeLimit Dependency=(null)"_s
                                        << u"TIMEOUT (TimeLimit: its time limit was reached)"_s << true;
    QTest::newRow("a reason without words") << head + u"JobState=PENDING Reason=BeginTime"_s << u"PENDING (BeginTime)"_s << false;
    QTest::newRow("node failed") << head + u"JobState=NODE_FAIL Reason=None"_s << u"NODE_FAIL"_s << true;
}

void TestLauncherEnvironment::slurmJobStates()
{
    QFETCH(QString, scontrol);
    QFETCH(QString, described);
    QFETCH(bool, final);
    const SlurmJobState state = SlurmJobState::parse(scontrol);
    QCOMPARE(state.describe(), described);
    QCOMPARE(state.isFinal(), final);
}

void TestLauncherEnvironment::slurmBatchScript()
{
    SlurmRequest request;
    request.nodes = 4;
    request.tasksPerNode = 2;
    request.partition = u"compute"_s;
    request.timeLimit = u"1:00:00"_s;
    request.extraArguments = {u"--account=climate"_s};
    request.workerProgram = u"/opt/tessera's/bin/tessera-worker"_s;
    request.outputDirectory = u"/home/ana/.tessera"_s;
    QCOMPARE(SlurmJob::sbatchArguments(request),
             (QStringList{u"--parsable"_s, u"--job-name=tessera-workers"_s, u"--nodes=4"_s, u"--ntasks-per-node=2"_s,
                          u"--output=/home/ana/.tessera/slurm-tessera-%j.out"_s, u"--partition=compute"_s, u"--time=1:00:00"_s,
                          u"--account=climate"_s}));
    // The token stays in its file: only the file's name is on the command line.
    QCOMPARE(SlurmJob::batchScript(request, u"login1:7070"_s, u"/home/ana/.tessera/token-7"_s),
             u"#!/bin/sh\n# Tessera workers, dialing back to login1:7070\n"
             u"exec srun '/opt/tessera'\\''s/bin/tessera-worker' --connect 'login1:7070' --token-file "
             u"'/home/ana/.tessera/token-7'\n"_s);
}

QTEST_APPLESS_MAIN(TestLauncherEnvironment)
#include "tst_launcherenvironment.moc"
