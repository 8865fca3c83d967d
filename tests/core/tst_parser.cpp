// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/expr/expression.h"
#include "core/expr/parser.h"

#include <QLocale>
#include <QStringList>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace tessera;

namespace {

QString itemDump(const IndexItem &item)
{
    const auto part = [](const std::optional<std::int64_t> &value) {
        return value ? QString::number(*value) : QString();
    };
    switch (item.kind) {
    case IndexItem::Kind::Integer: return QString::number(item.index);
    case IndexItem::Kind::Ellipsis: return u"..."_s;
    case IndexItem::Kind::Slice:
        return part(item.start) + u":"_s + part(item.stop) + (item.step ? u":"_s + part(item.step) : QString());
    }
    return u"?"_s;
}

QString dump(const Expr &expr, bool withColumns = false);

QString argumentDump(const CallArgument &argument)
{
    QString text = argument.keyword.isEmpty() ? QString() : argument.keyword + u"="_s;
    QStringList items;
    for (const CallArgument &item : argument.items)
        items << argumentDump(item);
    switch (argument.kind) {
    case CallArgument::Kind::Expression: return text + dump(*argument.expr, false);
    case CallArgument::Kind::Text: return text + u"'"_s + argument.text + u"'"_s;
    case CallArgument::Kind::None: return text + u"None"_s;
    case CallArgument::Kind::Slice: return text + u"slice["_s + items.join(u',') + u"]"_s;
    case CallArgument::Kind::Tuple: return text + u"tuple["_s + items.join(u',') + u"]"_s;
    }
    return text;
}

// A prefix form written independently of Expr::toString, so the tests can pin the tree's
// structure; `@N` marks columns when asked for.
QString dump(const Expr &expr, bool withColumns)
{
    const QString at = withColumns ? u"@"_s + QString::number(expr.column) : QString();
    QStringList parts;
    switch (expr.kind) {
    case Expr::Kind::Number: return QString::number(expr.number, 'g', QLocale::FloatingPointShortest) + at;
    case Expr::Kind::Name: return expr.name + at;
    case Expr::Kind::Unary: parts << (expr.unaryOp == UnaryOp::Negate ? u"neg"_s : unaryOpName(expr.unaryOp)) + at; break;
    case Expr::Kind::Binary: parts << binaryOpName(expr.binaryOp) + at; break;
    case Expr::Kind::Reduce: parts << reduceOpName(expr.reduceOp) + at; break;
    case Expr::Kind::Index: parts << u"index"_s + at; break;
    case Expr::Kind::Where: parts << u"where"_s + at; break;
    case Expr::Kind::Coordinate: parts << u"coord:"_s + expr.name + at; break;
    case Expr::Kind::Call: parts << u"call:"_s + expr.call->method + at; break;
    case Expr::Kind::Constant:
    case Expr::Kind::GroupReduce:
    case Expr::Kind::GroupBinary:
    case Expr::Kind::Analysis: parts << u"checked-only"_s; break;
    }
    for (const std::unique_ptr<Expr> &operand : expr.operands)
        parts << dump(*operand, withColumns);
    if (expr.kind == Expr::Kind::Reduce) {
        if (expr.axes) {
            QStringList axes;
            for (int axis : *expr.axes)
                axes << QString::number(axis);
            parts << u"axis=["_s + axes.join(u',') + u"]"_s;
        }
        if (!expr.reduceDims.empty())
            parts << u"dim=["_s + QStringList(expr.reduceDims.begin(), expr.reduceDims.end()).join(u',') + u"]"_s;
        if (expr.ddof != 0)
            parts << u"ddof="_s + QString::number(expr.ddof);
    }
    if (expr.kind == Expr::Kind::Call) {
        for (const CallArgument &argument : expr.call->arguments)
            parts << argumentDump(argument);
    }
    for (const IndexItem &item : expr.indices)
        parts << itemDump(item) + (withColumns ? u"@"_s + QString::number(item.column) : QString());
    return u"("_s + parts.join(u' ') + u")"_s;
}

} // namespace

class TestParser : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void roundTrips_data();
    void roundTrips();
    void columns_data();
    void columns();
    void errors_data();
    void errors();
    void builtTreesPrint_data();
    void builtTreesPrint();
    void limitsDeepNesting();
    void limitsLongChains();
};

void TestParser::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("tree");
    QTest::addColumn<QString>("printed");

    // The seed expressions of the workbench.
    QTest::newRow("seed x[0,0,0]") << u"x[0,0,0]"_s << QString() << u"(index x 0 0 0)"_s << u"x[0, 0, 0]"_s;
    QTest::newRow("seed x[100,:,:]") << u"x[100,:,:]"_s << QString() << u"(index x 100 : :)"_s << u"x[100, :, :]"_s;
    QTest::newRow("seed x.sum()") << u"x.sum()"_s << QString() << u"(sum x)"_s << u"x.sum()"_s;
    QTest::newRow("seed mean tuple") << u"x.mean(axis=(1,2))"_s << QString() << u"(mean x axis=[1,2])"_s
                                     << u"x.mean(axis=(1, 2))"_s;
    QTest::newRow("seed mean list") << u"x.mean(axis=[1, 2])"_s << QString() << u"(mean x axis=[1,2])"_s
                                    << u"x.mean(axis=(1, 2))"_s;
    QTest::newRow("seed mean axis 0") << u"x.mean(axis=0)"_s << QString() << u"(mean x axis=[0])"_s << u"x.mean(axis=0)"_s;
    QTest::newRow("seed anomaly") << u"x - x.mean()"_s << QString() << u"(- x (mean x))"_s << u"(x - x.mean())"_s;
    QTest::newRow("seed assignment") << u"y = x - x.mean()"_s << u"y"_s << u"(- x (mean x))"_s << u"(x - x.mean())"_s;
    QTest::newRow("seed std") << u"x.std(axis=0)"_s << QString() << u"(std x axis=[0])"_s << u"x.std(axis=0)"_s;

    // Precedence and associativity, as in Python.
    QTest::newRow("mul before add") << u"1 + 2 * x"_s << QString() << u"(+ 1 (* 2 x))"_s << u"(1 + (2 * x))"_s;
    QTest::newRow("method before minus") << u"-x.mean()"_s << QString() << u"(neg (mean x))"_s << u"-x.mean()"_s;
    QTest::newRow("parens first") << u"(a+b)/c"_s << QString() << u"(/ (+ a b) c)"_s << u"((a + b) / c)"_s;
    QTest::newRow("sub left assoc") << u"a - b - c"_s << QString() << u"(- (- a b) c)"_s << u"((a - b) - c)"_s;
    QTest::newRow("div left assoc") << u"a / b * c"_s << QString() << u"(* (/ a b) c)"_s << u"((a / b) * c)"_s;
    QTest::newRow("minus minus") << u"a - -b"_s << QString() << u"(- a (neg b))"_s << u"(a - -b)"_s;
    QTest::newRow("sign before mul") << u"-2 * x"_s << QString() << u"(* (neg 2) x)"_s << u"(-2 * x)"_s;
    QTest::newRow("unary plus") << u"+x"_s << QString() << u"x"_s << u"x"_s;
    QTest::newRow("double negate") << u"--x"_s << QString() << u"(neg (neg x))"_s << u"--x"_s;
    QTest::newRow("negated group") << u"-(a + b)"_s << QString() << u"(neg (+ a b))"_s << u"-(a + b)"_s;

    // Functions, methods and indexing chained.
    QTest::newRow("sqrt") << u"sqrt(x)"_s << QString() << u"(sqrt x)"_s << u"sqrt(x)"_s;
    QTest::newRow("abs of sum") << u"abs(x - 1)"_s << QString() << u"(abs (- x 1))"_s << u"abs(x - 1)"_s;
    QTest::newRow("abs of negate") << u"abs(-x)"_s << QString() << u"(abs (neg x))"_s << u"abs(-x)"_s;
    QTest::newRow("method on function") << u"sqrt(x).mean(0)"_s << QString() << u"(mean (sqrt x) axis=[0])"_s
                                        << u"sqrt(x).mean(axis=0)"_s;
    QTest::newRow("method on group") << u"(x - 1).sum()"_s << QString() << u"(sum (- x 1))"_s << u"(x - 1).sum()"_s;
    QTest::newRow("method on negate") << u"(-x).max()"_s << QString() << u"(max (neg x))"_s << u"(-x).max()"_s;
    QTest::newRow("method on number") << u"(2).min()"_s << QString() << u"(min 2)"_s << u"(2).min()"_s;
    QTest::newRow("method after index") << u"x[0].mean()"_s << QString() << u"(mean (index x 0))"_s << u"x[0].mean()"_s;
    QTest::newRow("index after method") << u"x.mean(axis=0)[5]"_s << QString() << u"(index (mean x axis=[0]) 5)"_s
                                        << u"x.mean(axis=0)[5]"_s;
    QTest::newRow("index twice") << u"x[0][1]"_s << QString() << u"(index (index x 0) 1)"_s << u"x[0][1]"_s;

    // Method arguments.
    QTest::newRow("negative axis") << u"x.mean(axis=-1)"_s << QString() << u"(mean x axis=[-1])"_s << u"x.mean(axis=-1)"_s;
    QTest::newRow("one-tuple axis") << u"x.mean(axis=(1,))"_s << QString() << u"(mean x axis=[1])"_s << u"x.mean(axis=1)"_s;
    QTest::newRow("axis None") << u"x.sum(axis=None)"_s << QString() << u"(sum x)"_s << u"x.sum()"_s;
    QTest::newRow("empty axis tuple") << u"x.sum(axis=())"_s << QString() << u"(sum x axis=[])"_s << u"x.sum(axis=())"_s;
    QTest::newRow("positional axis") << u"x.sum(0)"_s << QString() << u"(sum x axis=[0])"_s << u"x.sum(axis=0)"_s;
    QTest::newRow("positional tuple") << u"x.mean((1,2))"_s << QString() << u"(mean x axis=[1,2])"_s << u"x.mean(axis=(1, 2))"_s;
    QTest::newRow("positional None") << u"x.max(None)"_s << QString() << u"(max x)"_s << u"x.max()"_s;
    QTest::newRow("trailing comma") << u"x.sum(0,)"_s << QString() << u"(sum x axis=[0])"_s << u"x.sum(axis=0)"_s;
    QTest::newRow("std ddof") << u"x.std(axis=0, ddof=1)"_s << QString() << u"(std x axis=[0] ddof=1)"_s
                              << u"x.std(axis=0, ddof=1)"_s;
    QTest::newRow("var ddof first") << u"x.var(ddof=1, axis=(0, 2))"_s << QString() << u"(var x axis=[0,2] ddof=1)"_s
                                    << u"x.var(axis=(0, 2), ddof=1)"_s;
    QTest::newRow("std positional ddof") << u"x.std(1, ddof=2)"_s << QString() << u"(std x axis=[1] ddof=2)"_s
                                         << u"x.std(axis=1, ddof=2)"_s;

    // Index items.
    QTest::newRow("negative index") << u"x[-1]"_s << QString() << u"(index x -1)"_s << u"x[-1]"_s;
    QTest::newRow("open stop") << u"x[1:]"_s << QString() << u"(index x 1:)"_s << u"x[1:]"_s;
    QTest::newRow("negative stop") << u"x[:-1]"_s << QString() << u"(index x :-1)"_s << u"x[:-1]"_s;
    QTest::newRow("step only") << u"x[::2]"_s << QString() << u"(index x ::2)"_s << u"x[::2]"_s;
    QTest::newRow("reverse") << u"x[::-1]"_s << QString() << u"(index x ::-1)"_s << u"x[::-1]"_s;
    QTest::newRow("full slice") << u"x[1:10:2]"_s << QString() << u"(index x 1:10:2)"_s << u"x[1:10:2]"_s;
    QTest::newRow("empty step part") << u"x[1:10:]"_s << QString() << u"(index x 1:10)"_s << u"x[1:10]"_s;
    QTest::newRow("negative bounds") << u"x[-3:-1]"_s << QString() << u"(index x -3:-1)"_s << u"x[-3:-1]"_s;
    QTest::newRow("plus sign index") << u"x[+2]"_s << QString() << u"(index x 2)"_s << u"x[2]"_s;
    QTest::newRow("ellipsis alone") << u"x[...]"_s << QString() << u"(index x ...)"_s << u"x[...]"_s;
    QTest::newRow("ellipsis first") << u"x[..., 0]"_s << QString() << u"(index x ... 0)"_s << u"x[..., 0]"_s;
    QTest::newRow("ellipsis middle") << u"x[0, ..., ::3]"_s << QString() << u"(index x 0 ... ::3)"_s << u"x[0, ..., ::3]"_s;
    QTest::newRow("trailing index comma") << u"x[0,]"_s << QString() << u"(index x 0)"_s << u"x[0]"_s;
    QTest::newRow("spaced slice") << u"x[ 1 : 2 ]"_s << QString() << u"(index x 1:2)"_s << u"x[1:2]"_s;

    // Numbers and names.
    QTest::newRow("decimal") << u"1.5"_s << QString() << u"1.5"_s << u"1.5"_s;
    QTest::newRow("leading dot") << u".5"_s << QString() << u"0.5"_s << u"0.5"_s;
    QTest::newRow("exponent") << u"1e-3"_s << QString() << u"0.001"_s << u"0.001"_s;
    QTest::newRow("capital exponent") << u"2E+4"_s << QString() << u"20000"_s << u"20000"_s;
    QTest::newRow("trailing dot") << u"1. * x"_s << QString() << u"(* 1 x)"_s << u"(1 * x)"_s;
    QTest::newRow("dot exponent") << u"1.e3"_s << QString() << u"1000"_s << u"1000"_s;
    QTest::newRow("big integer as number") << u"x * 99999999999999999999"_s << QString() << u"(* x 1e+20)"_s << u"(x * 1e+20)"_s;
    QTest::newRow("name with digits") << u"t2m_K - 273.15"_s << QString() << u"(- t2m_K 273.15)"_s << u"(t2m_K - 273.15)"_s;
    QTest::newRow("method name as array") << u"sum = mean.sum()"_s << u"sum"_s << u"(sum mean)"_s << u"mean.sum()"_s;
    QTest::newRow("whitespace everywhere") << u"  y2\t=  x . mean ( axis = ( 0 , ) )  "_s << u"y2"_s << u"(mean x axis=[0])"_s
                                           << u"x.mean(axis=0)"_s;
}

void TestParser::parses()
{
    QFETCH(QString, text);
    QFETCH(QString, target);
    QFETCH(QString, tree);
    QFETCH(QString, printed);

    Result<Statement> statement = parseStatement(text);
    QVERIFY2(statement.isOk(), qPrintable(statement.status().message()));
    QCOMPARE(statement->target, target);
    QCOMPARE(statement->targetColumn, target.isEmpty() ? 0 : int(text.indexOf(target) + 1));
    QCOMPARE(statement->text, text);
    QCOMPARE(dump(*statement->expr), tree);
    QCOMPARE(statement->expr->toString(), printed);
}

void TestParser::roundTrips_data()
{
    parses_data();
}

// toString's text must read back into the same tree, and print the same again.
void TestParser::roundTrips()
{
    QFETCH(QString, text);

    Result<Statement> first = parseStatement(text);
    QVERIFY2(first.isOk(), qPrintable(first.status().message()));
    const QString printed = first->expr->toString();
    Result<Statement> second = parseStatement(printed);
    QVERIFY2(second.isOk(), qPrintable(printed + u": "_s + second.status().message()));
    QCOMPARE(dump(*second->expr), dump(*first->expr));
    QCOMPARE(second->expr->toString(), printed);
}

void TestParser::columns_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("tree");

    QTest::newRow("binary at operator") << u"x + y"_s << u"(+@3 x@1 y@5)"_s;
    QTest::newRow("after assignment") << u"z = a*b"_s << u"(*@6 a@5 b@7)"_s;
    QTest::newRow("negate and method") << u"-x.mean(axis=0)"_s << u"(neg@1 (mean@4 x@2 axis=[0]))"_s;
    QTest::newRow("group keeps inner") << u"a+(b - c)*2"_s << u"(+@2 a@1 (*@10 (-@6 b@4 c@8) 2@11))"_s;
    QTest::newRow("function") << u" sqrt(v)"_s << u"(sqrt@2 v@7)"_s;
    QTest::newRow("index items") << u"x[1, ::2, ...]"_s << u"(index@2 x@1 1@3 ::2@6 ...@11)"_s;
    QTest::newRow("number") << u"  2.5"_s << u"2.5@3"_s;
}

void TestParser::columns()
{
    QFETCH(QString, text);
    QFETCH(QString, tree);

    Result<Statement> statement = parseStatement(text);
    QVERIFY2(statement.isOk(), qPrintable(statement.status().message()));
    QCOMPARE(dump(*statement->expr, true), tree);
}

void TestParser::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    const QString methods =
        u"methods are sum, mean, min, max, std, var, count, any, all, median, quantile, sel, isel, where, clip, weighted, "
        "groupby, resample, rechunk, polyfit"_s;
    const QString indexItem = u"expected an integer, a slice like 0:10 or '...' inside '[' at column 2, found "_s;

    QTest::newRow("empty") << QString() << u"column 1: empty expression; type an expression like x.mean(axis=0)"_s;
    QTest::newRow("blank") << u"   "_s << u"column 1: empty expression; type an expression like x.mean(axis=0)"_s;
    QTest::newRow("unclosed group") << u"a+(b - c"_s << u"column 9: expected ')' to close '(' at column 3, found end of input"_s;
    QTest::newRow("unknown method") << u"x.avg()"_s << u"column 3: unknown method 'avg'; "_s + methods;
    QTest::newRow("unknown function")
        << u"logit(x)"_s
        << u"column 1: unknown function 'logit'; functions are sqrt, abs, exp, log, log10, sin, cos, tan, "
           "radians, degrees, floor, ceil, isnan, notnull, where, clip, minimum, maximum, eof"_s;
    QTest::newRow("operator for operand") << u"x + * y"_s << u"column 5: unexpected '*'"_s;
    QTest::newRow("power without exponent") << u"x ** "_s << u"column 6: expected an expression, found end of input"_s;
    QTest::newRow("chained comparison") << u"250 < x < 300"_s
                                        << u"column 9: comparisons do not chain here; write (a < b) & (b < c)"_s;
    QTest::newRow("text outside a call") << u"x + 'time'"_s
                                         << u"column 5: text like 'time' can only be an argument, as in x.sel(time='2014-06')"_s;
    QTest::newRow("unclosed text") << u"x.sel(time='2014)"_s << u"column 12: text starting with ' has no closing '"_s;
    QTest::newRow("where with two arguments")
        << u"where(x > 0, x)"_s << u"column 1: where() takes 3 arguments, as in where(x < 273, x, 273); 2 given"_s;
    QTest::newRow("empty group") << u"()"_s << u"column 2: unexpected ')'"_s;
    QTest::newRow("open paren only") << u"("_s << u"column 2: expected an expression, found end of input"_s;
    QTest::newRow("dangling operator") << u"x +"_s << u"column 4: expected an expression, found end of input"_s;
    QTest::newRow("nothing assigned") << u"y = "_s << u"column 5: expected an expression after '=', found end of input"_s;
    QTest::newRow("two operands") << u"x y"_s << u"column 3: expected an operator or end of input, found name 'y'"_s;
    QTest::newRow("number then name") << u"2x"_s << u"column 2: expected an operator or end of input, found name 'x'"_s;
    QTest::newRow("unmatched paren") << u"x)"_s << u"column 2: unmatched ')'"_s;
    QTest::newRow("unmatched bracket") << u"x]"_s << u"column 2: unmatched ']'"_s;
    QTest::newRow("assign to number") << u"1 = x"_s << u"column 3: only a name can be assigned to, as in y = x - x.mean()"_s;
    QTest::newRow("two assignments") << u"y = z = x"_s << u"column 7: only one '=' is allowed in a statement"_s;
    QTest::newRow("assign to function") << u"sqrt = x"_s << u"column 1: 'sqrt' is reserved; give the array another name"_s;
    QTest::newRow("assign to None") << u"None = x"_s << u"column 1: 'None' is reserved; give the array another name"_s;
    QTest::newRow("stray character") << u"x % 2"_s << u"column 3: unexpected character '%'"_s;
    QTest::newRow("non-ascii") << u"x = \u00e9"_s << u"column 5: unexpected character '\u00e9'"_s;
    QTest::newRow("exponent without digits") << u"1e"_s << u"column 1: malformed number '1e'; write an exponent like 1e-3"_s;
    QTest::newRow("exponent sign only") << u"x*2.5e+"_s << u"column 3: malformed number '2.5e'; write an exponent like 1e-3"_s;
    QTest::newRow("huge number") << u"1e999"_s << u"column 1: number '1e999' is too large"_s;
    QTest::newRow("None operand") << u"None + 1"_s << u"column 1: None can only be an axis, as in x.sum(axis=None)"_s;
    QTest::newRow("function without parens") << u"sqrt x"_s << u"column 6: expected '(' after function 'sqrt', found name 'x'"_s;
    QTest::newRow("unclosed function") << u"sqrt(x"_s << u"column 7: expected ')' to close '(' at column 5, found end of input"_s;
    QTest::newRow("two function arguments") << u"sqrt(x, y)"_s << u"column 7: expected ')' to close '(' at column 5, found ','"_s;
    QTest::newRow("method as function") << u"sum(x)"_s
                                        << u"column 1: 'sum' is a method, as in x.sum(); functions are sqrt, abs, exp, log, "
                                           u"log10, sin, cos, tan, radians, degrees, floor, "
                                           "ceil, isnan, notnull, where, clip, minimum, maximum, eof"_s;
    QTest::newRow("function as method") << u"x.sqrt()"_s << u"column 3: 'sqrt' is a function, as in sqrt(x); "_s + methods;
    QTest::newRow("dot at end") << u"x."_s << u"column 3: expected a method name after '.', found end of input"_s;
    QTest::newRow("method without call") << u"x.mean"_s << u"column 3: 'mean' is a method: call it, as in x.mean()"_s;
    QTest::newRow("unclosed call") << u"x.mean(axis=0"_s
                                   << u"column 14: expected ')' to close '(' at column 7, found end of input"_s;
    QTest::newRow("unknown keyword") << u"x.mean(axes=0)"_s
                                     << u"column 8: unknown keyword 'axes' for mean(); keywords are axis, dim"_s;
    QTest::newRow("unknown std keyword") << u"x.std(dof=1)"_s
                                         << u"column 7: unknown keyword 'dof' for std(); keywords are axis, dim, ddof"_s;
    QTest::newRow("ddof on mean") << u"x.mean(ddof=1)"_s << u"column 8: ddof is only accepted by std and var, not mean"_s;
    QTest::newRow("axis twice") << u"x.sum(0, axis=1)"_s << u"column 10: axis is given twice"_s;
    QTest::newRow("positional after keyword")
        << u"x.sum(axis=0, 1)"_s << u"column 15: positional argument follows keyword argument"_s;
    QTest::newRow("two positionals std")
        << u"x.std(0, 1)"_s
        << u"column 10: std() takes one positional argument, the axis or dim; name the others, as in ddof=1"_s;
    QTest::newRow("two positionals sum") << u"x.sum(0, 1)"_s
                                         << u"column 10: sum() takes one positional argument, the axis or dim"_s;
    QTest::newRow("fractional axis") << u"x.sum(axis=1.5)"_s << u"column 12: axis must be an integer, found number '1.5'"_s;
    QTest::newRow("name as axis") << u"x.sum(axis=y)"_s
                                  << u"column 12: expected an axis (an integer, a tuple like (1, 2), or None), found name 'y'"_s;
    QTest::newRow("None inside tuple") << u"x.sum(axis=(None,))"_s << u"column 13: axis must be an integer, found name 'None'"_s;
    QTest::newRow("huge axis") << u"x.sum(axis=9999999999)"_s << u"column 12: axis 9999999999 is too large"_s;
    QTest::newRow("unclosed call after tuple")
        << u"x.sum(axis=(1, 2)"_s << u"column 18: expected ')' to close '(' at column 6, found end of input"_s;
    QTest::newRow("tuple without comma") << u"x.sum(axis=(1 2))"_s
                                         << u"column 15: expected ')' to close '(' at column 12, found number '2'"_s;
    QTest::newRow("list closed by paren") << u"x.sum(axis=[1, 2))"_s
                                          << u"column 17: expected ']' to close '[' at column 12, found ')'"_s;
    QTest::newRow("negative ddof") << u"x.std(ddof=-1)"_s << u"column 12: ddof must be between 0 and 2147483647, found -1"_s;
    QTest::newRow("ddof twice") << u"x.std(ddof=1, ddof=2)"_s << u"column 15: ddof is given twice"_s;
    QTest::newRow("empty index") << u"x[]"_s << u"column 3: "_s + indexItem + u"']'"_s;
    QTest::newRow("name as index") << u"x[i]"_s << u"column 3: "_s + indexItem + u"name 'i'"_s;
    QTest::newRow("fractional index") << u"x[1.5]"_s << u"column 3: index must be an integer, found number '1.5'"_s;
    QTest::newRow("fractional stop") << u"x[0:1.5]"_s << u"column 5: slice stop must be an integer, found number '1.5'"_s;
    QTest::newRow("fractional step") << u"x[::.5]"_s << u"column 5: slice step must be an integer, found number '.5'"_s;
    QTest::newRow("two ellipses") << u"x[..., ...]"_s << u"column 8: an index can only have a single ellipsis ('...')"_s;
    QTest::newRow("unclosed index") << u"x[0"_s << u"column 4: expected ']' to close '[' at column 2, found end of input"_s;
    QTest::newRow("four slice parts") << u"x[1:2:3:4]"_s << u"column 8: expected ']' to close '[' at column 2, found ':'"_s;
    QTest::newRow("sign without digits") << u"x[-]"_s << u"column 4: expected an integer after '-', found ']'"_s;
    QTest::newRow("huge index") << u"x[99999999999999999999]"_s << u"column 3: index 99999999999999999999 is too large"_s;
    QTest::newRow("two dots") << u"x..sum()"_s << u"column 3: expected a method name after '.', found '.'"_s;
}

void TestParser::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);

    Result<Statement> statement = parseStatement(text);
    QVERIFY(!statement.isOk());
    QCOMPARE(statement.status().code(), ErrorCode::Syntax);
    QCOMPARE(statement.status().message(), message);
}

void TestParser::builtTreesPrint_data()
{
    QTest::addColumn<double>("number");
    QTest::addColumn<QString>("negated");
    QTest::addColumn<QString>("summed");

    QTest::newRow("integer") << 3.0 << u"-3"_s << u"(3).sum()"_s;
    QTest::newRow("shortest digits") << 0.1 << u"-0.1"_s << u"(0.1).sum()"_s;
    QTest::newRow("negative") << -1.5 << u"-(-1.5)"_s << u"(-1.5).sum()"_s;
    QTest::newRow("tiny") << 1e-300 << u"-1e-300"_s << u"(1e-300).sum()"_s;
}

// Trees built by code (the planner's rewrites) may hold values the parser never makes.
void TestParser::builtTreesPrint()
{
    QFETCH(double, number);
    QFETCH(QString, negated);
    QFETCH(QString, summed);

    const auto makeNode = [](Expr::Kind kind, std::unique_ptr<Expr> operand) {
        auto node = std::make_unique<Expr>();
        node->kind = kind;
        if (operand)
            node->operands.push_back(std::move(operand));
        return node;
    };
    auto literal = makeNode(Expr::Kind::Number, nullptr);
    literal->number = number;
    auto copy = makeNode(Expr::Kind::Number, nullptr);
    copy->number = number;
    const auto negate = makeNode(Expr::Kind::Unary, std::move(literal));
    const auto sum = makeNode(Expr::Kind::Reduce, std::move(copy));
    QCOMPARE(negate->toString(), negated);
    QCOMPARE(sum->toString(), summed);

    // The printed digits must read back as exactly the same double.
    Result<Statement> reparsed = parseStatement(summed);
    QVERIFY2(reparsed.isOk(), qPrintable(reparsed.status().message()));
    const Expr *receiver = reparsed->expr->operands.at(0).get();
    if (number < 0)
        receiver = receiver->operands.at(0).get();
    QCOMPARE(receiver->number, std::abs(number));
}

void TestParser::limitsDeepNesting()
{
    const QString text = QString(300, u'(') + u"x"_s + QString(300, u')');
    Result<Statement> statement = parseStatement(text);
    QVERIFY(!statement.isOk());
    QCOMPARE(statement.status().message(), u"column 201: expression is nested too deeply (more than 200 levels)"_s);

    const QString fine = QString(150, u'(') + u"x"_s + QString(150, u')');
    QVERIFY(parseStatement(fine).isOk());
}

void TestParser::limitsLongChains()
{
    // x+x+...: node 10001 is the 5000th '+', at column 10000.
    QString text = u"x"_s;
    for (int i = 0; i < 10001; ++i)
        text += u"+x"_s;
    Result<Statement> statement = parseStatement(text);
    QVERIFY(!statement.isOk());
    QCOMPARE(statement.status().message(), u"column 10000: expression is too long (more than 10000 terms)"_s);
}

QTEST_GUILESS_MAIN(TestParser)
#include "tst_parser.moc"
