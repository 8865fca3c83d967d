#include "net/protocol/workerclient.h"

#include <QTest>

using namespace tessera;
using namespace Qt::StringLiterals;

// Which address peers are told to fetch a worker's blocks from.
class TestPeerAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void address_data()
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
        QTest::newRow("no listen address in the hello") << u"10.1.2.3:7070"_s << QString() << u"10.1.2.3:7070"_s;
        QTest::newRow("localhost stays as the worker said") << u"localhost:7070"_s << u"127.0.0.1:7070"_s << u"127.0.0.1:7070"_s;
    }

    void address()
    {
        QFETCH(QString, reachedAt);
        QFETCH(QString, listen);
        QFETCH(QString, expected);
        QCOMPARE(peerAddress(reachedAt, listen), expected);
    }
};

QTEST_APPLESS_MAIN(TestPeerAddress)
#include "tst_peeraddress.moc"
