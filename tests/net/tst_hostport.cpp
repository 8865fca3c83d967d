// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/hostport.h"

#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

// host:port as users type it and as workers announce it; which address peers fetch from.
class TestHostPort : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("zeroAllowed");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("error"); // a part of the message, empty when it parses
        QTest::newRow("ipv4") << u"127.0.0.1:7070"_s << false << u"127.0.0.1"_s << 7070 << QString();
        QTest::newRow("name") << u"node1:7070"_s << false << u"node1"_s << 7070 << QString();
        QTest::newRow("spaces around") << u"  node1:7070 "_s << false << u"node1"_s << 7070 << QString();
        QTest::newRow("ipv6 in brackets") << u"[fd00::5]:7070"_s << false << u"fd00::5"_s << 7070 << QString();
        QTest::newRow("ipv6 loopback") << u"[::1]:1"_s << false << u"::1"_s << 1 << QString();
        QTest::newRow("highest port") << u"h:65535"_s << false << u"h"_s << 65535 << QString();
        QTest::newRow("port 0 to listen") << u"0.0.0.0:0"_s << true << u"0.0.0.0"_s << 0 << QString();
        QTest::newRow("port 0 to connect") << u"h:0"_s << false << QString() << 0 << u"'0' is not a port (1 to 65535)"_s;
        QTest::newRow("port too large") << u"h:65536"_s << false << QString() << 0 << u"is not a port"_s;
        QTest::newRow("port not a number") << u"h:http"_s << false << QString() << 0 << u"'http' is not a port"_s;
        QTest::newRow("negative port") << u"h:-1"_s << false << QString() << 0 << u"is not a port"_s;
        QTest::newRow("no port") << u"node1"_s << false << QString() << 0 << u"the port is missing"_s;
        QTest::newRow("no host") << u":7070"_s << false << QString() << 0 << u"the host is missing"_s;
        QTest::newRow("bare ipv6") << u"fd00::5:7070"_s << false << QString() << 0 << u"needs brackets"_s;
        QTest::newRow("unclosed bracket") << u"[fd00::5:7070"_s << false << QString() << 0 << u"not closed"_s;
        QTest::newRow("bracket without port") << u"[fd00::5]"_s << false << QString() << 0 << u"port is missing after ']'"_s;
        QTest::newRow("name in brackets") << u"[node1]:7070"_s << false << QString() << 0 << u"not an IPv6 address"_s;
        QTest::newRow("empty") << QString() << false << QString() << 0 << u"the port is missing"_s;
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, zeroAllowed);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, error);
        const Result<HostPort> parsed = parseHostPort(text, zeroAllowed ? PortRule::ZeroAllowed : PortRule::NonZero);
        if (!error.isEmpty()) {
            QVERIFY(!parsed.isOk());
            QVERIFY2(parsed.status().message().contains(error), qPrintable(parsed.status().message()));
            QVERIFY2(parsed.status().message().contains(u"e.g."_s), "the message shows forms that work");
            return;
        }
        QVERIFY2(parsed.isOk(), qPrintable(parsed.status().message()));
        QCOMPARE(parsed->host, host);
        QCOMPARE(int(parsed->port), port);
        // What toString() writes parses back to the same.
        const Result<HostPort> again = parseHostPort(parsed->toString(), PortRule::ZeroAllowed);
        QVERIFY(again.isOk());
        QCOMPARE(again->host, host);
        QCOMPARE(int(again->port), port);
    }

    void list()
    {
        const Result<QStringList> parsed = parseHostPortList(u"a:1, b:2\n[::1]:3;c:4,,"_s);
        QVERIFY2(parsed.isOk(), qPrintable(parsed.status().message()));
        QCOMPARE(*parsed, (QStringList{u"a:1"_s, u"b:2"_s, u"[::1]:3"_s, u"c:4"_s}));
        const Result<QStringList> bad = parseHostPortList(u"a:1,b"_s);
        QVERIFY(!bad.isOk());
        QVERIFY(bad.status().message().contains(u"'b'"_s));
        QVERIFY(!parseHostPortList(u" , "_s).isOk());
    }

    void listen_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("address"); // empty: refused
        QTest::addColumn<int>("port");
        QTest::newRow("all ipv4") << u"0.0.0.0:7070"_s << u"0.0.0.0"_s << 7070;
        QTest::newRow("loopback, free port") << u"127.0.0.1:0"_s << u"127.0.0.1"_s << 0;
        QTest::newRow("localhost") << u"localhost:7070"_s << u"127.0.0.1"_s << 7070;
        QTest::newRow("all ipv6") << u"[::]:7070"_s << u"::"_s << 7070;
        QTest::newRow("a name") << u"node1:7070"_s << QString() << 0;
        QTest::newRow("no port") << u"0.0.0.0"_s << QString() << 0;
    }

    void listen()
    {
        QFETCH(QString, text);
        QFETCH(QString, address);
        QFETCH(int, port);
        const Result<ListenAddress> parsed = parseListenAddress(text);
        if (address.isEmpty()) {
            QVERIFY(!parsed.isOk());
            QVERIFY2(parsed.status().message().contains(u"numeric address"_s), qPrintable(parsed.status().message()));
            return;
        }
        QVERIFY2(parsed.isOk(), qPrintable(parsed.status().message()));
        QCOMPARE(parsed->address, QHostAddress(address));
        QCOMPARE(int(parsed->port), port);
    }

    void peer_data()
    {
        QTest::addColumn<QString>("reachedAt");
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("expected");
        QTest::newRow("loopback worker reached on loopback") << u"127.0.0.1:7070"_s << u"127.0.0.1:7070"_s << u"127.0.0.1:7070"_s;
        QTest::newRow("all-interfaces worker reached on the network")
            << u"10.1.2.3:7070"_s << u"127.0.0.1:7070"_s << u"10.1.2.3:7070"_s;
        QTest::newRow("dial-back worker: its own port, the host it came from")
            << u"10.1.2.3:51234"_s << u"127.0.0.1:7070"_s << u"10.1.2.3:7070"_s;
        QTest::newRow("worker names its real address") << u"node1:7070"_s << u"10.9.9.9:7070"_s << u"10.9.9.9:7070"_s;
        QTest::newRow("ipv6 peer") << u"[fd00::5]:7070"_s << u"127.0.0.1:7070"_s << u"[fd00::5]:7070"_s;
        QTest::newRow("ipv6 loopback listener") << u"[fd00::5]:7070"_s << u"[::1]:7070"_s << u"[fd00::5]:7070"_s;
        QTest::newRow("no listen address in the hello") << u"10.1.2.3:7070"_s << QString() << u"10.1.2.3:7070"_s;
        QTest::newRow("localhost stays as the worker said") << u"localhost:7070"_s << u"127.0.0.1:7070"_s << u"127.0.0.1:7070"_s;
    }

    void peer()
    {
        QFETCH(QString, reachedAt);
        QFETCH(QString, listen);
        QFETCH(QString, expected);
        QCOMPARE(peerAddress(reachedAt, listen), expected);
    }
};

QTEST_APPLESS_MAIN(TestHostPort)
#include "tst_hostport.moc"
