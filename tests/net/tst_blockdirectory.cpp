// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The session's directory of blocks: uses counted per key, and whether any block is being
// rebuilt or lost for good, which views ask instead of looking up every block.

#include "net/session/blockdirectory.h"

#include <QTest>

using namespace Qt::StringLiterals;
using tessera::BlockDirectory;

class TestBlockDirectory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aKeyLivesWhileItIsUsed();
    void allReadyFollowsEveryState();
};

void TestBlockDirectory::aKeyLivesWhileItIsUsed()
{
    BlockDirectory directory;
    QVERIFY(directory.addUse(u"x:0"_s, {u"x"_s, 0}, 1, 800));
    QVERIFY(!directory.addUse(u"x:0"_s, {u"y"_s, 3}, 1, 800)); // y names the same block
    QCOMPARE(directory.workerOf(u"x:0"_s), 1);
    QCOMPARE(directory.removeUse(u"x:0"_s, {u"x"_s, 0}), std::nullopt);
    QVERIFY(directory.contains(u"x:0"_s));
    directory.markRebuilding(u"x:0"_s, 2);
    QCOMPARE(directory.removeUse(u"x:0"_s, {u"y"_s, 3}), std::optional<int>(2)); // the last use: freed where it is
    QVERIFY(!directory.contains(u"x:0"_s));
    QCOMPARE(directory.workerOf(u"x:0"_s), -1);
}

void TestBlockDirectory::allReadyFollowsEveryState()
{
    BlockDirectory directory;
    QVERIFY(directory.allReady());
    for (int i = 0; i < 3; ++i)
        directory.addUse(u"x:%1"_s.arg(i), {u"x"_s, i}, 0, 8);
    QVERIFY(directory.allReady());

    directory.markRebuilding(u"x:0"_s, 1);
    directory.markRebuilding(u"x:1"_s, 1);
    directory.markRebuilding(u"x:1"_s, 1); // twice is still one block
    QVERIFY(!directory.allReady());
    directory.markReady(u"x:0"_s, 1);
    QVERIFY(!directory.allReady());
    directory.markDamaged(u"x:1"_s, tessera::makeError(tessera::ErrorCode::Io, u"file gone"_s));
    QVERIFY(!directory.allReady());
    directory.markRebuilding(u"nothing:0"_s, 1);                                 // an unknown key changes nothing
    QCOMPARE(directory.removeUse(u"x:1"_s, {u"x"_s, 1}), std::optional<int>(1)); // the damaged block's array is dropped
    QVERIFY(directory.allReady());

    directory.markRebuilding(u"x:2"_s, 0);
    QVERIFY(!directory.allReady());
    directory.clear();
    QVERIFY(directory.allReady());
}

QTEST_GUILESS_MAIN(TestBlockDirectory)
#include "tst_blockdirectory.moc"
