// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The statements tst_seed evaluates on the cluster, each with its reference computed from the
// stacked file values by plain loops (reference.h), and how closely the two must agree.

#include "reference.h"
#include "sessionhelpers.h"

#include <QString>

#include <cmath>
#include <functional>
#include <vector>

namespace seed {

using Ref = reference::Array;
using reference::all;
using reference::at;
using reference::range;
using reference::Reduce;

struct SeedCase
{
    const char *row;
    QString statement;
    std::function<Ref(const Ref &x)> expected;
    double relative;  // 0: bit-for-bit
    double floor = 0; // of the tolerance's scale, for values near zero
};

inline const std::vector<SeedCase> &seedCases()
{
    using reference::combine;
    using reference::reduce;
    using reference::select;
    static const std::vector<SeedCase> cases{
        {"x itself", QStringLiteral("x"), [](const Ref &x) { return x; }, 0},
        {"seed x[0,0,0]", QStringLiteral("x[0,0,0]"),
         [](const Ref &x) {
        return select(x, {at(0), at(0), at(0)});
         },
         0},
        {"seed x[13,:,:]", QStringLiteral("x[13,:,:]"),
         [](const Ref &x) {
        return select(x, {at(13), all(), all()});
         },
         0},
        {"negative indices", QStringLiteral("x[-1, -73, -1]"),
         [](const Ref &x) {
        return select(x, {at(-1), at(-73), at(-1)});
         },
         0},
        {"negative plane", QStringLiteral("x[-7]"), [](const Ref &x) { return select(x, {at(-7)}); }, 0},
        {"slices with steps", QStringLiteral("x[1:19:5, ::4, 100:10:-9]"),
         [](const Ref &x) {
        return select(x, {range(1, 19, 5), range({}, {}, 4), range(100, 10, -9)});
         },
         0},
        {"reversed time", QStringLiteral("x[::-1, 36, :]"),
         [](const Ref &x) {
        return select(x, {range({}, {}, -1), at(36), all()});
         },
         0},
        {"ellipsis", QStringLiteral("x[..., 5]"),
         [](const Ref &x) {
        return select(x, {all(), all(), at(5)});
         },
         0},
        {"seed x.sum()", QStringLiteral("x.sum()"), [](const Ref &x) { return reduce(x, Reduce::Sum, reference::everyAxis(x)); },
         1e-12},
        {"seed x.mean(axis=(1,2))", QStringLiteral("x.mean(axis=(1,2))"),
         [](const Ref &x) {
        return reduce(x, Reduce::Mean, {1, 2});
         },
         1e-12},
        {"seed x.mean(axis=[1, 2])", QStringLiteral("x.mean(axis=[1, 2])"),
         [](const Ref &x) {
        return reduce(x, Reduce::Mean, {1, 2});
         },
         1e-12},
        {"seed x.mean(axis=0)", QStringLiteral("x.mean(axis=0)"), [](const Ref &x) { return reduce(x, Reduce::Mean, {0}); },
         1e-12},
        {"seed x.std(axis=0)", QStringLiteral("x.std(axis=0)"), [](const Ref &x) { return reduce(x, Reduce::Std, {0}); }, 1e-12},
        {"mean", QStringLiteral("x.mean()"),
         [](const Ref &x) {
        return reduce(x, Reduce::Mean, {0, 1, 2});
         },
         1e-12},
        {"var", QStringLiteral("x.var()"),
         [](const Ref &x) {
        return reduce(x, Reduce::Var, {0, 1, 2});
         },
         1e-12},
        {"std ddof 1 over time and longitude", QStringLiteral("x.std(axis=(0, 2), ddof=1)"),
         [](const Ref &x) {
        return reduce(x, Reduce::Std, {0, 2}, 1);
         },
         1e-12},
        {"var over latitude", QStringLiteral("x.var(axis=1)"), [](const Ref &x) { return reduce(x, Reduce::Var, {1}); }, 1e-12},
        {"mean over the last axis", QStringLiteral("x.mean(axis=-1)"), [](const Ref &x) { return reduce(x, Reduce::Mean, {2}); },
         1e-12},
        {"min", QStringLiteral("x.min()"),
         [](const Ref &x) {
        return reduce(x, Reduce::Min, {0, 1, 2});
         },
         0},
        {"max", QStringLiteral("x.max()"),
         [](const Ref &x) {
        return reduce(x, Reduce::Max, {0, 1, 2});
         },
         0},
        {"min over time", QStringLiteral("x.min(axis=0)"), [](const Ref &x) { return reduce(x, Reduce::Min, {0}); }, 0},
        {"max over space", QStringLiteral("x.max(axis=(-1, -2))"),
         [](const Ref &x) {
        return reduce(x, Reduce::Max, {1, 2});
         },
         0},
        {"sum over time", QStringLiteral("x.sum(axis=0)"), [](const Ref &x) { return reduce(x, Reduce::Sum, {0}); }, 1e-12},
        {"celsius", QStringLiteral("x - 273.15"),
         [](const Ref &x) { return reference::map(x, [](double v) { return v - 273.15; }); }, 0},
        {"negated max", QStringLiteral("(-x).max()"),
         [](const Ref &x) {
        return reduce(reference::map(x, [](double v) { return -v; }), Reduce::Max, {0, 1, 2});
         },
         0},
        {"two days apart", QStringLiteral("2 * x[0] - x[19]"),
         [](const Ref &x) {
        const Ref doubled = reference::map(select(x, {at(0)}), [](double v) { return 2 * v; });
        return combine(doubled, select(x, {at(19)}), [](double a, double b) { return a - b; });
         },
         1e-15, 300},
        {"anomaly from the time mean", QStringLiteral("x - x.mean(axis=0)"),
         [](const Ref &x) { return combine(x, reduce(x, Reduce::Mean, {0}), [](double a, double b) { return a - b; }); }, 1e-12,
         300},
        {"sqrt of abs", QStringLiteral("sqrt(abs(x - 273.15)).mean(axis=0)"),
         [](const Ref &x) {
        return reduce(reference::map(x, [](double v) { return std::sqrt(std::abs(v - 273.15)); }), Reduce::Mean, {0});
         },
         1e-12},
        {"mean of a slice", QStringLiteral("x[::2, 10:20].mean(axis=(0, 1))"),
         [](const Ref &x) {
        return reduce(select(x, {range({}, {}, 2), range(10, 20)}), Reduce::Mean, {0, 1});
         },
         1e-12},
        {"standardized anomaly", QStringLiteral("((x - x.mean(axis=0)) / x.std(axis=0)).max(axis=0)"),
         [](const Ref &x) {
        const Ref anomaly = combine(x, reduce(x, Reduce::Mean, {0}), [](double a, double b) { return a - b; });
        const Ref scaled = combine(anomaly, reduce(x, Reduce::Std, {0}), [](double a, double b) { return a / b; });
        return reduce(scaled, Reduce::Max, {0});
         },
         1e-9},
        {"reversed longitudes summed", QStringLiteral("x[..., ::-1].sum(axis=-1)"),
         [](const Ref &x) {
        return reduce(select(x, {all(), all(), range({}, {}, -1)}), Reduce::Sum, {2});
         },
         1e-12},
        {"largest deviation", QStringLiteral("abs(x - x.mean()).max()"),
         [](const Ref &x) {
        const double mean = reduce(x, Reduce::Mean, {0, 1, 2}).scalar();
        return reduce(reference::map(x, [mean](double v) { return std::abs(v - mean); }), Reduce::Max, {0, 1, 2});
         },
         1e-12, 300},
        {"seed y = x - x.mean()", QStringLiteral("y = x - x.mean()"),
         [](const Ref &x) {
        return combine(x, reduce(x, Reduce::Mean, {0, 1, 2}), [](double a, double b) { return a - b; });
         },
         1e-12, 300},
        };
    return cases;
}

// Runs the seed experiment's own statements (the rows named "seed ...") on `session`, whose x
// holds `x`: each answer against its reference, and the partials of x.mean(axis=0) combined across
// workers. Returns the first problem, or "".
inline QString seedStatementProblems(tessera::ClusterSession &session, const Ref &x)
{
    for (const SeedCase &seedCase : seedCases()) {
        if (!QString::fromLatin1(seedCase.row).startsWith(QStringLiteral("seed")))
            continue;
        const integration::Evaluated result = integration::evaluate(session, seedCase.statement);
        if (!result.status.isOk())
            return seedCase.statement + QStringLiteral(": ") + result.status.message();
        if (result.result.gathered) {
            const QString problem =
                reference::mismatch(result.result.value, seedCase.expected(x), seedCase.relative, seedCase.floor);
            if (!problem.isEmpty())
                return seedCase.statement + QStringLiteral(": ") + problem;
        }
        if (seedCase.statement == QStringLiteral("x.mean(axis=0)") && result.report.peerBytes <= 0)
            return QStringLiteral("x.mean(axis=0): the combine fetched nothing from another worker");
    }
    return {};
}

} // namespace seed
