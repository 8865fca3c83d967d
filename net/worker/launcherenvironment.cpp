// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/worker/launcherenvironment.h"

#include "net/protocol/hostport.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace tessera {

QString launcherRankName(const QProcessEnvironment &environment)
{
    for (const QString &variable : {u"OMPI_COMM_WORLD_RANK"_s, u"PMIX_RANK"_s, u"PMI_RANK"_s, u"SLURM_PROCID"_s}) {
        bool ok = false;
        const int rank = environment.value(variable).toInt(&ok);
        if (ok && rank >= 0)
            return u"rank %1"_s.arg(rank);
    }
    return {};
}

QString defaultListenAddress(const QString &dialBack)
{
    const Result<HostPort> target = parseHostPort(dialBack);
    if (dialBack.isEmpty() || !target.isOk() || target->host == u"localhost"_s)
        return u"127.0.0.1:0"_s;
    const QHostAddress address(target->host);
    if (address.isLoopback())
        return u"127.0.0.1:0"_s;
    return address.protocol() == QAbstractSocket::IPv6Protocol ? u"[::]:0"_s : u"0.0.0.0:0"_s;
}

} // namespace tessera
