// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// A task from the wire against inputs of arbitrary shapes, as a worker runs it: what passes
// fromCbor() and checkTaskInputs() must run its kernel without touching memory outside its
// inputs (the sanitizers watch) and make exactly the declared shape. The same for a get's region.

#include "fuzzcheck.h"

#include "net/protocol/cborfields.h"
#include "net/protocol/taskmessages.h"
#include "net/protocol/wiremap.h"
#include "net/worker/taskcheck.h"
#include "net/worker/taskcompute.h"

#include "core/kernels/slice.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

using namespace tessera;

namespace {

constexpr std::int64_t maxElements = 1 << 12;

// Arrays small enough to run on, with a NaN now and then so both kernel paths are taken.
std::optional<NdArray> makeInput(const WireValue &shapeValue, std::size_t salt)
{
    const Result<Shape> shape = wire::shapeFromCborChecked(shapeValue);
    if (!shape.isOk() || shape->size() > 6 || elementCount(*shape) > maxElements)
        return std::nullopt;
    NdArray array(*shape);
    for (std::int64_t i = 0; i < array.size(); ++i)
        array.data()[i] = (i + std::int64_t(salt)) % 17 == 0 ? std::numeric_limits<double>::quiet_NaN() : double(i % 11) - 3.5;
    array.setMayHaveNan(salt % 2 == 0);
    return array;
}

void runTask(const WireMap &request, const WireList &shapes)
{
    const Result<wire::TaskRequest> task = wire::TaskRequest::fromCbor(request);
    if (!task.isOk() || elementCount(task->task.outputShape) > 64 * maxElements)
        return;
    std::vector<NdArray> inputs;
    std::vector<Region> regions;
    for (std::size_t i = 0; i < task->task.inputs.size(); ++i) {
        std::optional<NdArray> input = makeInput(shapes.at(qsizetype(i)), i);
        if (!input)
            return;
        inputs.push_back(std::move(*input));
        regions.push_back(task->task.inputs[i].region);
    }
    if (!checkTaskInputs(task->task, inputs, regions).isOk())
        return;
    for (bool transient : {false, true}) {
        const Result<NdArray> output = computeTask(task->task, inputs, regions, transient);
        FUZZ_CHECK(output.isOk());
        FUZZ_CHECK(output->shape() == task->task.outputShape);
    }
}

void runRegion(const WireValue &regionValue, const WireValue &shapeValue)
{
    const Result<Region> region = wire::regionFromCborChecked(regionValue);
    std::optional<NdArray> block = makeInput(shapeValue, 1);
    if (!region.isOk() || !block || !checkRegion(*region, block->shape()).isOk())
        return;
    const NdArray part = sliceArray(*block, *region);
    FUZZ_CHECK(part.shape() == regionShape(*region));
}

} // namespace

// Input: CBOR [task request, [input shape, ...]] or [region, block shape].
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // Read as parseFrameHead() reads a header, the input being the value of a one-entry map.
    const Result<WireMap> wrapped =
        WireMap::fromCbor(QByteArray::fromHex("a16176") + QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!wrapped.isOk())
        return 0;
    const WireList parts = wrapped->value(QLatin1StringView("v")).toArray();
    if (parts.size() != 2)
        return 0;
    if (parts.at(0).isMap() && parts.at(1).isArray())
        runTask(parts.at(0).toMap(), parts.at(1).toArray());
    else
        runRegion(parts.at(0), parts.at(1));
    return 0;
}
