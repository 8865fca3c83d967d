// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QtGlobal>

namespace tessera {

// Microseconds since the Unix epoch: the clock of every timestamp on the wire (task start and
// end on a worker), which the client maps onto its own timeline.
qint64 epochMicros();

} // namespace tessera
