// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/cftime.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

using namespace tessera;
using namespace Qt::StringLiterals;

// CF time units against cftime 1.6.2 (the library behind netCDF4-python and xarray's decoding):
// each expected value is cftime.date2num(cftime.num2date(value, units, calendar),
// "days since 2000-01-01", calendar), computed once with Debian's python3-cftime.
class TestCfTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void againstCftime_data()
    {
        QTest::addColumn<QString>("units");
        QTest::addColumn<QString>("calendar");
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("daysSince2000");
        QTest::newRow("ERA hours since 1900")
            << u"hours since 1900-01-01 00:00:00.0"_s << u"standard"_s << 999312.0 << 5114.0; // 2014-01-01T00:00:00
        QTest::newRow("days, date only") << u"days since 2014-01-01"_s << u"standard"_s << 31.25
                                         << 5145.25; // 2014-02-01T06:00:00
        QTest::newRow("seconds, ISO with Z")
            << u"seconds since 1970-01-01T00:00:00Z"_s << u"standard"_s << 86400.0 << -10956.0; // 1970-01-02T00:00:00
        QTest::newRow("minutes, offset zone")
            << u"minutes since 2000-1-1 1:00:00 +01:00"_s << u"standard"_s << 60.0 << 0.041666666666666664; // 2000-01-01T01:00:00
        QTest::newRow("hours, negative zone hhmm") << u"hours since 2000-01-01 00:00 -0530"_s << u"proleptic_gregorian"_s << 10.0
                                                   << 0.6458333333333334; // 2000-01-01T15:30:00
        QTest::newRow("standard across 1582")
            << u"days since 1582-10-04"_s << u"standard"_s << 1.0 << -152384.0; // 1582-10-15T00:00:00
        QTest::newRow("standard before 1582 is julian")
            << u"days since 1000-03-01"_s << u"standard"_s << 400000.0 << 34823.0; // 2095-05-05T00:00:00
        QTest::newRow("gregorian alias") << u"days since 1582-10-15"_s << u"gregorian"_s << -1.0
                                         << -152385.0; // 1582-10-04T00:00:00
        QTest::newRow("proleptic across 1582")
            << u"days since 1582-10-04"_s << u"proleptic_gregorian"_s << 1.0 << -152394.0;   // 1582-10-05T00:00:00
        QTest::newRow("julian") << u"days since 2000-02-28"_s << u"julian"_s << 1.0 << 59.0; // 2000-02-29T00:00:00
        QTest::newRow("julian has 1900-02-29")
            << u"hours since 1900-02-29"_s << u"julian"_s << 24.0 << -36465.0; // 1900-03-01T00:00:00
        QTest::newRow("standard negative year")
            << u"days since -4712-01-01 12:00:00"_s << u"standard"_s << 2451545.0 << 366.5; // 2001-01-01T12:00:00
        QTest::newRow("proleptic year 0") << u"days since 0000-01-01"_s << u"proleptic_gregorian"_s << 366.0
                                          << -730119.0;                                           // 0001-01-01T00:00:00
        QTest::newRow("noleap") << u"days since 2000-01-01"_s << u"noleap"_s << 1154.0 << 1154.0; // 2003-03-01T00:00:00
        QTest::newRow("365_day alias") << u"hours since 1850-01-01"_s << u"365_day"_s << 1489200.0
                                       << 7300.0;                                                       // 2020-01-01T00:00:00
        QTest::newRow("all_leap") << u"days since 1999-03-01"_s << u"all_leap"_s << -1.0 << -307.0;     // 1999-02-29T00:00:00
        QTest::newRow("366_day alias") << u"days since 2001-01-01"_s << u"366_day"_s << 366.0 << 732.0; // 2002-01-01T00:00:00
        QTest::newRow("360_day") << u"days since 2000-01-01"_s << u"360_day"_s << 5099.0 << 5099.0;     // 2014-02-30T00:00:00
        QTest::newRow("360_day on the 30th of February")
            << u"hours since 2000-02-30"_s << u"360_day"_s << 25.0 << 60.041666666666664; // 2000-03-01T01:00:00
        QTest::newRow("weeks (10 weeks = 70 days, as the row above)")
            << u"weeks since 2020-01-01"_s << u"standard"_s << 10.0 << 7375.0;
        QTest::newRow("'after' as udunits allows") << u"days after 2014-01-01"_s << u"standard"_s << 31.25 << 5145.25;
        QTest::newRow("'from' as udunits allows") << u"days from 2014-01-01"_s << u"standard"_s << 31.25 << 5145.25;
        QTest::newRow("'ref' as udunits allows") << u"days ref 2014-01-01"_s << u"standard"_s << 31.25 << 5145.25;
        QTest::newRow("year and month only") << u"days since 2014-01"_s << u"standard"_s << 31.25 << 5145.25;
        QTest::newRow("hour only, UTC") << u"days since 2014-01-01 0 UTC"_s << u"standard"_s << 31.25 << 5145.25;
        QTest::newRow("no calendar attribute is standard") << u"days since 1582-10-04"_s << QString() << 1.0 << -152384.0;
    }

    void againstCftime()
    {
        QFETCH(QString, units);
        QFETCH(QString, calendar);
        QFETCH(double, value);
        QFETCH(double, daysSince2000);
        const std::optional<UnitConversion> conversion = timeUnitConversion(units, u"days since 2000-01-01"_s, calendar);
        QVERIFY(conversion);
        const double days = value * conversion->factor + conversion->shift;
        QVERIFY2(std::abs(days - daysSince2000) < 1e-7,
                 qPrintable(u"%1, expected %2"_s.arg(days, 0, 'g', 17).arg(daysSince2000, 0, 'g', 17)));
    }

    void dateAxes_data()
    {
        QTest::addColumn<QString>("units");
        QTest::addColumn<double>("value");
        QTest::addColumn<QDateTime>("expected");
        const QTimeZone utc = QTimeZone::utc();
        QTest::newRow("ERA hours since 1900")
            << u"hours since 1900-01-01 00:00:00.0"_s << 999312.0 << QDateTime(QDate(2014, 1, 1), QTime(0, 0), utc);
        QTest::newRow("days since date only")
            << u"days since 2014-01-01"_s << 31.25 << QDateTime(QDate(2014, 2, 1), QTime(6, 0), utc);
        QTest::newRow("seconds since ISO with Z")
            << u"seconds since 1970-01-01T00:00:00Z"_s << 86400.0 << QDateTime(QDate(1970, 1, 2), QTime(0, 0), utc);
        QTest::newRow("minutes, offset zone")
            << u"minutes since 2000-1-1 1:00:00 +01:00"_s << 60.0 << QDateTime(QDate(2000, 1, 1), QTime(1, 0), utc);
        QTest::newRow("fractional seconds") << u"seconds since 2000-01-01 00:00:01.5"_s << 0.5
                                            << QDateTime(QDate(2000, 1, 1), QTime(0, 0, 2), utc);
    }

    void dateAxes()
    {
        QFETCH(QString, units);
        QFETCH(double, value);
        QFETCH(QDateTime, expected);
        const Result<CfTimeUnits> parsed = parseCfTimeUnits(units);
        QVERIFY2(parsed.isOk(), qPrintable(parsed.status().message()));
        QVERIFY(parsed->mapsOntoDateTime());
        QCOMPARE(parsed->toEpochSeconds(value), double(expected.toSecsSinceEpoch()));
    }

    void calendars()
    {
        QCOMPARE(cfCalendarNamed(QString()), CfCalendar::Standard);
        QCOMPARE(cfCalendarNamed(u"Gregorian"_s), CfCalendar::Standard);
        QCOMPARE(cfCalendarNamed(u"365_day"_s), CfCalendar::NoLeap);
        QCOMPARE(cfCalendarNamed(u"366_day"_s), CfCalendar::AllLeap);
        QVERIFY(!cfCalendarNamed(u"none"_s));
        QVERIFY(!cfCalendarNamed(u"lunar"_s));
        QVERIFY(parseCfTimeUnits(u"days since 2000-01-01"_s, u"proleptic_gregorian"_s)->mapsOntoDateTime());
        QVERIFY(!parseCfTimeUnits(u"days since 2000-01-01"_s, u"360_day"_s)->mapsOntoDateTime());
        QVERIFY(!parseCfTimeUnits(u"days since 2000-01-01"_s, u"julian"_s)->mapsOntoDateTime());
    }

    void refused_data()
    {
        QTest::addColumn<QString>("units");
        QTest::addColumn<QString>("calendar");
        QTest::addColumn<QString>("says");
        QTest::newRow("not a time") << u"degrees_north"_s << QString() << u"expected UNIT since"_s;
        QTest::newRow("months") << u"months since 2000-01-01"_s << QString() << u"no fixed length"_s;
        QTest::newRow("years") << u"years since 2000-01-01"_s << u"noleap"_s << u"no fixed length"_s;
        QTest::newRow("not a unit") << u"parsecs since 2000-01-01"_s << QString() << u"'parsecs' is not a unit of time"_s;
        QTest::newRow("unknown calendar") << u"days since 2000-01-01"_s << u"lunar"_s << u"calendar 'lunar'"_s;
        QTest::newRow("no calendar at all") << u"days since 2000-01-01"_s << u"none"_s << u"calendar 'none'"_s;
        QTest::newRow("February 30 in the standard calendar") << u"days since 2000-02-30"_s << QString() << u"has no date"_s;
        QTest::newRow("February 29 in noleap") << u"days since 2000-02-29"_s << u"noleap"_s << u"has no date"_s;
        QTest::newRow("the ten days of 1582 that never were") << u"days since 1582-10-10"_s << u"standard"_s << u"has no date"_s;
        QTest::newRow("year 0 in the standard calendar") << u"days since 0000-01-01"_s << u"standard"_s << u"has no date"_s;
        QTest::newRow("month 13") << u"days since 2000-13-01"_s << QString() << u"has no date"_s;
        QTest::newRow("hour 25") << u"hours since 2000-01-01 25:00"_s << QString() << u"out of range"_s;
        QTest::newRow("zone +25") << u"hours since 2000-01-01 00:00 +25"_s << QString() << u"out of range"_s;
    }

    void refused()
    {
        QFETCH(QString, units);
        QFETCH(QString, calendar);
        QFETCH(QString, says);
        const Result<CfTimeUnits> parsed = parseCfTimeUnits(units, calendar);
        QVERIFY(!parsed.isOk());
        QVERIFY2(parsed.status().message().contains(says), qPrintable(parsed.status().message()));
        QVERIFY(!timeUnitConversion(units, u"days since 2000-01-01"_s, calendar));
    }
};

QTEST_APPLESS_MAIN(TestCfTime)
#include "tst_cftime.moc"
