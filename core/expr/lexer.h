// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/status.h"

#include <QString>
#include <QStringView>

#include <cstdint>
#include <vector>

namespace tessera {

// One token of the expression language. The parser works on the whole token list, so it can
// look ahead (e.g. `NAME '='` for an assignment) without re-scanning text.
struct ExprToken
{
    enum class Kind {
        Number,
        Name,
        Plus,
        Minus,
        Star,
        Slash,
        LeftParen,
        RightParen,
        LeftBracket,
        RightBracket,
        Comma,
        Colon,
        Dot,
        Ellipsis,
        Equals,
        String,       // 'time' or "2014-06": text holds what is between the quotes
        DoubleStar,   // **
        Less,         // <
        LessEqual,    // <=
        Greater,      // >
        GreaterEqual, // >=
        EqualEqual,   // ==
        NotEqual,     // !=
        Ampersand,    // &
        Pipe,         // |
        Tilde,        // ~
        End,
    };

    Kind kind = Kind::End;
    int column = 0;           // 1-based; End sits one past the last character
    QString text;             // as written, for messages and names
    double number = 0;        // Number
    bool isInteger = false;   // Number written without '.' or exponent
    bool fitsInt64 = false;   // isInteger and representable as std::int64_t
    std::int64_t integer = 0; // Number, when fitsInt64

    // "end of input", "'*'", "number '1.5'", "name 'y'": the "found ..." part of a message.
    QString describe() const;
};

// Splits text into tokens ending with one End token. Errors are ErrorCode::Syntax and start
// with "column N: ", like the parser's.
Result<std::vector<ExprToken>> tokenizeExpression(QStringView text);

// "column 7: " + message, the prefix every expression error carries.
Status syntaxError(int column, const QString &message);

} // namespace tessera
