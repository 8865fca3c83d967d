// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/hostport.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace tessera {
namespace {

const QString examples = u"write HOST:PORT, e.g. 127.0.0.1:7070, node1:7070 or [fd00::5]:7070"_s;

Status badAddress(QStringView text, const QString &why)
{
    return makeError(ErrorCode::InvalidArgument, u"'%1' is not a worker address: %2; %3"_s.arg(text.toString(), why, examples));
}

} // namespace

QString HostPort::toString() const
{
    return joinHostPort(host, port);
}

QString joinHostPort(const QString &host, quint16 port)
{
    const bool ipv6 = host.contains(u':');
    return (ipv6 ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

Result<HostPort> parseHostPort(QStringView text, PortRule rule)
{
    const QStringView trimmed = text.trimmed();
    HostPort result;
    QStringView portText;
    if (trimmed.startsWith(u'[')) {
        const qsizetype close = trimmed.indexOf(u']');
        if (close < 0)
            return badAddress(text, u"the '[' of an IPv6 address is not closed"_s);
        if (close + 1 >= trimmed.size() || trimmed[close + 1] != u':')
            return badAddress(text, u"the port is missing after ']'"_s);
        result.host = trimmed.sliced(1, close - 1).toString();
        if (QHostAddress(result.host).protocol() != QAbstractSocket::IPv6Protocol)
            return badAddress(text, u"'%1' in brackets is not an IPv6 address"_s.arg(result.host));
        portText = trimmed.sliced(close + 2);
    } else {
        const qsizetype colon = trimmed.lastIndexOf(u':');
        if (colon < 0)
            return badAddress(text, u"the port is missing"_s);
        result.host = trimmed.first(colon).toString();
        if (result.host.contains(u':'))
            return badAddress(text, u"an IPv6 address needs brackets"_s);
        portText = trimmed.sliced(colon + 1);
    }
    if (result.host.isEmpty())
        return badAddress(text, u"the host is missing"_s);
    if (result.host.contains(u' ') || result.host.contains(u','))
        return badAddress(text, u"a host name has no spaces or commas"_s);
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    const bool zeroOk = rule == PortRule::ZeroAllowed;
    if (!ok || port > 65535 || (port == 0 && !zeroOk))
        return badAddress(text, u"'%1' is not a port (%2 to 65535)"_s.arg(portText.toString(), zeroOk ? u"0"_s : u"1"_s));
    result.port = quint16(port);
    return result;
}

Result<QStringList> parseHostPortList(QStringView text)
{
    static const QRegularExpression separators(u"[,;\\s]+"_s);
    QStringList addresses;
    for (const QString &entry : text.toString().split(separators, Qt::SkipEmptyParts)) {
        Result<HostPort> parsed = parseHostPort(entry);
        TESSERA_RETURN_IF_ERROR(parsed);
        addresses << parsed->toString();
    }
    if (addresses.isEmpty())
        return makeError(ErrorCode::InvalidArgument, u"no worker addresses given; list them as HOST:PORT,HOST:PORT"_s);
    return addresses;
}

Result<ListenAddress> parseListenAddress(QStringView text)
{
    Result<HostPort> parsed = parseHostPort(text, PortRule::ZeroAllowed);
    const QString hint = u"write HOST:PORT with a numeric address, e.g. 0.0.0.0:7070, 127.0.0.1:0 or [::]:7070"_s;
    if (!parsed.isOk())
        return makeError(ErrorCode::InvalidArgument, u"'%1' is not an address to listen on; %2"_s.arg(text.toString(), hint));
    ListenAddress result;
    result.port = parsed->port;
    const QString host = parsed->host == u"localhost"_s ? u"127.0.0.1"_s : parsed->host;
    if (!result.address.setAddress(host)) {
        return makeError(
            ErrorCode::InvalidArgument,
            u"'%1' is not an address to listen on: '%2' is a name, not a numeric address; %3"_s.arg(text.toString(), host, hint));
    }
    return result;
}

bool isAnyAddress(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6;
}

QString peerAddress(const QString &reachedAt, const QString &listen)
{
    const Result<HostPort> listening = parseHostPort(listen);
    if (!listening.isOk())
        return reachedAt;
    const Result<HostPort> reached = parseHostPort(reachedAt, PortRule::ZeroAllowed);
    // A worker listening on all interfaces only knows itself as loopback; its peers on other
    // hosts must use the address this side reached it at.
    if (QHostAddress(listening->host).isLoopback() && reached.isOk() && !QHostAddress(reached->host).isLoopback()
        && reached->host != u"localhost"_s)
        return joinHostPort(reached->host, listening->port);
    return listen;
}

} // namespace tessera
