// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Where a worker's memory budget and its default thread count come from: physical memory or the
// affinity mask, the cgroup (v1 and v2, the tightest ancestor), Slurm's allocation; read from
// made-up /proc and /sys trees.

#include "core/cpubudget.h"
#include "core/memorybudget.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

class TestResourceLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cgroups_data();
    void cgroups();
    void slurm();
    void tightestWins();
    void thisMachine();
    void cgroupCpus_data();
    void cgroupCpus();
    void leastCpusWin();
    void thisMachineCpus();

private:
    // Writes procSelfCgroup and the path=content files into a made-up /proc and /sys/fs/cgroup.
    static bool makeSystem(const QTemporaryDir &tree, const QByteArray &procSelfCgroup, const QStringList &files);
};

bool TestResourceLimits::makeSystem(const QTemporaryDir &tree, const QByteArray &procSelfCgroup, const QStringList &files)
{
    const auto put = [&tree](const QString &path, const QByteArray &text) {
        QDir().mkpath(QFileInfo(tree.filePath(path)).path());
        QFile file(tree.filePath(path));
        return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
    };
    if (!procSelfCgroup.isEmpty() && !put(u"proc/self/cgroup"_s, procSelfCgroup))
        return false;
    for (const QString &entry : files) {
        if (!put(u"sys/fs/cgroup/"_s + entry.section(u'=', 0, 0), entry.section(u'=', 1).toLatin1() + "\n"))
            return false;
    }
    return true;
}

void TestResourceLimits::cgroups_data()
{
    QTest::addColumn<QByteArray>("procSelfCgroup");
    QTest::addColumn<QStringList>("files"); // path=content
    QTest::addColumn<qint64>("expected");   // -1: no limit
    QTest::newRow("v2, limit on the cgroup")
        << QByteArray("0::/job/step\n") << QStringList{u"job/step/memory.max=4294967296"_s} << qint64(4294967296);
    QTest::newRow("v2, tighter on a parent")
        << QByteArray("0::/job/step\n") << QStringList{u"job/step/memory.max=max"_s, u"job/memory.max=1073741824"_s}
        << qint64(1073741824);
    QTest::newRow("v2, max everywhere") << QByteArray("0::/a\n") << QStringList{u"a/memory.max=max"_s, u"memory.max=max"_s}
                                        << qint64(-1);
    QTest::newRow("v1, memory controller") << QByteArray("5:cpu,cpuacct:/x\n4:memory:/slurm/uid_0/job_7\n")
                                           << QStringList{u"memory/slurm/uid_0/job_7/memory.limit_in_bytes=2147483648"_s}
                                           << qint64(2147483648);
    QTest::newRow("v1, no limit is a huge number")
        << QByteArray("4:memory:/docker/abc\n") << QStringList{u"memory/docker/abc/memory.limit_in_bytes=9223372036854771712"_s}
        << qint64(-1);
    QTest::newRow("v1, container sees its own root")
        << QByteArray("4:memory:/process_api/42\n") << QStringList{u"memory/memory.limit_in_bytes=536870912"_s}
        << qint64(536870912);
    QTest::newRow("no cgroup file") << QByteArray() << QStringList{} << qint64(-1);
}

void TestResourceLimits::cgroups()
{
    QFETCH(QByteArray, procSelfCgroup);
    QFETCH(QStringList, files);
    QFETCH(qint64, expected);
    QTemporaryDir tree;
    QVERIFY(tree.isValid());
    QVERIFY(makeSystem(tree, procSelfCgroup, files));
    const std::optional<std::int64_t> limit =
        cgroupMemoryLimitBytes(tree.filePath(u"proc/self/cgroup"_s), tree.filePath(u"sys/fs/cgroup"_s));
    QCOMPARE(limit ? qint64(*limit) : qint64(-1), expected);
}

void TestResourceLimits::slurm()
{
    QCOMPARE(slurmMemoryBytes(u"4000"_s, {}, {}), std::optional<std::int64_t>(std::int64_t(4000) << 20));
    QCOMPARE(slurmMemoryBytes({}, u"1500"_s, u"8"_s), std::optional<std::int64_t>((std::int64_t(1500) << 20) * 8));
    QCOMPARE(slurmMemoryBytes({}, u"1500"_s, {}), std::optional<std::int64_t>(std::int64_t(1500) << 20));
    QVERIFY(!slurmMemoryBytes({}, {}, u"8"_s));
    QVERIFY(!slurmMemoryBytes(u"0"_s, u"x"_s, {}));
}

void TestResourceLimits::tightestWins()
{
    MemoryLimits limits;
    limits.physicalBytes = std::int64_t(24) << 30;
    QCOMPARE(limits.tightestBytes(), std::int64_t(24) << 30);
    QVERIFY(limits.describe().contains(u"physical memory"_s));
    limits.cgroupBytes = std::int64_t(8) << 30;
    QCOMPARE(limits.tightestBytes(), std::int64_t(8) << 30);
    QVERIFY(limits.describe().contains(u"the cgroup's limit"_s));
    limits.slurmBytes = std::int64_t(2) << 30;
    QCOMPARE(limits.tightestBytes(), std::int64_t(2) << 30);
    QVERIFY2(limits.describe() == u"80% of 2.15 GB (Slurm's allocation)"_s, qPrintable(limits.describe()));
}

void TestResourceLimits::thisMachine()
{
    const MemoryLimits limits = currentMemoryLimits();
    QVERIFY(limits.physicalBytes > 0);
    QCOMPARE(memoryBudgetBytes(), limits.tightestBytes() / 10 * 8);
    QVERIFY(memoryBudgetBytes() <= limits.physicalBytes);
}

void TestResourceLimits::cgroupCpus_data()
{
    QTest::addColumn<QByteArray>("procSelfCgroup");
    QTest::addColumn<QStringList>("files"); // path=content
    QTest::addColumn<double>("expected");   // -1: no quota
    QTest::newRow("v2, quota on the cgroup")
        << QByteArray("0::/job/step\n") << QStringList{u"job/step/cpu.max=250000 100000"_s} << 2.5;
    QTest::newRow("v2, tighter on a parent")
        << QByteArray("0::/job/step\n") << QStringList{u"job/step/cpu.max=max 100000"_s, u"job/cpu.max=50000 50000"_s} << 1.0;
    QTest::newRow("v2, max everywhere") << QByteArray("0::/a\n") << QStringList{u"a/cpu.max=max 100000"_s} << -1.0;
    QTest::newRow("v1, cpu controller") << QByteArray("4:memory:/m\n3:cpu,cpuacct:/slurm/job_7\n")
                                        << QStringList{u"cpu/slurm/job_7/cpu.cfs_quota_us=400000"_s,
                                                       u"cpu/slurm/job_7/cpu.cfs_period_us=100000"_s}
                                        << 4.0;
    QTest::newRow("v1, no quota is -1") << QByteArray("3:cpu:/docker/abc\n")
                                        << QStringList{u"cpu/docker/abc/cpu.cfs_quota_us=-1"_s,
                                                       u"cpu/docker/abc/cpu.cfs_period_us=100000"_s}
                                        << -1.0;
    QTest::newRow("no cgroup file") << QByteArray() << QStringList{} << -1.0;
}

void TestResourceLimits::cgroupCpus()
{
    QFETCH(QByteArray, procSelfCgroup);
    QFETCH(QStringList, files);
    QFETCH(double, expected);
    QTemporaryDir tree;
    QVERIFY(tree.isValid());
    QVERIFY(makeSystem(tree, procSelfCgroup, files));
    const std::optional<double> limit = cgroupCpuLimit(tree.filePath(u"proc/self/cgroup"_s), tree.filePath(u"sys/fs/cgroup"_s));
    QCOMPARE(limit ? *limit : -1.0, expected);
}

void TestResourceLimits::leastCpusWin()
{
    CpuLimits limits;
    limits.affinityCpus = 16;
    QCOMPARE(limits.usableCpus(), 16);
    QCOMPARE(limits.describe(), u"16 (the CPUs this process may run on)"_s);
    limits.cgroupCpus = 6.5; // a fractional quota keeps a thread from waiting on the throttle
    QCOMPARE(limits.usableCpus(), 6);
    QCOMPARE(limits.describe(), u"6 (the cgroup's CPU quota)"_s);
    limits.slurmCpus = slurmCpusPerTask(u"4"_s);
    QCOMPARE(limits.usableCpus(), 4);
    QCOMPARE(limits.describe(), u"4 (the CPUs Slurm gave each task)"_s);
    limits.cgroupCpus = 0.5;
    QCOMPARE(limits.usableCpus(), 1);
    QVERIFY(!slurmCpusPerTask(u""_s));
    QVERIFY(!slurmCpusPerTask(u"0"_s));
}

void TestResourceLimits::thisMachineCpus()
{
    // Compare with what the kernel says, read another way than the code does.
    QFile status(u"/proc/self/status"_s);
    QVERIFY(status.open(QIODevice::ReadOnly));
    int allowed = 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("Cpus_allowed_list:")) {
            for (const QByteArray &range : line.mid(18).trimmed().split(',')) {
                const QList<QByteArray> ends = range.split('-');
                allowed += ends.size() == 2 ? ends[1].toInt() - ends[0].toInt() + 1 : 1;
            }
        }
    }
    QVERIFY(allowed > 0);
    QCOMPARE(currentCpuLimits().affinityCpus, allowed);
}

QTEST_APPLESS_MAIN(TestResourceLimits)
#include "tst_resourcelimits.moc"
