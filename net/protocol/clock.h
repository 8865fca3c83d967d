#pragma once

#include <QtGlobal>

namespace tessera {

// Microseconds since the Unix epoch: the clock of every timestamp on the wire (task start and
// end on a worker), which the client maps onto its own timeline.
qint64 epochMicros();

} // namespace tessera
