// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// Where a worker's memory budget comes from: physical memory, the cgroup (v1 and v2, the
// tightest ancestor), Slurm's allocation; read from made-up /proc and /sys trees.

#include "core/memorybudget.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

class TestMemoryBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cgroups_data();
    void cgroups();
    void slurm();
    void tightestWins();
    void thisMachine();
};

void TestMemoryBudget::cgroups_data()
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

void TestMemoryBudget::cgroups()
{
    QFETCH(QByteArray, procSelfCgroup);
    QFETCH(QStringList, files);
    QFETCH(qint64, expected);
    QTemporaryDir tree;
    QVERIFY(tree.isValid());
    const auto put = [&tree](const QString &path, const QByteArray &text) {
        QDir().mkpath(QFileInfo(tree.filePath(path)).path());
        QFile file(tree.filePath(path));
        return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
    };
    if (!procSelfCgroup.isEmpty())
        QVERIFY(put(u"proc/self/cgroup"_s, procSelfCgroup));
    for (const QString &entry : files)
        QVERIFY(put(u"sys/fs/cgroup/"_s + entry.section(u'=', 0, 0), entry.section(u'=', 1).toLatin1() + "\n"));
    const std::optional<std::int64_t> limit =
        cgroupMemoryLimitBytes(tree.filePath(u"proc/self/cgroup"_s), tree.filePath(u"sys/fs/cgroup"_s));
    QCOMPARE(limit ? qint64(*limit) : qint64(-1), expected);
}

void TestMemoryBudget::slurm()
{
    QCOMPARE(slurmMemoryBytes(u"4000"_s, {}, {}), std::optional<std::int64_t>(std::int64_t(4000) << 20));
    QCOMPARE(slurmMemoryBytes({}, u"1500"_s, u"8"_s), std::optional<std::int64_t>((std::int64_t(1500) << 20) * 8));
    QCOMPARE(slurmMemoryBytes({}, u"1500"_s, {}), std::optional<std::int64_t>(std::int64_t(1500) << 20));
    QVERIFY(!slurmMemoryBytes({}, {}, u"8"_s));
    QVERIFY(!slurmMemoryBytes(u"0"_s, u"x"_s, {}));
}

void TestMemoryBudget::tightestWins()
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

void TestMemoryBudget::thisMachine()
{
    const MemoryLimits limits = currentMemoryLimits();
    QVERIFY(limits.physicalBytes > 0);
    QCOMPARE(memoryBudgetBytes(), limits.tightestBytes() / 10 * 8);
    QVERIFY(memoryBudgetBytes() <= limits.physicalBytes);
}

QTEST_APPLESS_MAIN(TestMemoryBudget)
#include "tst_memorybudget.moc"
