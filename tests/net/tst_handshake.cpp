// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// The handshake's primitives: HMAC against RFC 4231, verification, nonces, token files.

#include "net/protocol/handshake.h"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace tessera;

class TestHandshake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authCodeMatchesRfc4231_data();
    void authCodeMatchesRfc4231();
    void verify_data();
    void verify();
    void nonces();
    void tokenFile_data();
    void tokenFile();
    void missingTokenFileSaysHowToCreateOne();
    void tokenPathIsADirectory();
    void unreadableTokenFile();
};

void TestHandshake::authCodeMatchesRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expectedHex");

    // RFC 4231 section 4.2 and 4.3, HMAC-SHA-256.
    QTest::newRow("test case 1") << QByteArray(20, '\x0b') << QByteArray("Hi There")
                                 << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("test case 2, key Jefe") << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
                                           << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

void TestHandshake::authCodeMatchesRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expectedHex);

    // authCode(token, nonce): the token is the HMAC key, the nonce the message.
    QCOMPARE(authCode(key, data).toHex(), expectedHex);
    QVERIFY(verifyAuthCode(key, data, QByteArray::fromHex(expectedHex)));
}

void TestHandshake::verify_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("nonce");
    QTest::addColumn<QByteArray>("mac");
    QTest::addColumn<bool>("accepted");

    const QByteArray token = "c2VjcmV0IHRva2VuIGZvciB0ZXN0cw==";
    const QByteArray nonce = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const QByteArray right = authCode(token, nonce);
    QByteArray firstBitFlipped = right;
    firstBitFlipped[0] = char(firstBitFlipped[0] ^ 0x01);
    QByteArray lastBitFlipped = right;
    lastBitFlipped[31] = char(lastBitFlipped[31] ^ 0x80);

    QTest::newRow("right code") << token << nonce << right << true;
    QTest::newRow("empty token, right code") << QByteArray() << nonce << authCode({}, nonce) << true;
    QTest::newRow("first bit flipped") << token << nonce << firstBitFlipped << false;
    QTest::newRow("last bit flipped") << token << nonce << lastBitFlipped << false;
    QTest::newRow("truncated by one byte") << token << nonce << right.first(31) << false;
    QTest::newRow("first half only") << token << nonce << right.first(16) << false;
    QTest::newRow("one byte too many") << token << nonce << right + '\0' << false;
    QTest::newRow("empty code") << token << nonce << QByteArray() << false;
    QTest::newRow("other token") << QByteArray("another token") << nonce << right << false;
    QTest::newRow("empty token instead") << QByteArray() << nonce << right << false;
    QTest::newRow("other nonce") << token << makeNonce() << right << false;
    QTest::newRow("code replayed as the nonce") << token << right << right << false;
}

void TestHandshake::verify()
{
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, nonce);
    QFETCH(QByteArray, mac);
    QFETCH(bool, accepted);

    QCOMPARE(verifyAuthCode(token, nonce, mac), accepted);
}

void TestHandshake::nonces()
{
    // 256 nonces of 32 bytes: all the right length and all different. (A repeat among 2^256
    // would mean the generator is broken, not unlucky.)
    QSet<QByteArray> seen;
    int zeroBytes = 0;
    for (int i = 0; i < 256; ++i) {
        const QByteArray nonce = makeNonce();
        QCOMPARE(nonce.size(), 32);
        QVERIFY2(!seen.contains(nonce), "nonce repeated");
        seen.insert(nonce);
        zeroBytes += int(nonce.count('\0'));
    }
    // 8192 random bytes hold about 32 zeros; a generator that left the buffer untouched would
    // hold thousands.
    QVERIFY2(zeroBytes < 200, qPrintable(u"%1 zero bytes"_s.arg(zeroBytes)));
}

void TestHandshake::tokenFile_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QByteArray>("expectedToken"); // empty: an error is expected

    QTest::newRow("base64 line") << QByteArray("c2VjcmV0\n") << QByteArray("c2VjcmV0");
    QTest::newRow("no newline at end") << QByteArray("c2VjcmV0") << QByteArray("c2VjcmV0");
    QTest::newRow("whitespace and CRLF") << QByteArray("  \tc2VjcmV0 \r\n") << QByteArray("c2VjcmV0");
    QTest::newRow("only the first line") << QByteArray("first\nsecond\n") << QByteArray("first");
    QTest::newRow("inner space kept") << QByteArray("two words\n") << QByteArray("two words");
    QTest::newRow("empty file") << QByteArray() << QByteArray();
    QTest::newRow("only a newline") << QByteArray("\n") << QByteArray();
    QTest::newRow("blank first line") << QByteArray("   \nsecond\n") << QByteArray();
}

void TestHandshake::tokenFile()
{
    QFETCH(QByteArray, contents);
    QFETCH(QByteArray, expectedToken);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"token"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(contents), contents.size());
    file.close();

    const Result<QByteArray> token = readTokenFile(path);
    if (!expectedToken.isEmpty()) {
        QVERIFY2(token.isOk(), qPrintable(token.status().message()));
        QCOMPARE(*token, expectedToken);
        return;
    }
    QVERIFY(!token.isOk());
    const QString message = token.status().message();
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(u"empty"_s), qPrintable(message));
    QVERIFY2(message.contains(u"head -c 32 /dev/urandom | base64 > "_s + path), qPrintable(message));
}

void TestHandshake::missingTokenFileSaysHowToCreateOne()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"no-such-token"_s);

    const Result<QByteArray> token = readTokenFile(path);
    QVERIFY(!token.isOk());
    QCOMPARE(token.status().code(), ErrorCode::NotFound);
    const QString message = token.status().message();
    QVERIFY2(message.startsWith(u"cannot read token file "_s + path + u": "_s), qPrintable(message));
    QVERIFY2(message.endsWith(u"; create one with: head -c 32 /dev/urandom | base64 > "_s + path), qPrintable(message));
}

void TestHandshake::tokenPathIsADirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const Result<QByteArray> token = readTokenFile(dir.path());
    QVERIFY(!token.isOk());
    QVERIFY2(token.status().message().startsWith(u"cannot read token file "_s + dir.path()),
             qPrintable(token.status().message()));
}

void TestHandshake::unreadableTokenFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A folder where the file should be is unreadable for everyone, root included (CI runs as root).
    QStringList unreadable{dir.path()};
    if (::geteuid() != 0) {
        // Root reads files whatever their mode, so a mode-000 file is unreadable only for others.
        const QString path = dir.filePath(u"token"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("secret\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::Permissions()));
        unreadable << path;
    }
    for (const QString &path : std::as_const(unreadable)) {
        const Result<QByteArray> token = readTokenFile(path);
        QVERIFY2(!token.isOk(), qPrintable(path));
        QCOMPARE(token.status().code(), ErrorCode::Io);
        QVERIFY2(token.status().message().contains(path), qPrintable(token.status().message()));
        QVERIFY2(token.status().message().contains(u"head -c 32 /dev/urandom"_s), qPrintable(token.status().message()));
    }
}

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
