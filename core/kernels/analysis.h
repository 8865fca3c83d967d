// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/ndarray.h"
#include "core/region.h"
#include "core/status.h"

#include <vector>

namespace tessera {

// Kernels for the analyses that need every step of one dimension (all of time) in one block:
// rechunking gathers them, the others read a block as (before, steps, after) around that axis.

// Rechunk: the output block is a grid of pieces (`grid` pieces along each axis), piece i a
// region of blocks[i] (an empty region: the whole block, already cut by its owner). Where each
// piece goes follows from the grid: along an axis, a piece starts where the pieces before it in
// that row end. checkPieces says whether the pieces tile `outShape` exactly (each cell written
// once, none left uninitialised); assemblePieces assumes they do.
Status checkPieces(const std::vector<Shape> &pieceShapes, const Shape &grid, const Shape &outShape);
NdArray assemblePieces(const std::vector<NdArray> &blocks, const std::vector<Region> &regions, const Shape &grid,
                       const Shape &outShape);

// numpy's nanquantile (the default 'linear' method) of each cell along `axis`; a cell with no
// values is NaN. The result drops `axis` and, when `leadingAxis`, gains one of q.size() in front.
NdArray quantileAlong(const NdArray &block, int axis, const std::vector<double> &q, bool leadingAxis);

// Least-squares polynomial of `degree` through (x[t], block[..., t, ...]) for each cell along
// `axis`, skipping NaN; coefficients highest degree first along a new leading axis, as xarray's
// polyfit. Solved by a column-pivoting QR of the Vandermonde matrix of x centred and scaled
// (never the normal equations on raw x); a cell with fewer than degree + 1 values is NaN.
NdArray polyfitAlong(const NdArray &block, int axis, const std::vector<double> &x, int degree);

// EOF parts. The anomaly of a cell is its values minus their mean along `axis` (NaN counts as a
// zero anomaly). gramAlong: the steps x steps matrix A A^T of one block's anomalies A (steps x
// cells); the sum of it over blocks is the whole field's. eigenModes: the `modes` largest
// eigenpairs of that sum, as rows [eigenvalue, trace, eigenvector...] (modes x (steps + 2)),
// each eigenvector's largest-magnitude element positive. projectAlong: each mode's spatial
// pattern A^T u / sqrt(eigenvalue) over the block's cells, (modes,) + the block's shape without
// `axis`; a cell with no values is NaN.
NdArray gramAlong(const NdArray &block, int axis);
NdArray eigenModes(const NdArray &gram, int modes);
NdArray projectAlong(const NdArray &block, int axis, const NdArray &modes);

} // namespace tessera
