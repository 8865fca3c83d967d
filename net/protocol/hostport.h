// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace tessera {

// One home for "host:port", as users type it and as the protocol carries it: a name or IPv4
// address before the last colon, an IPv6 address in brackets ("[fd00::5]:7070").
struct HostPort
{
    QString host; // without brackets
    quint16 port = 0;

    // "node1:7070", "[fd00::5]:7070".
    QString toString() const;
};

enum class PortRule {
    NonZero,     // a worker to connect to
    ZeroAllowed, // a port to listen on: 0 picks a free one
};

// Errors say what was wrong and show the forms that work.
Result<HostPort> parseHostPort(QStringView text, PortRule rule = PortRule::NonZero);
// "a:1,b:2", "a:1; b:2" or one per line, every entry checked; an empty list is an error.
Result<QStringList> parseHostPortList(QStringView text);

// An address to listen on: numeric (IPv4, or IPv6 in brackets) or "localhost" (127.0.0.1), and a
// port that may be 0.
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;
};
Result<ListenAddress> parseListenAddress(QStringView text);

// "host:port" with brackets around an IPv6 host.
QString joinHostPort(const QString &host, quint16 port);

// Where peers should fetch from a worker that says it listens at `listen` and that this side
// reached at `reachedAt`: the worker's own word, unless it only knows itself as loopback.
QString peerAddress(const QString &reachedAt, const QString &listen);

// 0.0.0.0, [::] or Qt's dual-stack Any: a listener on every interface, which others cannot dial as such.
bool isAnyAddress(const QHostAddress &address);

} // namespace tessera
