// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/plan/taskgraph.h"
#include "core/region.h"
#include "core/status.h"

#include <vector>

namespace tessera {

// What a kernel may assume, checked on the worker before it runs a task that came over the
// wire: every region lies inside its block; the inputs' shapes fit the kernel (operands that
// broadcast, reduced axes inside the rank, partial states of one shape with the reduction's
// components); and the output they make has the shape the task declared (and reserved memory
// for). The message names the task and what does not fit.
Status checkTaskInputs(const Task &task, const std::vector<NdArray> &inputs, const std::vector<Region> &regions);

} // namespace tessera
