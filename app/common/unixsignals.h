// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace tessera {

// SIGINT and SIGTERM delivered as a Qt signal on the main thread (the handler only writes a
// byte to a socket pair; everything else happens in the event loop, where it is safe). The first
// signal only: a second one has its default effect, ending a program whose event loop is stuck.
class UnixSignals : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void interrupted(int signalNumber);

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace tessera
