// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/lexer.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isNameStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || isAsciiDigit(c);
}

QChar charAt(QStringView text, qsizetype pos)
{
    return pos < text.size() ? text[pos] : QChar();
}

// An exponent starts at pos when it reads e/E, an optional sign, then a digit.
bool exponentAt(QStringView text, qsizetype pos)
{
    const QChar e = charAt(text, pos);
    if (e != u'e' && e != u'E')
        return false;
    qsizetype digitPos = pos + 1;
    if (charAt(text, digitPos) == u'+' || charAt(text, digitPos) == u'-')
        ++digitPos;
    return isAsciiDigit(charAt(text, digitPos));
}

// Scans a number starting at `start` (a digit, or '.' followed by a digit).
Result<ExprToken> scanNumber(QStringView text, qsizetype start, qsizetype &pos)
{
    ExprToken token;
    token.kind = ExprToken::Kind::Number;
    token.column = int(start) + 1;
    bool integral = true;
    while (isAsciiDigit(charAt(text, pos)))
        ++pos;
    if (charAt(text, pos) == u'.') {
        // "1.5", "1.", "1.e3" are numbers; in "1..." or "1.mean()" the dot belongs to what follows.
        const QChar next = charAt(text, pos + 1);
        if (isAsciiDigit(next) || exponentAt(text, pos + 1) || (!isNameChar(next) && next != u'.')) {
            integral = false;
            ++pos;
            while (isAsciiDigit(charAt(text, pos)))
                ++pos;
        }
    }
    const QChar e = charAt(text, pos);
    if (e == u'e' || e == u'E') {
        if (!exponentAt(text, pos)) {
            const QString written = text.sliced(start, pos + 1 - start).toString();
            return syntaxError(token.column, u"malformed number '%1'; write an exponent like 1e-3"_s.arg(written));
        }
        integral = false;
        pos += 2; // 'e' and the sign or first digit
        while (isAsciiDigit(charAt(text, pos)))
            ++pos;
    }
    token.text = text.sliced(start, pos - start).toString();
    bool ok = false;
    token.number = token.text.toDouble(&ok);
    if (!ok || !std::isfinite(token.number))
        return syntaxError(token.column, u"number '%1' is too large"_s.arg(token.text));
    token.isInteger = integral;
    if (integral)
        token.integer = token.text.toLongLong(&token.fitsInt64);
    return token;
}

ExprToken punctuation(ExprToken::Kind kind, qsizetype start, QStringView written)
{
    ExprToken token;
    token.kind = kind;
    token.column = int(start) + 1;
    token.text = written.toString();
    return token;
}

// "**", "<=", ">=", "==", "!=", or End when the two characters are no such pair.
ExprToken::Kind twoCharacterKind(QChar first, QChar second)
{
    using Kind = ExprToken::Kind;
    if (first == u'*' && second == u'*')
        return Kind::DoubleStar;
    if (second != u'=')
        return Kind::End;
    switch (first.unicode()) {
    case u'<': return Kind::LessEqual;
    case u'>': return Kind::GreaterEqual;
    case u'=': return Kind::EqualEqual;
    case u'!': return Kind::NotEqual;
    default: return Kind::End;
    }
}

} // namespace

QString ExprToken::describe() const
{
    switch (kind) {
    case Kind::End: return u"end of input"_s;
    case Kind::Number: return u"number '%1'"_s.arg(text);
    case Kind::Name: return u"name '%1'"_s.arg(text);
    case Kind::String: return u"text '%1'"_s.arg(text);
    default: return u"'%1'"_s.arg(text);
    }
}

Status syntaxError(int column, const QString &message)
{
    return makeError(ErrorCode::Syntax, u"column %1: %2"_s.arg(column).arg(message));
}

Result<std::vector<ExprToken>> tokenizeExpression(QStringView text)
{
    using Kind = ExprToken::Kind;
    std::vector<ExprToken> tokens;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const QChar c = text[pos];
        const qsizetype start = pos;
        if (c.isSpace()) {
            ++pos;
            continue;
        }
        if (isAsciiDigit(c) || (c == u'.' && isAsciiDigit(charAt(text, pos + 1)))) {
            Result<ExprToken> number = scanNumber(text, start, pos);
            if (!number)
                return number.status();
            tokens.push_back(std::move(number).value());
            continue;
        }
        if (isNameStart(c)) {
            while (isNameChar(charAt(text, pos)))
                ++pos;
            tokens.push_back(punctuation(Kind::Name, start, text.sliced(start, pos - start)));
            continue;
        }
        if (c == u'.' && charAt(text, pos + 1) == u'.' && charAt(text, pos + 2) == u'.') {
            pos += 3;
            tokens.push_back(punctuation(Kind::Ellipsis, start, text.sliced(start, 3)));
            continue;
        }
        if (c == u'\'' || c == u'"') {
            const qsizetype close = text.indexOf(c, pos + 1);
            if (close < 0)
                return syntaxError(int(start) + 1, u"text starting with %1 has no closing %1"_s.arg(c));
            tokens.push_back(punctuation(Kind::String, start, text.sliced(pos + 1, close - pos - 1)));
            pos = close + 1;
            continue;
        }
        if (const Kind pair = twoCharacterKind(c, charAt(text, pos + 1)); pair != Kind::End) {
            pos += 2;
            tokens.push_back(punctuation(pair, start, text.sliced(start, 2)));
            continue;
        }
        Kind kind = Kind::End;
        switch (c.unicode()) {
        case u'+': kind = Kind::Plus; break;
        case u'-': kind = Kind::Minus; break;
        case u'*': kind = Kind::Star; break;
        case u'/': kind = Kind::Slash; break;
        case u'(': kind = Kind::LeftParen; break;
        case u')': kind = Kind::RightParen; break;
        case u'[': kind = Kind::LeftBracket; break;
        case u']': kind = Kind::RightBracket; break;
        case u',': kind = Kind::Comma; break;
        case u':': kind = Kind::Colon; break;
        case u'.': kind = Kind::Dot; break;
        case u'=': kind = Kind::Equals; break;
        case u'<': kind = Kind::Less; break;
        case u'>': kind = Kind::Greater; break;
        case u'&': kind = Kind::Ampersand; break;
        case u'|': kind = Kind::Pipe; break;
        case u'~': kind = Kind::Tilde; break;
        default: {
            // Show a character outside the BMP whole rather than half a surrogate pair.
            const qsizetype width = c.isHighSurrogate() && pos + 1 < text.size() ? 2 : 1;
            return syntaxError(int(start) + 1, u"unexpected character '%1'"_s.arg(text.sliced(start, width)));
        }
        }
        ++pos;
        tokens.push_back(punctuation(kind, start, text.sliced(start, 1)));
    }
    ExprToken end;
    end.column = int(text.size()) + 1;
    tokens.push_back(end);
    return tokens;
}

} // namespace tessera
