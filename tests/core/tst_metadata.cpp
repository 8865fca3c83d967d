// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/checker.h"
#include "core/expr/parser.h"
#include "core/kernels/slice.h"
#include "core/plan/metadata.h"

#include <QStringList>
#include <QTest>

#include <map>
#include <random>

using namespace Qt::StringLiterals;
using namespace tessera;

using Extents = std::vector<std::vector<std::int64_t>>;

Q_DECLARE_METATYPE(Extents)

namespace {

Axis axis(const QString &name, std::vector<double> values, const QString &units = QString())
{
    Axis result;
    result.name = name;
    result.values = std::move(values);
    result.units = units;
    return result;
}

// Arrays the expressions name. q has a shape but no metadata (metaOf gives nullptr).
const std::map<QString, ArrayMeta> &metas()
{
    static const std::map<QString, ArrayMeta> all = [] {
        std::map<QString, ArrayMeta> arrays;
        Axis time = axis(u"time"_s, {0, 6, 12, 18}, u"hours since 1900-01-01 00:00:00.0"_s);
        time.calendar = u"gregorian"_s;
        arrays[u"x"_s] = {
            u"x"_s,
            {4, 3, 5},
            {time, axis(u"lat"_s, {10, 20, 30}, u"degrees_north"_s), axis(u"lon"_s, {0, 1, 2, 3, 4}, u"degrees_east"_s)},
            u"K"_s,
            u"2 metre temperature"_s,
            QString()};
        arrays[u"w"_s] = {u"w"_s, {3, 5},     {axis(u"y"_s, {-1, -2, -3}), axis(u"x"_s, {100, 101, 102, 103, 104})},
                          u"K"_s, u"other"_s, QString()};
        arrays[u"c"_s] = {u"c"_s, {3, 5}, {axis(u"y"_s, {}), axis(u"x"_s, {})}, u"degC"_s, QString(), QString()};
        arrays[u"n"_s] = {u"n"_s,    {4, 1, 5}, {axis(u"a"_s, {}), axis(u"b"_s, {}), axis(u"c"_s, {})},
                          QString(), QString(), QString()};
        return arrays;
    }();
    return all;
}

std::optional<Shape> shapeOf(const QString &name)
{
    if (name == u"q")
        return Shape{2, 3};
    const auto found = metas().find(name);
    return found == metas().end() ? std::nullopt : std::optional<Shape>(found->second.shape);
}

const ArrayMeta *metaOf(const QString &name)
{
    const auto found = metas().find(name);
    return found == metas().end() ? nullptr : &found->second;
}

// What the checker sees: the metadata where there is some, else an array of that shape alone.
const ArrayMeta *checkedMetaOf(const QString &name)
{
    static std::map<QString, ArrayMeta> shapesOnly;
    if (const ArrayMeta *meta = metaOf(name))
        return meta;
    const std::optional<Shape> shape = shapeOf(name);
    if (!shape)
        return nullptr;
    ArrayMeta &made = shapesOnly[name];
    made.shape = *shape;
    return &made;
}

// "time=0 6 12 18; lat=10 20 30"; an axis without coordinates shows only its name and '='.
QString axesText(const ArrayMeta &meta)
{
    QStringList axes;
    for (const Axis &each : meta.axes) {
        QStringList values;
        for (double value : each.values)
            values << QString::number(value);
        axes << each.name + u'=' + values.join(u' ');
    }
    return axes.join(u"; "_s);
}

} // namespace

class TestMetadata : public QObject
{
    Q_OBJECT

private slots:
    void deriveMeta_data();
    void deriveMeta();
    void assembleBlocks_data();
    void assembleBlocks();
};

void TestMetadata::deriveMeta_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("axes");
    QTest::addColumn<QString>("units");
    QTest::addColumn<QString>("longName");

    const QString all = u"time=0 6 12 18; lat=10 20 30; lon=0 1 2 3 4"_s;
    const QString t2m = u"2 metre temperature"_s;
    QTest::newRow("name") << u"x"_s << all << u"K"_s << t2m;
    QTest::newRow("reduce axis 0") << u"x.mean(axis=0)"_s << u"lat=10 20 30; lon=0 1 2 3 4"_s << u"K"_s
                                   << u"mean of 2 metre temperature"_s;
    QTest::newRow("reduce middle") << u"x.min(axis=1)"_s << u"time=0 6 12 18; lon=0 1 2 3 4"_s << u"K"_s
                                   << u"min of 2 metre temperature"_s;
    QTest::newRow("reduce outer two") << u"x.max(axis=(0, -1))"_s << u"lat=10 20 30"_s << u"K"_s
                                      << u"max of 2 metre temperature"_s;
    QTest::newRow("reduce all") << u"x.sum()"_s << QString() << u"K"_s << u"sum of 2 metre temperature"_s;
    QTest::newRow("var squares units") << u"x.var(axis=0)"_s << u"lat=10 20 30; lon=0 1 2 3 4"_s << u"(K)^2"_s
                                       << u"var of 2 metre temperature"_s;
    QTest::newRow("std keeps units") << u"x.std()"_s << QString() << u"K"_s << u"std of 2 metre temperature"_s;
    QTest::newRow("slice with step") << u"x[1:4:2]"_s << u"time=6 18; lat=10 20 30; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("negative steps") << u"x[::-1, ::-2]"_s << u"time=18 12 6 0; lat=30 10; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("negative bounds") << u"x[-2:, :, 3:0:-1]"_s << u"time=12 18; lat=10 20 30; lon=3 2 1"_s << u"K"_s << t2m;
    QTest::newRow("integer drops axis") << u"x[2]"_s << u"lat=10 20 30; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("integer in the middle") << u"x[:, -1]"_s << u"time=0 6 12 18; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("element") << u"x[0, 0, 0]"_s << QString() << u"K"_s << t2m;
    QTest::newRow("empty slice") << u"x[3:1]"_s << u"time=; lat=10 20 30; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("slice of reduction") << u"x.mean(axis=0)[::-1]"_s << u"lat=30 20 10; lon=0 1 2 3 4"_s << u"K"_s
                                        << u"mean of 2 metre temperature"_s;
    QTest::newRow("same axes") << u"x - w"_s << all << u"K"_s << t2m;
    QTest::newRow("left lacks the axis") << u"w - x"_s << u"time=0 6 12 18; y=-1 -2 -3; x=100 101 102 103 104"_s << u"K"_s
                                         << u"other"_s;
    QTest::newRow("left is broadcast") << u"x[:, 0:1] + w"_s << u"time=0 6 12 18; y=-1 -2 -3; lon=0 1 2 3 4"_s << u"K"_s << t2m;
    QTest::newRow("anomaly") << u"x - x.mean(axis=0)"_s << all << u"K"_s << t2m;
    QTest::newRow("times number") << u"x * 2"_s << all << u"K"_s << t2m;
    QTest::newRow("number minus") << u"2 - x"_s << all << u"K"_s << t2m;
    QTest::newRow("divided by number") << u"x / 2"_s << all << u"K"_s << t2m;
    QTest::newRow("number divided by") << u"1 / x"_s << all << QString() << t2m;
    QTest::newRow("product") << u"x * x"_s << all << QString() << t2m;
    QTest::newRow("ratio") << u"x / w"_s << all << QString() << t2m;
    QTest::newRow("other units") << u"x + c"_s << all << QString() << t2m;
    QTest::newRow("sqrt clears units") << u"sqrt(x)"_s << all << QString() << t2m;
    QTest::newRow("abs keeps units") << u"abs(-x)"_s << all << u"K"_s << t2m;
    QTest::newRow("no coordinates") << u"n.mean(axis=1)"_s << u"a=; c="_s << QString() << QString();
    QTest::newRow("no metadata") << u"q"_s << u"dim_0=; dim_1="_s << QString() << QString();
    // As xarray: a dimension keeps its default name when the ones before it are reduced away.
    QTest::newRow("no metadata reduced") << u"q.sum(axis=0)"_s << u"dim_1="_s << QString() << QString();
    QTest::newRow("constant") << u"2 * 3"_s << QString() << QString() << QString();
}

void TestMetadata::deriveMeta()
{
    QFETCH(QString, text);
    QFETCH(QString, axes);
    QFETCH(QString, units);
    QFETCH(QString, longName);

    Result<Statement> statement = parseStatement(text);
    QVERIFY2(statement.isOk(), qPrintable(statement.status().message()));
    const Status checked = checkExpression(*statement->expr, MetaLookup(checkedMetaOf));
    QVERIFY2(checked.isOk(), qPrintable(checked.message()));

    const ArrayMeta meta = tessera::deriveMeta(*statement->expr, metaOf);
    QCOMPARE(axesText(meta), axes);
    QCOMPARE(meta.units, units);
    QCOMPARE(meta.longName, longName);
    QCOMPARE(shapeToString(meta.shape), shapeToString(statement->expr->shape));
    QCOMPARE(meta.axes.size(), meta.shape.size());
    // An axis keeps its attributes wherever it goes.
    for (const Axis &each : meta.axes) {
        if (each.name == u"time") {
            QCOMPARE(each.units, u"hours since 1900-01-01 00:00:00.0"_s);
            QCOMPARE(each.calendar, u"gregorian"_s);
        } else if (each.name == u"lat") {
            QCOMPARE(each.units, u"degrees_north"_s);
        }
    }
}

void TestMetadata::assembleBlocks_data()
{
    QTest::addColumn<Extents>("extents");
    QTest::addColumn<bool>("nanInOneBlock");
    QTest::newRow("0-d") << Extents{} << false;
    QTest::newRow("one block") << Extents{{3}, {4}} << false;
    QTest::newRow("along first axis") << Extents{{4, 4, 4}, {5}, {6}} << true;
    QTest::newRow("irregular 3-d") << Extents{{3, 1, 8}, {2, 3}, {4, 2}} << true;
    QTest::newRow("1-element rows") << Extents{{2, 2}, {1, 1, 1}, {1, 1}} << false;
    QTest::newRow("empty chunk inside") << Extents{{4, 0, 3}, {2}} << true;
    QTest::newRow("empty array") << Extents{{0}, {3}} << false;
    QTest::newRow("4-d") << Extents{{2, 1}, {3}, {1, 2}, {2, 3}} << true;
}

// The blocks cut from a random array element by element; assembling them gives it back.
void TestMetadata::assembleBlocks()
{
    QFETCH(Extents, extents);
    QFETCH(bool, nanInOneBlock);

    const Chunks chunks(extents);
    const Shape shape = chunks.shape();
    std::mt19937_64 random(11);
    std::vector<double> whole;
    for (std::int64_t i = 0; i < elementCount(shape); ++i)
        whole.push_back(double(random() % 100000) / 7.0);
    const std::vector<std::int64_t> strides = rowMajorStrides(shape);

    std::vector<NdArray> blocks;
    for (std::int64_t flat = 0; flat < chunks.blockCount(); ++flat) {
        const BlockIndex index = chunks.unflatten(flat);
        const Shape blockShape = chunks.blockShape(index);
        const std::vector<std::int64_t> offset = chunks.blockOffset(index);
        std::vector<double> values;
        for (std::int64_t inBlock = 0; inBlock < elementCount(blockShape); ++inBlock) {
            std::int64_t global = 0;
            std::int64_t rest = inBlock;
            for (std::size_t axis = blockShape.size(); axis-- > 0;) {
                global += (offset[axis] + rest % blockShape[axis]) * strides[axis];
                rest /= blockShape[axis];
            }
            values.push_back(whole[std::size_t(global)]);
        }
        NdArray block = NdArray::fromVector(blockShape, values);
        block.setMayHaveNan(nanInOneBlock && flat == chunks.blockCount() - 1);
        blocks.push_back(block);
    }

    const NdArray full = tessera::assembleBlocks(chunks, blocks);
    QCOMPARE(shapeToString(full.shape()), shapeToString(shape));
    for (std::int64_t i = 0; i < full.size(); ++i)
        QCOMPARE(full.at(i), whole[std::size_t(i)]);
    QCOMPARE(full.mayHaveNan(), nanInOneBlock);
}

QTEST_APPLESS_MAIN(TestMetadata)
#include "tst_metadata.moc"
