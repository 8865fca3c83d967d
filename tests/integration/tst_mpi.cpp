// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Workers started by Open MPI's mpirun, as the README says: `mpirun -n N tessera-worker --connect
// HOST:PORT --token-file F`. Each rank names itself from the launcher's environment, they dial
// back to the session, answer as the reference does, and end with it (so mpirun ends too).

#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"

#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace tessera;
using namespace Qt::StringLiterals;

class TestMpi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ranksDialBackNamedByTheirRank();
};

void TestMpi::ranksDialBackNamedByTheirRank()
{
    const QString mpirun = QStandardPaths::findExecutable(u"mpirun"_s);
    QVERIFY2(!mpirun.isEmpty(), "mpirun is missing: apt-get install openmpi-bin (./setup.sh test does)");
    QTemporaryDir dir;
    const QString tokenFile = dir.filePath(u"token"_s);
    QVERIFY(integration::writeTokenFile(tokenFile, "mpi-test-token"));
    const Result<QStringList> files = integration::writeSmallSample(dir.filePath(u"era"_s), 6);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));

    ClusterSession session;
    Operation *listening = session.listenForWorkers(QHostAddress::LocalHost, 0, "mpi-test-token", 3);
    QProcess launcher;
    launcher.setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{u"-n"_s, u"3"_s, u"--oversubscribe"_s};
    if (::geteuid() == 0)
        arguments << u"--allow-run-as-root"_s; // CI runs as root; Open MPI refuses it unless told
    arguments << integration::programFromEnvironment("TESSERA_WORKER") << u"--connect"_s << session.listenAddress()
              << u"--token-file"_s << tokenFile << u"--threads"_s << u"1"_s;
    launcher.start(mpirun, arguments);
    const Status connected = integration::finishWithin(listening, 60000);
    QVERIFY2(connected.isOk(), qPrintable(connected.message() + QString::fromLocal8Bit(launcher.readAll())));

    QStringList names;
    for (const WorkerInfo &worker : session.workers())
        names << worker.name;
    names.sort();
    QCOMPARE(names, (QStringList{u"rank 0"_s, u"rank 1"_s, u"rank 2"_s}));

    QVERIFY(integration::load(session, u"x"_s, *files).isOk());
    const integration::Evaluated std = integration::evaluate(session, u"x.std(axis=0)"_s);
    QVERIFY2(std.status.isOk(), qPrintable(std.status.message()));
    const reference::Array x = reference::readStack(*files, "t2m");
    const QString problem = reference::mismatch(std.result.value, reference::reduce(x, reference::Reduce::Std, {0}), 1e-12);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    session.disconnectAll();
    QVERIFY2(launcher.waitForFinished(30000), "mpirun did not end with the session");
    QCOMPARE(launcher.exitStatus(), QProcess::NormalExit);
    QVERIFY2(launcher.exitCode() == 0, qPrintable(QString::fromLocal8Bit(launcher.readAll())));
}

QTEST_MAIN(TestMpi)
#include "tst_mpi.moc"
