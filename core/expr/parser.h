// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/expr/expression.h"
#include "core/status.h"

#include <QStringView>

namespace tessera {

// Parses one statement. Errors are ErrorCode::Syntax with the 1-based column and what was
// expected, e.g. "column 9: expected ')' to close '(' at column 3".
Result<Statement> parseStatement(QStringView text);

} // namespace tessera
