// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/chunks.h"

#include <QStringList>
#include <QTest>

#include <numeric>

using namespace Qt::StringLiterals;
using namespace tessera;

using Extents = std::vector<std::vector<std::int64_t>>;

Q_DECLARE_METATYPE(Extents)
Q_DECLARE_METATYPE(tessera::Shape)

namespace {

// dask's spelling of a chunk grid: "((4, 4, 2), (5,), (6,))".
QString extentsText(const Extents &extents)
{
    QStringList axes;
    for (const auto &axisExtents : extents)
        axes << shapeToString(axisExtents);
    return u"("_s + axes.join(u", "_s) + (extents.size() == 1 ? u",)"_s : u")"_s);
}

// The start of every chunk of one axis, summed up here rather than taken from Chunks.
std::vector<std::int64_t> plainStarts(const std::vector<std::int64_t> &extents)
{
    std::vector<std::int64_t> starts{0};
    for (std::int64_t extent : extents)
        starts.push_back(starts.back() + extent);
    return starts;
}

// Row-major counting over the grid, the order flatten/unflatten must agree with.
std::vector<BlockIndex> gridInOrder(const Extents &extents)
{
    std::vector<BlockIndex> indices;
    BlockIndex index(extents.size(), 0);
    for (const auto &axisExtents : extents) {
        if (axisExtents.empty())
            return indices;
    }
    while (true) {
        indices.push_back(index);
        int axis = int(extents.size()) - 1;
        for (; axis >= 0; --axis) {
            if (++index[axis] < std::int64_t(extents[axis].size()))
                break;
            index[axis] = 0;
        }
        if (axis < 0)
            return indices;
    }
}

void addGrids()
{
    QTest::addColumn<Extents>("extents");
    QTest::newRow("0-d") << Extents{};
    QTest::newRow("1-d one chunk") << Extents{{7}};
    QTest::newRow("along first axis") << Extents{{4, 4, 4}, {5}, {6}};
    QTest::newRow("uneven last chunk") << Extents{{5, 5, 2}, {5}, {6}};
    QTest::newRow("irregular 3-d grid") << Extents{{3, 1, 8}, {2, 3}, {4, 2}};
    QTest::newRow("extent-1 chunks") << Extents{{1, 1, 1, 1}, {2, 2}};
    QTest::newRow("empty chunk inside") << Extents{{4, 0, 3}, {2}};
    QTest::newRow("4-d") << Extents{{2, 2}, {3}, {1, 1, 1}, {5, 5}};
}

} // namespace

class TestChunks : public QObject
{
    Q_OBJECT

private slots:
    void alongFirstAxis_data();
    void alongFirstAxis();
    void single_data();
    void single();
    void gridAndBlocks_data() { addGrids(); }
    void gridAndBlocks();
    void blocksTileTheShape_data() { addGrids(); }
    void blocksTileTheShape();
    void flattenRoundTrip_data() { addGrids(); }
    void flattenRoundTrip();
    void chunkContaining_data() { addGrids(); }
    void chunkContaining();
    void describe_data();
    void describe();
    void blockKey_data();
    void blockKey();
    void isWholeBlockAgreesWithIsWhole();
};

void TestChunks::alongFirstAxis_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<qint64>("chunkExtent");
    QTest::addColumn<QString>("expected");

    QTest::newRow("exact fit") << Shape{12, 5, 6} << qint64(4) << u"((4, 4, 4), (5,), (6,))"_s;
    QTest::newRow("uneven last") << Shape{10, 5, 6} << qint64(4) << u"((4, 4, 2), (5,), (6,))"_s;
    QTest::newRow("chunk of 1") << Shape{3, 2} << qint64(1) << u"((1, 1, 1), (2,))"_s;
    QTest::newRow("chunk larger than axis") << Shape{3, 2} << qint64(10) << u"((3,), (2,))"_s;
    QTest::newRow("1-d") << Shape{7} << qint64(3) << u"((3, 3, 1),)"_s;
    // dask's normalize_chunks gives ((0,), ...) here, and so does Chunks::single: one empty block.
    QTest::newRow("zero-length axis") << Shape{0, 4} << qint64(2) << u"((0,), (4,))"_s;
}

void TestChunks::alongFirstAxis()
{
    QFETCH(Shape, shape);
    QFETCH(qint64, chunkExtent);
    QFETCH(QString, expected);

    const Chunks chunks = Chunks::alongFirstAxis(shape, chunkExtent);
    QCOMPARE(extentsText(chunks.allExtents()), expected);
    QCOMPARE(shapeToString(chunks.shape()), shapeToString(shape));
    QCOMPARE(chunks.rank(), int(shape.size()));
}

void TestChunks::single_data()
{
    QTest::addColumn<Shape>("shape");
    QTest::newRow("0-d") << Shape{};
    QTest::newRow("1-d") << Shape{9};
    QTest::newRow("3-d") << Shape{1460, 721, 1440};
    QTest::newRow("empty axis") << Shape{3, 0};
}

void TestChunks::single()
{
    QFETCH(Shape, shape);

    const Chunks chunks = Chunks::single(shape);
    QCOMPARE(shapeToString(chunks.shape()), shapeToString(shape));
    QCOMPARE(chunks.blockCount(), std::int64_t(1));
    QCOMPARE(shapeToString(chunks.gridShape()), shapeToString(Shape(shape.size(), 1)));
    const BlockIndex origin(shape.size(), 0);
    QCOMPARE(shapeToString(chunks.blockShape(origin)), shapeToString(shape));
    QCOMPARE(shapeToString(chunks.blockOffset(origin)), shapeToString(Shape(shape.size(), 0)));
    QCOMPARE(shapeToString(chunks.unflatten(0)), shapeToString(origin));
    QCOMPARE(chunks.flatten(origin), std::int64_t(0));
}

void TestChunks::gridAndBlocks()
{
    QFETCH(Extents, extents);

    const Chunks chunks(extents);
    Shape expectedGrid;
    Shape expectedShape;
    std::int64_t expectedCount = 1;
    for (const auto &axisExtents : extents) {
        expectedGrid.push_back(std::int64_t(axisExtents.size()));
        expectedShape.push_back(std::accumulate(axisExtents.begin(), axisExtents.end(), std::int64_t(0)));
        expectedCount *= std::int64_t(axisExtents.size());
    }
    QCOMPARE(shapeToString(chunks.gridShape()), shapeToString(expectedGrid));
    QCOMPARE(shapeToString(chunks.shape()), shapeToString(expectedShape));
    QCOMPARE(chunks.blockCount(), expectedCount);
    QCOMPARE(extentsText(chunks.allExtents()), extentsText(extents));

    for (const BlockIndex &index : gridInOrder(extents)) {
        Shape shape;
        std::vector<std::int64_t> offset;
        for (std::size_t axis = 0; axis < index.size(); ++axis) {
            shape.push_back(extents[axis][index[axis]]);
            offset.push_back(plainStarts(extents[axis])[index[axis]]);
        }
        QCOMPARE(shapeToString(chunks.blockShape(index)), shapeToString(shape));
        QCOMPARE(shapeToString(chunks.blockOffset(index)), shapeToString(offset));
    }
}

// Every element of the shape lies in exactly one block, found by testing every block.
void TestChunks::blocksTileTheShape()
{
    QFETCH(Extents, extents);

    const Chunks chunks(extents);
    const Shape shape = chunks.shape();
    std::vector<int> covered(std::size_t(elementCount(shape)), 0);
    const std::vector<std::int64_t> strides = rowMajorStrides(shape);
    std::int64_t blockElements = 0;
    for (std::int64_t flat = 0; flat < chunks.blockCount(); ++flat) {
        const BlockIndex index = chunks.unflatten(flat);
        const Shape blockShape = chunks.blockShape(index);
        const std::vector<std::int64_t> offset = chunks.blockOffset(index);
        blockElements += elementCount(blockShape);
        const std::vector<std::int64_t> blockStrides = rowMajorStrides(blockShape);
        for (std::int64_t inBlock = 0; inBlock < elementCount(blockShape); ++inBlock) {
            std::int64_t global = 0;
            for (std::size_t axis = 0; axis < blockShape.size(); ++axis)
                global += (offset[axis] + inBlock / blockStrides[axis] % blockShape[axis]) * strides[axis];
            ++covered[std::size_t(global)];
        }
    }
    QCOMPARE(blockElements, elementCount(shape));
    QVERIFY(std::all_of(covered.begin(), covered.end(), [](int count) { return count == 1; }));
}

void TestChunks::flattenRoundTrip()
{
    QFETCH(Extents, extents);

    const Chunks chunks(extents);
    const std::vector<BlockIndex> inOrder = gridInOrder(extents);
    QCOMPARE(std::int64_t(inOrder.size()), chunks.blockCount());
    for (std::size_t flat = 0; flat < inOrder.size(); ++flat) {
        QCOMPARE(shapeToString(chunks.unflatten(std::int64_t(flat))), shapeToString(inOrder[flat]));
        QCOMPARE(chunks.flatten(inOrder[flat]), std::int64_t(flat));
        QCOMPARE(chunks.flatten(chunks.unflatten(std::int64_t(flat))), std::int64_t(flat));
        QCOMPARE(chunks.blockElementCount(std::int64_t(flat)), elementCount(chunks.blockShape(inOrder[flat])));
    }
}

// Each position of each axis, in particular the first and last of every chunk.
void TestChunks::chunkContaining()
{
    QFETCH(Extents, extents);

    const Chunks chunks(extents);
    for (int axis = 0; axis < chunks.rank(); ++axis) {
        const std::vector<std::int64_t> starts = plainStarts(extents[axis]);
        for (int chunk = 0; chunk < int(extents[axis].size()); ++chunk) {
            QCOMPARE(chunks.chunkStart(axis, chunk), starts[chunk]);
            for (std::int64_t position = starts[chunk]; position < starts[chunk + 1]; ++position) {
                const int found = chunks.chunkContaining(axis, position);
                QVERIFY2(
                    found == chunk,
                    qPrintable(u"axis %1 position %2: chunk %3, expected %4"_s.arg(axis).arg(position).arg(found).arg(chunk)));
            }
        }
    }
}

void TestChunks::describe_data()
{
    QTest::addColumn<Extents>("extents");
    QTest::addColumn<QString>("expected");
    QTest::newRow("0-d") << Extents{} << u"()"_s;
    QTest::newRow("whole axes") << Extents{{721}, {1440}} << u"(721, 1440)"_s;
    QTest::newRow("uniform") << Extents{{4, 4, 4}, {721}, {1440}} << u"(3x4, 721, 1440)"_s;
    QTest::newRow("short last chunk") << Extents{{4, 4, 2}, {5}} << u"(3x4, 5)"_s;
    QTest::newRow("irregular") << Extents{{3, 1, 8}, {2, 3}} << u"(3 chunks, 2 chunks)"_s;
    QTest::newRow("no chunks") << Extents{{}, {3}} << u"(0 chunks, 3)"_s;
}

void TestChunks::describe()
{
    QFETCH(Extents, extents);
    QFETCH(QString, expected);
    QCOMPARE(Chunks(extents).describe(), expected);
}

void TestChunks::blockKey_data()
{
    QTest::addColumn<QString>("arrayName");
    QTest::addColumn<BlockIndex>("index");
    QTest::addColumn<QString>("expected");
    QTest::newRow("3-d") << u"x"_s << BlockIndex{3, 0, 0} << u"x:3.0.0"_s;
    QTest::newRow("1-d") << u"x"_s << BlockIndex{12} << u"x:12"_s;
    QTest::newRow("0-d") << u"mean"_s << BlockIndex{} << u"mean:"_s;
    QTest::newRow("dotted prefix") << u"op7.n2"_s << BlockIndex{1, 22} << u"op7.n2:1.22"_s;
}

void TestChunks::blockKey()
{
    QFETCH(QString, arrayName);
    QFETCH(BlockIndex, index);
    QFETCH(QString, expected);
    QCOMPARE(tessera::blockKey(arrayName, index), expected);
}

// Every block of an uneven grid against regions that cover it whole, miss by one element at
// either end, step, drop an axis or have the wrong rank: as isWhole over the block's shape says.
void TestChunks::isWholeBlockAgreesWithIsWhole()
{
    const Chunks chunks(Extents{{4, 4, 2}, {5}, {3, 3}});
    int whole = 0;
    for (const BlockIndex &index : gridInOrder(chunks.allExtents())) {
        const Shape shape = chunks.blockShape(index);
        std::vector<Region> regions;
        Region all;
        for (std::int64_t length : shape)
            all.push_back(AxisSlice::whole(length));
        regions.push_back(all);
        for (std::size_t axis = 0; axis < shape.size(); ++axis) {
            Region shorter = all;
            shorter[axis].count -= 1;
            Region later = shorter;
            later[axis].start = 1;
            Region stepped = all;
            stepped[axis].step = 2;
            Region dropped = all;
            dropped[axis].drop = true;
            regions.insert(regions.end(), {shorter, later, stepped, dropped});
        }
        regions.push_back(Region(all.begin(), all.end() - 1));
        regions.push_back({});
        for (const Region &region : regions) {
            QCOMPARE(chunks.isWholeBlock(index, region), isWhole(region, shape));
            whole += isWhole(region, shape);
        }
    }
    QCOMPARE(whole, 6); // each block's own whole region, and no other
}

QTEST_APPLESS_MAIN(TestChunks)
#include "tst_chunks.moc"
