// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/checker.h"
#include "core/expr/expression.h"
#include "core/expr/parser.h"

#include <QList>
#include <QStringList>
#include <QTest>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

// Arrays the test expressions may name; aN is a vector of N elements, for slicing.
std::optional<Shape> lookupShape(const QString &name)
{
    static const std::map<QString, Shape> arrays{
        {u"x"_s, {360, 721, 1440}}, {u"v"_s, {720}},  {u"w"_s, {1440}}, {u"s"_s, {}},
        {u"m"_s, {4, 1, 3}},        {u"n"_s, {5, 3}}, {u"e"_s, {0, 4}}, {u"t"_s, {2, 3, 4, 5}},
    };
    if (const auto found = arrays.find(name); found != arrays.end())
        return found->second;
    bool ok = false;
    const std::int64_t extent = name.mid(1).toLongLong(&ok);
    if (name.startsWith(u'a') && ok)
        return Shape{extent};
    return std::nullopt;
}

// Parses and checks; the statement stays with the caller so the checked tree can be inspected.
Status parseAndCheck(const QString &text, Statement &statement)
{
    Result<Statement> parsed = parseStatement(text);
    if (!parsed)
        return parsed.status();
    statement = std::move(parsed).value();
    return checkExpression(*statement.expr, lookupShape);
}

QString itemsText(const Expr &expr)
{
    QStringList items;
    for (const IndexItem &item : expr.indices) {
        if (item.kind == IndexItem::Kind::Integer)
            items << QString::number(item.index);
        else if (item.kind == IndexItem::Kind::Ellipsis)
            items << u"..."_s;
        else
            items << u"%1:%2:%3#%4"_s.arg(QString::number(item.start.value_or(-999)), QString::number(item.stop.value_or(-999)),
                                          QString::number(item.step.value_or(-999)), QString::number(item.count));
    }
    return items.join(u" | "_s);
}

// Every node's shape in prefix order, to show the checker filled them all.
void collectShapes(const Expr &expr, QStringList &shapes)
{
    shapes << shapeToString(expr.shape);
    for (const std::unique_ptr<Expr> &operand : expr.operands)
        collectShapes(*operand, shapes);
}

// Python's slicing restated as membership rather than as slice.indices(): element j is taken
// when it lies within the clamped bounds and a whole number of steps from the first one.
std::vector<std::int64_t> referenceSelection(std::int64_t extent, std::optional<std::int64_t> start,
                                             std::optional<std::int64_t> stop, std::int64_t step)
{
    std::vector<std::int64_t> selected;
    if (step > 0) {
        const auto bound = [extent](std::optional<std::int64_t> value, std::int64_t omitted) {
            if (!value)
                return omitted;
            return *value < 0 ? std::max<std::int64_t>(*value + extent, 0) : std::min(*value, extent);
        };
        const std::int64_t first = bound(start, 0);
        const std::int64_t end = bound(stop, extent);
        for (std::int64_t j = 0; j < extent; ++j) {
            if (j >= first && j < end && (j - first) % step == 0)
                selected.push_back(j);
        }
    } else {
        const auto bound = [extent](std::optional<std::int64_t> value, std::int64_t omitted) {
            if (!value)
                return omitted;
            return *value < 0 ? std::max<std::int64_t>(*value + extent, -1) : std::min(*value, extent - 1);
        };
        const std::int64_t first = bound(start, extent - 1);
        const std::int64_t end = bound(stop, -1);
        for (std::int64_t j = extent - 1; j >= 0; --j) {
            if (j <= first && j > end && (first - j) % -step == 0)
                selected.push_back(j);
        }
    }
    return selected;
}

Shape toShape(const QList<qint64> &extents)
{
    return Shape(extents.begin(), extents.end());
}

} // namespace

class TestShapeCheck : public QObject
{
    Q_OBJECT

private slots:
    void shapes_data();
    void shapes();
    void reduceAxes_data();
    void reduceAxes();
    void indexItems_data();
    void indexItems();
    void slices_data();
    void slices();
    void sliceCountsMatchMembership();
    void broadcast_data();
    void broadcast();
    void errors_data();
    void errors();
    void fillsEveryNode();
    void checkIsIdempotent_data();
    void checkIsIdempotent();
    void checkedTreesPrint_data();
    void checkedTreesPrint();
};

void TestShapeCheck::shapes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shape");

    QTest::newRow("name") << u"x"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("number") << u"1.5"_s << u"()"_s;
    QTest::newRow("negate") << u"-x"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("sqrt") << u"sqrt(v)"_s << u"(720,)"_s;
    QTest::newRow("seed x[0,0,0]") << u"x[0,0,0]"_s << u"()"_s;
    QTest::newRow("seed x[100,:,:]") << u"x[100,:,:]"_s << u"(721, 1440)"_s;
    QTest::newRow("seed x.sum()") << u"x.sum()"_s << u"()"_s;
    QTest::newRow("seed mean tuple") << u"x.mean(axis=(1,2))"_s << u"(360,)"_s;
    QTest::newRow("seed mean list") << u"x.mean(axis=[1, 2])"_s << u"(360,)"_s;
    QTest::newRow("seed mean axis 0") << u"x.mean(axis=0)"_s << u"(721, 1440)"_s;
    QTest::newRow("seed anomaly") << u"x - x.mean()"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("seed assignment") << u"y = x - x.mean()"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("seed std") << u"x.std(axis=0)"_s << u"(721, 1440)"_s;
    QTest::newRow("missing indices") << u"x[100]"_s << u"(721, 1440)"_s;
    QTest::newRow("last axis") << u"x.mean(axis=-1)"_s << u"(360, 721)"_s;
    QTest::newRow("unsorted axes") << u"x.mean(axis=(2, 0))"_s << u"(721,)"_s;
    QTest::newRow("negative axes") << u"x.max(axis=(-1, -3))"_s << u"(721,)"_s;
    QTest::newRow("no axes") << u"x.sum(axis=())"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("scalar sum") << u"s.sum()"_s << u"()"_s;
    QTest::newRow("scalar no axes") << u"s.sum(axis=())"_s << u"()"_s;
    QTest::newRow("four-d var") << u"t.var(axis=(1, 3), ddof=1)"_s << u"(2, 4)"_s;
    QTest::newRow("empty array sum") << u"e.sum(axis=0)"_s << u"(4,)"_s;
    QTest::newRow("broadcast trailing") << u"x + w"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("broadcast scalar") << u"x * 2"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("broadcast both ways") << u"m + n"_s << u"(4, 5, 3)"_s;
    QTest::newRow("broadcast swapped") << u"n / m"_s << u"(4, 5, 3)"_s;
    QTest::newRow("broadcast zero extent") << u"e + 1"_s << u"(0, 4)"_s;
    QTest::newRow("broadcast 0-d array") << u"m - s"_s << u"(4, 1, 3)"_s;
    QTest::newRow("broadcast reduced") << u"(x - x.mean(axis=0)).std(axis=0)"_s << u"(721, 1440)"_s;
    QTest::newRow("broadcast sliced") << u"x[:, 0, :720] + v"_s << u"(360, 720)"_s;
    QTest::newRow("ellipsis then index") << u"x[..., 0]"_s << u"(360, 721)"_s;
    QTest::newRow("index then ellipsis") << u"x[0, ...]"_s << u"(721, 1440)"_s;
    QTest::newRow("ellipsis two after") << u"x[..., 0, 0]"_s << u"(360,)"_s;
    QTest::newRow("ellipsis between") << u"x[0, ..., 0]"_s << u"(721,)"_s;
    QTest::newRow("ellipsis alone") << u"x[...]"_s << u"(360, 721, 1440)"_s;
    QTest::newRow("ellipsis covers none") << u"x[0, 0, 0, ...]"_s << u"()"_s;
    QTest::newRow("ellipsis with slices") << u"t[:, ..., ::2]"_s << u"(2, 3, 4, 3)"_s;
    QTest::newRow("negative indices") << u"x[-1, -721, -1440]"_s << u"()"_s;
    QTest::newRow("slices") << u"x[::10, 360:, 100:200]"_s << u"(36, 361, 100)"_s;
    QTest::newRow("reverse after reduce") << u"x.mean(axis=0)[::-1]"_s << u"(721, 1440)"_s;
    QTest::newRow("reduce after index") << u"x[0].mean(axis=1)"_s << u"(721,)"_s;
    QTest::newRow("empty slice") << u"e[:, 1:3]"_s << u"(0, 2)"_s;
    QTest::newRow("index of reduced") << u"x.mean(axis=(1, 2))[5]"_s << u"()"_s;
}

void TestShapeCheck::shapes()
{
    QFETCH(QString, text);
    QFETCH(QString, shape);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(shapeToString(statement.expr->shape), shape);
}

void TestShapeCheck::reduceAxes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("axes");

    QTest::newRow("None") << u"x.sum()"_s << u"None"_s;
    QTest::newRow("None spelled") << u"x.sum(axis=None)"_s << u"None"_s;
    QTest::newRow("0-d None") << u"s.mean()"_s << u"None"_s;
    QTest::newRow("empty") << u"x.sum(axis=())"_s << u""_s;
    QTest::newRow("one") << u"x.sum(axis=1)"_s << u"1"_s;
    QTest::newRow("negative") << u"x.sum(axis=-1)"_s << u"2"_s;
    QTest::newRow("most negative") << u"x.sum(axis=-3)"_s << u"0"_s;
    QTest::newRow("sorted") << u"x.sum(axis=(2, 0))"_s << u"0,2"_s;
    QTest::newRow("mixed signs") << u"t.sum(axis=[-1, 0, -3])"_s << u"0,1,3"_s;
}

void TestShapeCheck::reduceAxes()
{
    QFETCH(QString, text);
    QFETCH(QString, axes);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QString actual = u"None"_s;
    if (statement.expr->axes) {
        QStringList list;
        for (int axis : *statement.expr->axes)
            list << QString::number(axis);
        actual = list.join(u',');
    }
    QCOMPARE(actual, axes);
}

void TestShapeCheck::indexItems_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("items");

    QTest::newRow("all integers") << u"x[0,0,0]"_s << u"0 | 0 | 0"_s;
    QTest::newRow("negative integers") << u"x[-1, -721, -2]"_s << u"359 | 0 | 1438"_s;
    QTest::newRow("rest filled") << u"x[100]"_s << u"100 | 0:721:1#721 | 0:1440:1#1440"_s;
    QTest::newRow("ellipsis expanded") << u"x[..., 3]"_s << u"0:360:1#360 | 0:721:1#721 | 3"_s;
    QTest::newRow("ellipsis in middle") << u"x[1, ..., -1]"_s << u"1 | 0:721:1#721 | 1439"_s;
    QTest::newRow("ellipsis empty") << u"x[1, 2, ..., 3]"_s << u"1 | 2 | 3"_s;
    QTest::newRow("reverse") << u"v[::-1]"_s << u"719:-1:-1#720"_s;
    QTest::newRow("clamped") << u"v[-1000:1000:7]"_s << u"0:720:7#103"_s;
}

void TestShapeCheck::indexItems()
{
    QFETCH(QString, text);
    QFETCH(QString, items);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(itemsText(*statement.expr), items);
    for (const IndexItem &item : statement.expr->indices)
        QVERIFY(item.resolved);
}

// Expected values generated offline with CPython: slice(start, stop, step).indices(n) and
// len(range(*indices)), over hand-picked edge cases and a seeded random sample.
void TestShapeCheck::slices_data()
{
    QTest::addColumn<int>("extent");
    QTest::addColumn<QString>("slice");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("stop");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("count");

    QTest::newRow("n6 [:]") << 6 << u":"_s << 0 << 6 << 1 << 6;
    QTest::newRow("n6 [::-1]") << 6 << u"::-1"_s << 5 << -1 << -1 << 6;
    QTest::newRow("n6 [::2]") << 6 << u"::2"_s << 0 << 6 << 2 << 3;
    QTest::newRow("n6 [::-2]") << 6 << u"::-2"_s << 5 << -1 << -2 << 3;
    QTest::newRow("n6 [1:]") << 6 << u"1:"_s << 1 << 6 << 1 << 5;
    QTest::newRow("n6 [-2:]") << 6 << u"-2:"_s << 4 << 6 << 1 << 2;
    QTest::newRow("n6 [:-1]") << 6 << u":-1"_s << 0 << 5 << 1 << 5;
    QTest::newRow("n6 [:-1:-1]") << 6 << u":-1:-1"_s << 5 << 5 << -1 << 0;
    QTest::newRow("n6 [-1::-1]") << 6 << u"-1::-1"_s << 5 << -1 << -1 << 6;
    QTest::newRow("n6 [100::-1]") << 6 << u"100::-1"_s << 5 << -1 << -1 << 6;
    QTest::newRow("n6 [-100::-1]") << 6 << u"-100::-1"_s << -1 << -1 << -1 << 0;
    QTest::newRow("n6 [-100:100]") << 6 << u"-100:100"_s << 0 << 6 << 1 << 6;
    QTest::newRow("n6 [100:-100:-1]") << 6 << u"100:-100:-1"_s << 5 << -1 << -1 << 6;
    QTest::newRow("n6 [2:2]") << 6 << u"2:2"_s << 2 << 2 << 1 << 0;
    QTest::newRow("n6 [4:1]") << 6 << u"4:1"_s << 4 << 1 << 1 << 0;
    QTest::newRow("n6 [1:4:-1]") << 6 << u"1:4:-1"_s << 1 << 4 << -1 << 0;
    QTest::newRow("n6 [5:0:-2]") << 6 << u"5:0:-2"_s << 5 << 0 << -2 << 3;
    QTest::newRow("n6 [0:6:4]") << 6 << u"0:6:4"_s << 0 << 6 << 4 << 2;
    QTest::newRow("n6 [0:6:7]") << 6 << u"0:6:7"_s << 0 << 6 << 7 << 1;
    QTest::newRow("n6 [3:-7:-1]") << 6 << u"3:-7:-1"_s << 3 << -1 << -1 << 4;
    QTest::newRow("n6 [-7:3]") << 6 << u"-7:3"_s << 0 << 3 << 1 << 3;
    QTest::newRow("n0 [:]") << 0 << u":"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n0 [::-1]") << 0 << u"::-1"_s << -1 << -1 << -1 << 0;
    QTest::newRow("n0 [3:-3:-1]") << 0 << u"3:-3:-1"_s << -1 << -1 << -1 << 0;
    QTest::newRow("n0 [-1:]") << 0 << u"-1:"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n1 [::-1]") << 1 << u"::-1"_s << 0 << -1 << -1 << 1;
    QTest::newRow("n1 [0:1]") << 1 << u"0:1"_s << 0 << 1 << 1 << 1;
    QTest::newRow("n1 [-1:]") << 1 << u"-1:"_s << 0 << 1 << 1 << 1;
    QTest::newRow("n1 [::5]") << 1 << u"::5"_s << 0 << 1 << 5 << 1;
    QTest::newRow("n360 [::10]") << 360 << u"::10"_s << 0 << 360 << 10 << 36;
    QTest::newRow("n360 [-10:]") << 360 << u"-10:"_s << 350 << 360 << 1 << 10;
    QTest::newRow("n360 [350:10:-7]") << 360 << u"350:10:-7"_s << 350 << 10 << -7 << 49;
    QTest::newRow("n1440 [:720]") << 1440 << u":720"_s << 0 << 720 << 1 << 720;
    QTest::newRow("n721 [::-3]") << 721 << u"::-3"_s << 720 << -1 << -3 << 241;
    QTest::newRow("n2 [-7:0:-2]") << 2 << u"-7:0:-2"_s << -1 << 0 << -2 << 0;
    QTest::newRow("n0 [-9:2]") << 0 << u"-9:2"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n2 [5::-1]") << 2 << u"5::-1"_s << 1 << -1 << -1 << 2;
    QTest::newRow("n1 [:-9:3]") << 1 << u":-9:3"_s << 0 << 0 << 3 << 0;
    QTest::newRow("n6 [-9:-6]") << 6 << u"-9:-6"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n7 [0::-4]") << 7 << u"0::-4"_s << 0 << -1 << -4 << 1;
    QTest::newRow("n7 [-9:-6:-2]") << 7 << u"-9:-6:-2"_s << -1 << 1 << -2 << 0;
    QTest::newRow("n7 [:5:-1]") << 7 << u":5:-1"_s << 6 << 5 << -1 << 1;
    QTest::newRow("n6 [:-6]") << 6 << u":-6"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n7 [-7:-3:3]") << 7 << u"-7:-3:3"_s << 0 << 4 << 3 << 2;
    QTest::newRow("n1 [2:-9:-1]") << 1 << u"2:-9:-1"_s << 0 << -1 << -1 << 1;
    QTest::newRow("n2 [2:6:1]") << 2 << u"2:6:1"_s << 2 << 2 << 1 << 0;
    QTest::newRow("n0 [5:5:-2]") << 0 << u"5:5:-2"_s << -1 << -1 << -2 << 0;
    QTest::newRow("n1 [-1:-9:-1]") << 1 << u"-1:-9:-1"_s << 0 << -1 << -1 << 1;
    QTest::newRow("n0 [5::-1]") << 0 << u"5::-1"_s << -1 << -1 << -1 << 0;
    QTest::newRow("n1 [1:6:-1]") << 1 << u"1:6:-1"_s << 0 << 0 << -1 << 0;
    QTest::newRow("n6 [-1:1:-1]") << 6 << u"-1:1:-1"_s << 5 << 1 << -1 << 4;
    QTest::newRow("n6 [-1:-3:1]") << 6 << u"-1:-3:1"_s << 5 << 3 << 1 << 0;
    QTest::newRow("n1 [9:-6]") << 1 << u"9:-6"_s << 1 << 0 << 1 << 0;
    QTest::newRow("n7 [-3:2:3]") << 7 << u"-3:2:3"_s << 4 << 2 << 3 << 0;
    QTest::newRow("n2 [9:1:2]") << 2 << u"9:1:2"_s << 2 << 1 << 2 << 0;
    QTest::newRow("n7 [-9:-9:-1]") << 7 << u"-9:-9:-1"_s << -1 << -1 << -1 << 0;
    QTest::newRow("n6 [-7:-1:1]") << 6 << u"-7:-1:1"_s << 0 << 5 << 1 << 5;
    QTest::newRow("n6 [0::-2]") << 6 << u"0::-2"_s << 0 << -1 << -2 << 1;
    QTest::newRow("n0 [2:5:-4]") << 0 << u"2:5:-4"_s << -1 << -1 << -4 << 0;
    QTest::newRow("n2 [-1:9:2]") << 2 << u"-1:9:2"_s << 1 << 2 << 2 << 1;
    QTest::newRow("n7 [1:5:-4]") << 7 << u"1:5:-4"_s << 1 << 5 << -4 << 0;
    QTest::newRow("n6 [-9:-9:2]") << 6 << u"-9:-9:2"_s << 0 << 0 << 2 << 0;
    QTest::newRow("n6 [9:6]") << 6 << u"9:6"_s << 6 << 6 << 1 << 0;
    QTest::newRow("n0 [9:9:2]") << 0 << u"9:9:2"_s << 0 << 0 << 2 << 0;
    QTest::newRow("n7 [6:1:2]") << 7 << u"6:1:2"_s << 6 << 1 << 2 << 0;
    QTest::newRow("n6 [6:-1]") << 6 << u"6:-1"_s << 6 << 5 << 1 << 0;
    QTest::newRow("n6 [-1:-7:-1]") << 6 << u"-1:-7:-1"_s << 5 << -1 << -1 << 6;
    QTest::newRow("n0 [1::1]") << 0 << u"1::1"_s << 0 << 0 << 1 << 0;
    QTest::newRow("n2 [-7:9:1]") << 2 << u"-7:9:1"_s << 0 << 2 << 1 << 2;
    QTest::newRow("n6 [0:1]") << 6 << u"0:1"_s << 0 << 1 << 1 << 1;
    QTest::newRow("n1 [1:0:-1]") << 1 << u"1:0:-1"_s << 0 << 0 << -1 << 0;
    QTest::newRow("n2 [-7:0:-4]") << 2 << u"-7:0:-4"_s << -1 << 0 << -4 << 0;
    QTest::newRow("n7 [-3:9:3]") << 7 << u"-3:9:3"_s << 4 << 7 << 3 << 1;
    QTest::newRow("n2 [6:0:1]") << 2 << u"6:0:1"_s << 2 << 0 << 1 << 0;
}

void TestShapeCheck::slices()
{
    QFETCH(int, extent);
    QFETCH(QString, slice);
    QFETCH(int, start);
    QFETCH(int, stop);
    QFETCH(int, step);
    QFETCH(int, count);

    Statement statement;
    const Status status = parseAndCheck(u"a%1[%2]"_s.arg(extent).arg(slice), statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    const IndexItem &item = statement.expr->indices.at(0);
    QCOMPARE(item.kind, IndexItem::Kind::Slice);
    QCOMPARE(item.start, std::optional<std::int64_t>(start));
    QCOMPARE(item.stop, std::optional<std::int64_t>(stop));
    QCOMPARE(item.step, std::optional<std::int64_t>(step));
    QCOMPARE(item.count, std::int64_t(count));
    QCOMPARE(statement.expr->shape, Shape{count});

    // The checked tree prints to text that resolves to the same slice.
    Statement reread;
    const QString printed = statement.expr->toString();
    const Status rereadStatus = parseAndCheck(printed, reread);
    QVERIFY2(rereadStatus.isOk(), qPrintable(printed + u": "_s + rereadStatus.message()));
    const IndexItem &again = reread.expr->indices.at(0);
    QCOMPARE(again.start, item.start);
    QCOMPARE(again.stop, item.stop);
    QCOMPARE(again.step, item.step);
    QCOMPARE(again.count, item.count);
}

// Every slice of small vectors, against the membership reference above.
void TestShapeCheck::sliceCountsMatchMembership()
{
    std::vector<std::optional<std::int64_t>> bounds{std::nullopt};
    for (std::int64_t value = -10; value <= 10; ++value)
        bounds.push_back(value);
    const std::vector<std::optional<std::int64_t>> steps{std::nullopt, -4, -3, -2, -1, 1, 2, 3, 4};
    const auto written = [](const std::optional<std::int64_t> &value) {
        return value ? QString::number(*value) : QString();
    };
    int checked = 0;
    for (std::int64_t extent = 0; extent <= 7; ++extent) {
        for (const auto &start : bounds) {
            for (const auto &stop : bounds) {
                for (const auto &step : steps) {
                    QString text = u"a%1[%2:%3"_s.arg(extent).arg(written(start), written(stop));
                    if (step)
                        text += u":"_s + QString::number(*step);
                    text += u"]"_s;
                    Statement statement;
                    const Status status = parseAndCheck(text, statement);
                    QVERIFY2(status.isOk(), qPrintable(text + u": "_s + status.message()));
                    const IndexItem &item = statement.expr->indices.at(0);
                    const std::vector<std::int64_t> expected = referenceSelection(extent, start, stop, step.value_or(1));
                    std::vector<std::int64_t> actual;
                    for (std::int64_t k = 0; k < item.count; ++k)
                        actual.push_back(*item.start + k * *item.step);
                    if (actual != expected)
                        QFAIL(qPrintable(text + u" selects %1 elements, expected %2"_s.arg(item.count).arg(expected.size())));
                    ++checked;
                }
            }
        }
    }
    QCOMPARE(checked, 8 * 22 * 22 * 9);
}

void TestShapeCheck::broadcast_data()
{
    QTest::addColumn<QList<qint64>>("a");
    QTest::addColumn<QList<qint64>>("b");
    QTest::addColumn<QString>("result");

    QTest::newRow("same") << QList<qint64>{2, 3} << QList<qint64>{2, 3} << u"(2, 3)"_s;
    QTest::newRow("scalars") << QList<qint64>{} << QList<qint64>{} << u"()"_s;
    QTest::newRow("scalar left") << QList<qint64>{} << QList<qint64>{4, 5} << u"(4, 5)"_s;
    QTest::newRow("scalar right") << QList<qint64>{4, 5} << QList<qint64>{} << u"(4, 5)"_s;
    QTest::newRow("trailing vector") << QList<qint64>{360, 721, 1440} << QList<qint64>{1440} << u"(360, 721, 1440)"_s;
    QTest::newRow("ones stretch") << QList<qint64>{8, 1, 6, 1} << QList<qint64>{7, 1, 5} << u"(8, 7, 6, 5)"_s;
    QTest::newRow("one against zero") << QList<qint64>{1, 3} << QList<qint64>{0, 1} << u"(0, 3)"_s;
    QTest::newRow("zero against one") << QList<qint64>{0} << QList<qint64>{1} << u"(0,)"_s;
    QTest::newRow("column and row") << QList<qint64>{5, 1} << QList<qint64>{1, 4} << u"(5, 4)"_s;
    QTest::newRow("seed mismatch") << QList<qint64>{360, 721, 1440} << QList<qint64>{720}
                                   << u"shapes (360, 721, 1440) and (720,) do not broadcast: axis 2 has 1440 against 720"_s;
    QTest::newRow("leading mismatch") << QList<qint64>{2, 1} << QList<qint64>{8, 4, 3}
                                      << u"shapes (2, 1) and (8, 4, 3) do not broadcast: axis 1 has 2 against 4"_s;
    QTest::newRow("zero against two") << QList<qint64>{0} << QList<qint64>{2}
                                      << u"shapes (0,) and (2,) do not broadcast: axis 0 has 0 against 2"_s;
}

void TestShapeCheck::broadcast()
{
    QFETCH(QList<qint64>, a);
    QFETCH(QList<qint64>, b);
    QFETCH(QString, result);

    Result<Shape> shape = broadcastShapes(toShape(a), toShape(b));
    if (result.startsWith(u'(')) {
        QVERIFY2(shape.isOk(), qPrintable(shape.status().message()));
        QCOMPARE(shapeToString(*shape), result);
    } else {
        QVERIFY(!shape.isOk());
        QCOMPARE(shape.status().code(), ErrorCode::ShapeMismatch);
        QCOMPARE(shape.status().message(), result);
    }
}

void TestShapeCheck::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");

    const int notFound = int(ErrorCode::NotFound);
    const int shape = int(ErrorCode::ShapeMismatch);
    const int invalid = int(ErrorCode::InvalidArgument);
    const QString x3 = u"an array of 3 dimensions (shape (360, 721, 1440))"_s;

    QTest::newRow("unknown name") << u"z + 1"_s << notFound << u"column 1: no array named 'z'"_s;
    QTest::newRow("unknown right") << u"x + z"_s << notFound << u"column 5: no array named 'z'"_s;
    QTest::newRow("unknown target side") << u"y = q.mean()"_s << notFound << u"column 5: no array named 'q'"_s;
    QTest::newRow("seed broadcast")
        << u"x + v"_s << shape << u"column 3: shapes (360, 721, 1440) and (720,) do not broadcast: axis 2 has 1440 against 720"_s;
    QTest::newRow("broadcast last axis")
        << u"m * t"_s << shape << u"column 3: shapes (4, 1, 3) and (2, 3, 4, 5) do not broadcast: axis 3 has 3 against 5"_s;
    QTest::newRow("broadcast reduced")
        << u"x - x.mean(axis=(1,2))"_s << shape
        << u"column 3: shapes (360, 721, 1440) and (360,) do not broadcast: axis 2 has 1440 against 360"_s;
    QTest::newRow("broadcast two means")
        << u"x.mean(axis=0) + x.mean(axis=1)"_s << shape
        << u"column 16: shapes (721, 1440) and (360, 1440) do not broadcast: axis 0 has 721 against 360"_s;
    QTest::newRow("broadcast inside")
        << u"(x - v).mean()"_s << shape
        << u"column 4: shapes (360, 721, 1440) and (720,) do not broadcast: axis 2 has 1440 against 720"_s;
    QTest::newRow("axis too big") << u"x.mean(axis=3)"_s << invalid
                                  << u"column 3: axis 3 is out of range for "_s + x3 + u"; use -3 to 2"_s;
    QTest::newRow("axis too negative") << u"x.mean(axis=(0, -4))"_s << invalid
                                       << u"column 3: axis -4 is out of range for "_s + x3 + u"; use -3 to 2"_s;
    QTest::newRow("axis of vector")
        << u"v.sum(1)"_s << invalid
        << u"column 3: axis 1 is out of range for an array of 1 dimension (shape (720,)); use -1 to 0"_s;
    QTest::newRow("axis of scalar")
        << u"s.sum(axis=0)"_s << invalid
        << u"column 3: axis 0 is out of range for an array of 0 dimensions (shape ()); use axis=None"_s;
    QTest::newRow("axis of reduced")
        << u"1 + x.mean(axis=0).sum(axis=2)"_s << invalid
        << u"column 20: axis 2 is out of range for an array of 2 dimensions (shape (721, 1440)); use -2 to 1"_s;
    QTest::newRow("axis repeated") << u"x.mean(axis=(1, 1))"_s << invalid
                                   << u"column 3: axis 1 is listed twice; list each axis once"_s;
    QTest::newRow("axis repeated negative") << u"x.mean(axis=(2, -1))"_s << invalid
                                            << u"column 3: axis 2 is listed twice (as 2 and -1); list each axis once"_s;
    QTest::newRow("index too big") << u"x[400]"_s << invalid
                                   << u"column 3: index 400 is out of bounds for axis 0 with size 360"_s;
    QTest::newRow("index at extent") << u"x[0, 721]"_s << invalid
                                     << u"column 6: index 721 is out of bounds for axis 1 with size 721"_s;
    QTest::newRow("index too negative") << u"x[0, -722]"_s << invalid
                                        << u"column 6: index -722 is out of bounds for axis 1 with size 721"_s;
    QTest::newRow("index after ellipsis") << u"x[..., 1440]"_s << invalid
                                          << u"column 8: index 1440 is out of bounds for axis 2 with size 1440"_s;
    QTest::newRow("index into empty") << u"e[0]"_s << invalid << u"column 3: index 0 is out of bounds for axis 0 with size 0"_s;
    QTest::newRow("too many indices") << u"x[0, 0, 0, 0]"_s << invalid << u"column 12: too many indices: 4 given for "_s + x3;
    QTest::newRow("too many with ellipsis") << u"x[..., 0, 0, :, 0]"_s << invalid
                                            << u"column 17: too many indices: 4 given for "_s + x3;
    QTest::newRow("index a scalar") << u"s[0]"_s << invalid
                                    << u"column 3: too many indices: 1 given for an array of 0 dimensions (shape ())"_s;
    QTest::newRow("index a reduction") << u"x.sum()[0]"_s << invalid
                                       << u"column 9: too many indices: 1 given for an array of 0 dimensions (shape ())"_s;
    QTest::newRow("zero step") << u"x[::0]"_s << invalid << u"column 3: slice step cannot be zero"_s;
    QTest::newRow("zero step later") << u"x[0, 1:2:0]"_s << invalid << u"column 6: slice step cannot be zero"_s;
}

void TestShapeCheck::errors()
{
    QFETCH(QString, text);
    QFETCH(int, code);
    QFETCH(QString, message);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY(!status.isOk());
    QCOMPARE(int(status.code()), code);
    QCOMPARE(status.message(), message);
}

void TestShapeCheck::fillsEveryNode()
{
    Statement statement;
    const Status status = parseAndCheck(u"(x - x.mean(axis=0)).std(axis=0)[:, ::2] * sqrt(w)[::2] + x[0, 0, :720]"_s, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QStringList shapes;
    collectShapes(*statement.expr, shapes);
    // Prefix order, each node before its operands.
    const QStringList expected{
        u"(721, 720)"_s,       // +
        u"(721, 720)"_s,       // *
        u"(721, 720)"_s,       // [:, ::2]
        u"(721, 1440)"_s,      // std
        u"(360, 721, 1440)"_s, // -
        u"(360, 721, 1440)"_s, // x
        u"(721, 1440)"_s,      // mean
        u"(360, 721, 1440)"_s, // x
        u"(720,)"_s,           // [::2]
        u"(1440,)"_s,          // sqrt
        u"(1440,)"_s,          // w
        u"(720,)"_s,           // [0, 0, :720]
        u"(360, 721, 1440)"_s, // x
    };
    QCOMPARE(shapes, expected);
}

void TestShapeCheck::checkIsIdempotent_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("reverse to start") << u"v[::-1]"_s;
    QTest::newRow("reverse partial") << u"v[10:-700:-3]"_s;
    QTest::newRow("empty reverse") << u"a0[::-1]"_s;
    QTest::newRow("negative indices") << u"x[-1, ..., -5]"_s;
    QTest::newRow("negative axes") << u"x.mean(axis=(-1, 0))"_s;
    QTest::newRow("mixed") << u"(x[::-2] - x[::-2].mean(axis=-3))[..., ::-1].std(axis=-1)"_s;
}

// The planner may check a tree it already checked; nothing may move the second time.
void TestShapeCheck::checkIsIdempotent()
{
    QFETCH(QString, text);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    const QString printed = statement.expr->toString();
    QStringList shapes;
    collectShapes(*statement.expr, shapes);

    const Status again = checkExpression(*statement.expr, lookupShape);
    QVERIFY2(again.isOk(), qPrintable(again.message()));
    QCOMPARE(statement.expr->toString(), printed);
    QStringList shapesAgain;
    collectShapes(*statement.expr, shapesAgain);
    QCOMPARE(shapesAgain, shapes);
}

void TestShapeCheck::checkedTreesPrint_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("printed");

    QTest::newRow("seed index") << u"x[100,:,:]"_s << u"x[100, :, :]"_s;
    QTest::newRow("filled and normalised") << u"x[-1]"_s << u"x[359, :, :]"_s;
    QTest::newRow("ellipsis expanded") << u"x[..., 0]"_s << u"x[:, :, 0]"_s;
    QTest::newRow("reverse") << u"v[::-1]"_s << u"v[719::-1]"_s;
    QTest::newRow("reverse stop") << u"v[:-5:-2]"_s << u"v[719:715:-2]"_s;
    QTest::newRow("clamped") << u"v[-1000:1000:7]"_s << u"v[0:720:7]"_s;
    QTest::newRow("partial") << u"v[5:]"_s << u"v[5:720]"_s;
    QTest::newRow("empty") << u"v[5:0]"_s << u"v[5:0]"_s;
    QTest::newRow("empty reverse") << u"a0[::-1]"_s << u"a0[-1::-1]"_s;
    QTest::newRow("empty reverse from below") << u"v[-1000::-1]"_s << u"v[-721::-1]"_s;
    QTest::newRow("axes") << u"x.mean(axis=(-1, 0))"_s << u"x.mean(axis=(0, 2))"_s;
    QTest::newRow("0-d ellipsis") << u"s[...]"_s << u"s[...]"_s;
    QTest::newRow("anomaly") << u"y = x - x.mean(axis=0)"_s << u"(x - x.mean(axis=0))"_s;
}

void TestShapeCheck::checkedTreesPrint()
{
    QFETCH(QString, text);
    QFETCH(QString, printed);

    Statement statement;
    const Status status = parseAndCheck(text, statement);
    QVERIFY2(status.isOk(), qPrintable(status.message()));
    QCOMPARE(statement.expr->toString(), printed);

    Statement reread;
    const Status rereadStatus = parseAndCheck(printed, reread);
    QVERIFY2(rereadStatus.isOk(), qPrintable(rereadStatus.message()));
    QCOMPARE(shapeToString(reread.expr->shape), shapeToString(statement.expr->shape));
    QCOMPARE(itemsText(*reread.expr), itemsText(*statement.expr));
}

QTEST_GUILESS_MAIN(TestShapeCheck)
#include "tst_shapecheck.moc"
