#pragma once

#include <QString>

#include <optional>

namespace tessera::ui {

// CF time coordinates ("hours since 1900-01-01 00:00:00.0") decoded for a date axis. Only the
// standard (proleptic Gregorian) calendar maps onto QDateTime; for "noleap" or "360_day" the
// caller keeps the raw numbers rather than show wrong dates.
struct CfTimeUnits
{
    double secondsPerUnit = 1;
    double originEpochSeconds = 0; // the "since" date, in seconds since 1970-01-01 UTC

    // Seconds since 1970-01-01 UTC, as QCPAxisTickerDateTime expects keys.
    double toEpochSeconds(double value) const { return originEpochSeconds + value * secondsPerUnit; }
};

std::optional<CfTimeUnits> parseCfTimeUnits(const QString &units, const QString &calendar = {});

} // namespace tessera::ui
