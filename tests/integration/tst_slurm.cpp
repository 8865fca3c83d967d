// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Workers started as a real Slurm job: Debian's slurmctld, slurmd and munged, started here on
// three test hosts (network namespaces, nodes n0..n2) with a configuration the test writes. The
// job's workers dial back to the test on the machine's bridge address, take their threads and
// memory from the allocation and their names from their rank; Slurm's refusals and a job that
// never starts come back as messages; the job is gone when the session ends.

#include "netbed.h"
#include "reference.h"
#include "sessionhelpers.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/session/slurmjob.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace tessera;
using namespace Qt::StringLiterals;

namespace {

constexpr int Hosts = 3;
const QByteArray Token = "slurm-test-token";

// Slurm's state of a job ("" once it is gone).
QString squeueState(const QString &jobId)
{
    QProcess squeue;
    squeue.start(u"squeue"_s, {u"-h"_s, u"-j"_s, jobId, u"-o"_s, u"%T"_s});
    squeue.waitForFinished(10000);
    return QString::fromLocal8Bit(squeue.readAllStandardOutput()).trimmed();
}

bool jobIsOver(const QString &jobId)
{
    return QTest::qWaitFor(
        [&] {
        const QString state = squeueState(jobId);
        return state.isEmpty() || state == u"CANCELLED"_s || state == u"COMPLETED"_s || state == u"TIMEOUT"_s;
        },
        20000);
}

} // namespace

class TestSlurm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void workersRunAsASlurmJob();
    void slurmsRefusalIsShown();
    void aJobWhoseWorkersNeverComeIsCancelled();
    void aJobPastItsTimeLimitSaysSo();
    void theCliStartsAndCancelsTheJob();

private:
    SlurmRequest request(int nodes) const;
    QString writeToken(const QString &name) const;

    QTemporaryDir m_dir;
    QStringList m_files;
    reference::Array m_x;
    std::unique_ptr<integration::NetBed> m_bed;
    std::unique_ptr<integration::SlurmBed> m_slurm;
};

void TestSlurm::initTestCase()
{
    if (const QString why = integration::NetBed::whyNotHere(); !why.isEmpty())
        QSKIP(qPrintable(why));
    for (const QString &program : {u"sbatch"_s, u"slurmctld"_s, u"munged"_s}) {
        QVERIFY2(!QStandardPaths::findExecutable(program, {u"/usr/bin"_s, u"/usr/sbin"_s}).isEmpty(),
                 qPrintable(program + u" is missing: apt-get install slurm-wlm munge (./setup.sh test does)"_s));
    }
    m_bed = std::make_unique<integration::NetBed>(u"tslm"_s, Hosts);
    QString problem = m_bed->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_slurm = std::make_unique<integration::SlurmBed>(*m_bed, m_dir.filePath(u"slurm"_s));
    problem = m_slurm->up();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    qputenv("SLURM_CONF", m_slurm->configuration().toLocal8Bit());
    const Result<QStringList> files = integration::writeSmallSample(m_dir.filePath(u"era"_s), 6);
    QVERIFY2(files.isOk(), qPrintable(files.status().message()));
    m_files = *files;
    m_x = reference::readStack(m_files, "t2m");
}

void TestSlurm::cleanupTestCase()
{
    m_slurm.reset();
    m_bed.reset();
}

SlurmRequest TestSlurm::request(int nodes) const
{
    SlurmRequest request;
    request.nodes = nodes;
    request.outputDirectory = m_dir.path();
    request.dialInSeconds = 60;
    return request;
}

QString TestSlurm::writeToken(const QString &name) const
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return {};
    file.write(Token + '\n');
    return file.fileName();
}

void TestSlurm::workersRunAsASlurmJob()
{
    SlurmRequest asked = request(Hosts);
    asked.extraArguments = {u"--cpus-per-task=1"_s, u"--mem=500"_s}; // the nodes have 2 CPUs and 2000 MB
    ClusterSession session;
    Result<std::unique_ptr<SlurmJob>> made = SlurmJob::create(asked); // a token file of its own
    QVERIFY2(made.isOk(), qPrintable(made.status().message()));
    const QString tokenFile = (*made)->tokenFile();
    QCOMPARE(QFileInfo(tokenFile).permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner); // nobody else may read it
    QPointer<SlurmJob> job = made->get();
    QSignalSpy failed(job, &SlurmJob::failed);
    QStringList said;
    Operation *launching = session.launchWorkers(std::move(*made), QHostAddress(integration::NetBed::machineAddress()), 0);
    connect(launching, &Operation::progress, this, [&said](qint64, qint64, const QString &text) { said << text; });
    const Status connected = integration::finishWithin(launching, 60000);
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    QVERIFY(job && !job->jobId().isEmpty());
    QCOMPARE(squeueState(job->jobId()), u"RUNNING"_s);
    QVERIFY(!job->following()); // the session asks when a worker is lost, not every second
    QVERIFY2(said.join(u'\n').contains(u"Slurm job %1: 3 worker(s) will dial back"_s.arg(job->jobId())),
             qPrintable(said.join(u'\n')));

    QStringList names, hosts;
    for (const WorkerInfo &worker : session.workers()) {
        names << worker.name;
        hosts << worker.host;
        QCOMPARE(worker.threads, 1);                                                      // --cpus-per-task, not the node's 2
        QCOMPARE(worker.memoryLimitBytes, (std::int64_t(500) << 20) / 10 * 8);            // 80% of --mem
        QVERIFY2(worker.address.startsWith(u"198.18.0.1"_s), qPrintable(worker.address)); // 198.18.0.1X:PORT
    }
    names.sort();
    hosts.sort();
    QCOMPARE(names, (QStringList{u"rank 0"_s, u"rank 1"_s, u"rank 2"_s}));
    QCOMPARE(hosts, (QStringList{m_bed->hostName(0), m_bed->hostName(1), m_bed->hostName(2)}));

    QVERIFY(integration::load(session, u"x"_s, m_files).isOk());
    const integration::Evaluated mean = integration::evaluate(session, u"x.mean(axis=0)"_s);
    QVERIFY2(mean.status.isOk(), qPrintable(mean.status.message()));
    const QString problem = reference::mismatch(mean.result.value, reference::reduce(m_x, reference::Reduce::Mean, {0}), 1e-12);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(mean.report.peerBytes > 0); // partials crossed between nodes

    const QString jobId = job->jobId();
    QCOMPARE(failed.count(), 0);
    session.disconnectAll(); // as a new connection or the GUI's end does
    QVERIFY2(jobIsOver(jobId), qPrintable(u"job still "_s + squeueState(jobId)));
    QTRY_VERIFY(!QFileInfo::exists(tokenFile)); // the job's launcher goes with deleteLater
}

void TestSlurm::slurmsRefusalIsShown()
{
    SlurmRequest asked = request(1);
    asked.partition = u"nosuch"_s;
    Result<std::unique_ptr<SlurmJob>> made = SlurmJob::create(asked, writeToken(u"token"_s));
    QVERIFY2(made.isOk(), qPrintable(made.status().message()));
    SlurmJob &job = **made;
    QSignalSpy failed(&job, &SlurmJob::failed);
    job.launch(u"198.18.0.1:9"_s);
    QVERIFY(failed.wait(20000));
    const QString message = failed.front().front().value<Status>().message();
    QVERIFY2(message.startsWith(u"Slurm refused the workers' job: "_s)
                 && message.contains(u"invalid partition"_s, Qt::CaseInsensitive) && message.contains(u"nosuch"_s),
             qPrintable(message));
    QVERIFY(job.jobId().isEmpty());
}

void TestSlurm::aJobWhoseWorkersNeverComeIsCancelled()
{
    SlurmRequest asked = request(Hosts + 2); // more nodes than there are: it waits for ever
    asked.dialInSeconds = 3;
    Result<std::unique_ptr<SlurmJob>> made = SlurmJob::create(asked, writeToken(u"token"_s));
    QVERIFY2(made.isOk(), qPrintable(made.status().message()));
    SlurmJob &job = **made;
    QSignalSpy failed(&job, &SlurmJob::failed);
    job.launch(u"198.18.0.1:9"_s);
    QVERIFY(failed.wait(30000));
    const QString message = failed.front().front().value<Status>().message();
    QVERIFY2(message.contains(u"did not all dial in within 3 s"_s) && message.contains(u"PENDING"_s)
                 && message.contains(job.jobId()),
             qPrintable(message));
    QVERIFY2(jobIsOver(job.jobId()), qPrintable(u"job still "_s + squeueState(job.jobId())));
}

// Slurm's time limits are whole minutes, and slurmctld looks for jobs past theirs every 30 s:
// this waits 60-90 s, mostly beside other tests.
void TestSlurm::aJobPastItsTimeLimitSaysSo()
{
    SlurmRequest asked = request(1);
    asked.timeLimit = u"1"_s;
    asked.extraArguments = {u"--mem=500"_s};
    Result<std::unique_ptr<SlurmJob>> made = SlurmJob::create(asked);
    QVERIFY2(made.isOk(), qPrintable(made.status().message()));
    QPointer<SlurmJob> job = made->get();
    ClusterSession session;
    QSignalSpy lost(&session, &ClusterSession::workerLost);
    const Status connected = integration::finishWithin(
        session.launchWorkers(std::move(*made), QHostAddress(integration::NetBed::machineAddress()), 0), 60000);
    QVERIFY2(connected.isOk(), qPrintable(connected.message()));
    const QString jobId = job->jobId();
    QVERIFY(integration::load(session, u"x"_s, m_files).isOk());

    QVERIFY2(lost.wait(150000), "the job's worker was not lost within 150 s of its 1 minute limit");
    const QString message = lost.front().at(1).toString();
    QVERIFY2(message.contains(u"Slurm job %1 "_s.arg(jobId)) && message.contains(u"TimeLimit: its time limit was reached"_s),
             qPrintable(message));
    QCOMPARE(session.workers().front().state, WorkerState::Lost);
    session.disconnectAll();
    QVERIFY2(jobIsOver(jobId), qPrintable(u"job still "_s + squeueState(jobId)));
}

void TestSlurm::theCliStartsAndCancelsTheJob()
{
    QTemporaryDir home; // the CLI writes the token it makes under ~/.tessera
    QProcess cli;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"HOME"_s, home.path());
    cli.setProcessEnvironment(environment);
    const QString json = m_dir.filePath(u"cli.json"_s);
    cli.start(integration::programFromEnvironment("TESSERA_CLI"),
              {u"run"_s, u"--slurm"_s, u"2"_s, u"--listen"_s, u"198.18.0.1:0"_s, u"--files"_s, QFileInfo(m_files.front()).path(),
               u"--var"_s, u"t2m"_s, u"--load"_s, u"workers"_s, u"-e"_s, u"x.max()"_s, u"--json"_s, json});
    QVERIFY(cli.waitForFinished(90000));
    const QString errors = QString::fromLocal8Bit(cli.readAllStandardError());
    QVERIFY2(cli.exitCode() == 0, qPrintable(errors));
    QVERIFY2(errors.contains(u"Slurm job "_s), qPrintable(errors));
    const QString jobId = errors.section(u"Slurm job "_s, 1, 1).section(u':', 0, 0);

    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray steps = QJsonDocument::fromJson(file.readAll()).object().value(u"steps"_s).toArray();
    QVERIFY(!steps.isEmpty());
    const double max = steps.last().toObject().value(u"result"_s).toObject().value(u"scalar"_s).toDouble();
    QCOMPARE(max, reference::reduce(m_x, reference::Reduce::Max, reference::everyAxis(m_x)).scalar());

    QVERIFY2(jobIsOver(jobId), qPrintable(u"job "_s + jobId + u" still "_s + squeueState(jobId)));
    QVERIFY2(QDir(home.filePath(u".tessera"_s)).entryList({u"token-*"_s}, QDir::Files).isEmpty(),
             "the made token was left behind");
}

QTEST_MAIN(TestSlurm)
#include "tst_slurm.moc"
