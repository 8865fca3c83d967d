#include "ui/views/cftime.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace tessera::ui {

std::optional<CfTimeUnits> parseCfTimeUnits(const QString &units, const QString &calendar)
{
    static const QStringList dateCalendars = {
        QString(), QStringLiteral("standard"), QStringLiteral("gregorian"),
        QStringLiteral("proleptic_gregorian"),
    };
    if (!dateCalendars.contains(calendar.trimmed().toLower()))
        return std::nullopt;

    // UNIT since Y-M-D[( |T)h:m[:s[.f]]][ zone], the spellings CF files use.
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\s*(\w+)\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2}))"
                       R"((?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?)"
                       R"(\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(units);
    if (!match.hasMatch())
        return std::nullopt;

    const QString unit = match.captured(1).toLower();
    CfTimeUnits result;
    if (unit == u"seconds" || unit == u"second" || unit == u"secs" || unit == u"sec" || unit == u"s")
        result.secondsPerUnit = 1;
    else if (unit == u"minutes" || unit == u"minute" || unit == u"mins" || unit == u"min")
        result.secondsPerUnit = 60;
    else if (unit == u"hours" || unit == u"hour" || unit == u"hrs" || unit == u"hr" || unit == u"h")
        result.secondsPerUnit = 3600;
    else if (unit == u"days" || unit == u"day" || unit == u"d")
        result.secondsPerUnit = 86400;
    else
        return std::nullopt; // months and years have no fixed length in CF: not a date axis

    const QDate date(match.captured(2).toInt(), match.captured(3).toInt(), match.captured(4).toInt());
    const double fractionalSeconds = match.captured(7).toDouble();
    const QTime time(match.captured(5).toInt(), match.captured(6).toInt(), int(fractionalSeconds));
    if (!date.isValid() || !time.isValid())
        return std::nullopt;

    int offsetSeconds = 0;
    const QString zone = match.captured(8);
    if (zone.startsWith(u'+') || zone.startsWith(u'-')) {
        QString digits = zone.mid(1);
        digits.remove(u':');
        const int hours = digits.left(digits.size() > 2 ? digits.size() - 2 : digits.size()).toInt();
        const int minutes = digits.size() > 2 ? digits.right(2).toInt() : 0;
        offsetSeconds = (zone.startsWith(u'-') ? -1 : 1) * (hours * 3600 + minutes * 60);
    }
    const QDateTime origin(date, time, QTimeZone::utc());
    result.originEpochSeconds = double(origin.toSecsSinceEpoch()) - offsetSeconds
                                + (fractionalSeconds - int(fractionalSeconds));
    return result;
}

} // namespace tessera::ui
