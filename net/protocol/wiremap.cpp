// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/protocol/wiremap.h"

#include "net/protocol/cborformat.h"

#include <QCborArray>
#include <QUtf8StringView>
#include <QtEndian>
#include <qfloat16.h>

#include <bit>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace tessera {

using namespace cbor;

namespace {

// Deeper than any message (a task's input region is five levels down), shallow enough that
// checking recursively cannot exhaust the stack.
constexpr int maxDepth = 32;

struct Head
{
    unsigned major = 0;
    unsigned info = 0;
    quint64 argument = 0; // the value, length or count; a float's bits
    qsizetype size = 0;   // bytes of the head itself
};

// False when the bytes end inside the head, or its additional information is reserved (28-30).
bool readHead(QByteArrayView bytes, qsizetype at, Head &head)
{
    if (at >= bytes.size())
        return false;
    const auto initial = quint8(bytes[at]);
    head.major = initial >> 5;
    head.info = initial & 0x1f;
    head.size = 1;
    head.argument = quint64(head.info);
    if (head.info < OneByte || head.info == Indefinite)
        return true;
    if (head.info > EightBytes)
        return false;
    const int length = 1 << (head.info - OneByte);
    if (bytes.size() - at - 1 < length)
        return false;
    head.argument = 0;
    for (int i = 1; i <= length; ++i)
        head.argument = head.argument << 8 | quint8(bytes[at + i]);
    head.size = 1 + length;
    return true;
}

// For bytes fromCbor() has checked.
Head headAt(const QByteArray &bytes, qsizetype at)
{
    Head head;
    [[maybe_unused]] const bool complete = readHead(bytes, at, head);
    Q_ASSERT(complete);
    return head;
}

// Where the checked item at `at` ends.
qsizetype skip(const QByteArray &bytes, qsizetype at)
{
    const Head head = headAt(bytes, at);
    qsizetype next = at + head.size;
    switch (head.major) {
    case Bytes:
    case Text: return next + qsizetype(head.argument);
    case Array:
    case Map:
        for (quint64 i = 0; i < head.argument * (head.major == Map ? 2 : 1); ++i)
            next = skip(bytes, next);
        return next;
    default: return next;
    }
}

double floatValue(const Head &head)
{
    switch (head.info) {
    case Half: {
        return double(std::bit_cast<qfloat16>(quint16(head.argument)));
    }
    case Single: return double(std::bit_cast<float>(quint32(head.argument)));
    default: return std::bit_cast<double>(head.argument);
    }
}

// Walks one item of untrusted bytes; keeps the first problem.
class Checker
{
public:
    explicit Checker(QByteArrayView bytes)
        : m_bytes(bytes)
    {
    }

    // Where the item at `at` ends, or -1.
    qsizetype item(qsizetype at, int depth);
    // The head of a map key, which must be text.
    qsizetype key(qsizetype at, int depth);

    qsizetype fail(qsizetype at, QString what, ErrorCode code = ErrorCode::Format)
    {
        if (m_problem.isOk())
            m_problem = makeError(code, u"%1 at byte %2"_s.arg(what).arg(at));
        return -1;
    }
    const Status &problem() const { return m_problem; }
    // The key heads of the outermost map's entries, found while checking it: WireMap indexes
    // them without walking the map a second time.
    const QVarLengthArray<qsizetype, 16> &outermostKeys() const { return m_outermostKeys; }

private:
    qsizetype container(qsizetype at, const Head &head, int depth);
    qsizetype simple(qsizetype at, const Head &head);

    QByteArrayView m_bytes;
    Status m_problem;
    QVarLengthArray<qsizetype, 16> m_outermostKeys;
};

qsizetype Checker::item(qsizetype at, int depth)
{
    Head head;
    if (!readHead(m_bytes, at, head)) {
        if (head.info > EightBytes) // 28-30; 31 reads
            return fail(at, u"reserved additional information %1"_s.arg(head.info));
        return fail(at, u"the bytes end inside an item"_s);
    }
    if (head.info == Indefinite) {
        if (head.major >= Bytes && head.major <= Map)
            return fail(at, u"an item of indefinite length (this protocol gives every length)"_s, ErrorCode::InvalidArgument);
        return fail(at, head.major == Simple ? u"a break outside an item of indefinite length"_s
                                             : u"reserved additional information 31"_s);
    }
    const qsizetype next = at + head.size;
    const auto rest = quint64(m_bytes.size() - next);
    switch (head.major) {
    case Unsigned:
    case Negative: return next;
    case Bytes:
    case Text:
        if (head.argument > rest)
            return fail(at, u"a string of %1 bytes with only %2 left"_s.arg(head.argument).arg(rest));
        if (head.major == Text && !m_bytes.sliced(next, qsizetype(head.argument)).isValidUtf8())
            return fail(at, u"text that is not valid UTF-8"_s);
        return next + qsizetype(head.argument);
    case Array:
    case Map: return container(at, head, depth);
    case Tag:
        return fail(at, u"a tagged value (tag %1; this protocol uses none)"_s.arg(head.argument), ErrorCode::InvalidArgument);
    default: return simple(at, head);
    }
}

qsizetype Checker::container(qsizetype at, const Head &head, int depth)
{
    if (depth >= maxDepth)
        return fail(at, u"items nested more than %1 deep"_s.arg(maxDepth), ErrorCode::InvalidArgument);
    qsizetype next = at + head.size;
    // Every item takes at least a byte: a count past the bytes left is refused before looping.
    const auto rest = quint64(m_bytes.size() - next);
    if (head.argument > rest || (head.major == Map && head.argument > rest / 2)) {
        return fail(at, u"a %1 of %2 entries with only %3 bytes left"_s.arg(head.major == Map ? u"map"_s : u"list"_s)
                            .arg(head.argument)
                            .arg(rest));
    }
    for (quint64 i = 0; i < head.argument && next >= 0; ++i) {
        if (head.major == Map && depth == 0)
            m_outermostKeys.append(next);
        if (head.major == Map)
            next = key(next, depth + 1);
        if (next >= 0)
            next = item(next, depth + 1);
    }
    return next;
}

qsizetype Checker::key(qsizetype at, int depth)
{
    if (at < m_bytes.size() && quint8(m_bytes[at]) >> 5 != Text)
        return fail(at, u"a map key that is not text (this protocol names every field)"_s, ErrorCode::InvalidArgument);
    return item(at, depth);
}

qsizetype Checker::simple(qsizetype at, const Head &head)
{
    switch (head.info) {
    case False:
    case True:
    case Null:
    case Half:
    case Single:
    case Double: return at + head.size;
    case Undefined: return fail(at, u"undefined (this protocol uses null)"_s, ErrorCode::InvalidArgument);
    default:
        return fail(at, u"simple value %1 (this protocol uses only false, true and null)"_s.arg(head.argument),
                    ErrorCode::InvalidArgument);
    }
}

bool fitsInteger(const Head &head)
{
    return head.argument <= quint64(std::numeric_limits<qint64>::max());
}

} // namespace

WireValue::WireValue(QByteArray bytes, qsizetype at)
    : m_bytes(std::move(bytes))
    , m_at(at)
{
}

QCborValue::Type WireValue::type() const
{
    if (m_at < 0)
        return QCborValue::Undefined;
    const Head head = headAt(m_bytes, m_at);
    switch (head.major) {
    case Unsigned:
    case Negative: return fitsInteger(head) ? QCborValue::Integer : QCborValue::Double;
    case Bytes: return QCborValue::ByteArray;
    case Text: return QCborValue::String;
    case Array: return QCborValue::Array;
    case Map: return QCborValue::Map;
    default: break;
    }
    switch (head.info) {
    case False: return QCborValue::False;
    case True: return QCborValue::True;
    case Null: return QCborValue::Null;
    default: return QCborValue::Double;
    }
}

qint64 WireValue::toInteger(qint64 fallback) const
{
    if (m_at < 0)
        return fallback;
    const Head head = headAt(m_bytes, m_at);
    if ((head.major == Unsigned || head.major == Negative) && fitsInteger(head))
        return head.major == Unsigned ? qint64(head.argument) : -1 - qint64(head.argument);
    // Truncated, as QCborValue's; a double past qint64's range (or NaN) has no integer to give.
    const double value = toDouble(std::numeric_limits<double>::quiet_NaN());
    return value >= -0x1p63 && value < 0x1p63 ? qint64(value) : fallback;
}

double WireValue::toDouble(double fallback) const
{
    if (m_at < 0)
        return fallback;
    const Head head = headAt(m_bytes, m_at);
    if (head.major == Unsigned)
        return double(head.argument);
    if (head.major == Negative)
        return -1.0 - double(head.argument);
    if (head.major == Simple && head.info >= Half && head.info <= Double)
        return floatValue(head);
    return fallback;
}

bool WireValue::toBool(bool fallback) const
{
    const QCborValue::Type kind = type();
    return kind == QCborValue::True || (kind != QCborValue::False && fallback);
}

std::optional<QByteArrayView> WireValue::stringBytes(unsigned major) const
{
    if (m_at < 0)
        return std::nullopt;
    const Head head = headAt(m_bytes, m_at);
    if (head.major != major)
        return std::nullopt;
    return QByteArrayView(m_bytes).sliced(m_at + head.size, qsizetype(head.argument));
}

QString WireValue::toString() const
{
    const std::optional<QByteArrayView> text = stringBytes(Text);
    return text ? QString::fromUtf8(*text) : QString();
}

QByteArray WireValue::toByteArray() const
{
    const std::optional<QByteArrayView> bytes = stringBytes(Bytes);
    return bytes ? bytes->toByteArray() : QByteArray();
}

bool WireValue::isText(QAnyStringView text) const
{
    const std::optional<QByteArrayView> mine = stringBytes(Text);
    return mine && QAnyStringView(QUtf8StringView(*mine)) == text;
}

WireList WireValue::toArray() const
{
    return isArray() ? WireList(m_bytes, m_at) : WireList();
}

WireMap WireValue::toMap() const
{
    return isMap() ? WireMap(m_bytes, m_at) : WireMap();
}

QCborValue WireValue::toCborValue() const
{
    switch (type()) {
    case QCborValue::Integer: return toInteger();
    case QCborValue::Double: return toDouble();
    case QCborValue::String: return toString();
    case QCborValue::ByteArray: return toByteArray();
    case QCborValue::False: return false;
    case QCborValue::True: return true;
    case QCborValue::Null: return nullptr;
    case QCborValue::Map: return toMap().toMap();
    case QCborValue::Array: {
        QCborArray array;
        for (const WireValue &item : toArray())
            array.append(item.toCborValue());
        return array;
    }
    default: return {};
    }
}

WireList::WireList(QByteArray bytes, qsizetype at)
    : m_bytes(std::move(bytes))
{
    const Head head = headAt(m_bytes, at);
    Q_ASSERT(head.major == Array);
    m_items.reserve(qsizetype(head.argument));
    qsizetype next = at + head.size;
    for (quint64 i = 0; i < head.argument; ++i) {
        m_items.append(next);
        next = skip(m_bytes, next);
    }
}

WireMap::WireMap(const QCborMap &map)
{
    Result<WireMap> read = fromCbor(map.toCborValue().toCbor());
    // A map built here holds only what the protocol sends; anything else is a bug in the caller.
    Q_ASSERT_X(read.isOk(), "WireMap", qPrintable(read.status().message()));
    if (read.isOk())
        *this = std::move(*read);
}

WireMap::WireMap(QByteArray bytes, qsizetype at)
    : m_bytes(std::move(bytes))
{
    index(at);
}

Result<WireMap> WireMap::fromCbor(QByteArray bytes)
{
    if (bytes.size() > std::numeric_limits<qint32>::max())
        return makeError(ErrorCode::InvalidArgument, u"a CBOR map of %1 bytes; at most 2 GiB are read"_s.arg(bytes.size()));
    Checker checker(bytes);
    const qsizetype end = checker.item(0, 0);
    if (end >= 0 && quint8(bytes[0]) >> 5 != Map)
        checker.fail(0, quint8(bytes[0]) >> 5 == Array ? u"an array, not a map"_s : u"a single value, not a map"_s,
                     ErrorCode::InvalidArgument);
    else if (end >= 0 && end != bytes.size())
        checker.fail(end, u"%1 bytes after its CBOR map"_s.arg(bytes.size() - end));
    if (!checker.problem().isOk())
        return checker.problem();
    WireMap map;
    map.m_bytes = bytes;
    map.m_at = 0;
    map.m_end = end;
    map.m_entries.reserve(checker.outermostKeys().size());
    for (qsizetype key : checker.outermostKeys())
        map.addEntry(key);
    return map;
}

void WireMap::index(qsizetype at)
{
    const Head head = headAt(m_bytes, at);
    Q_ASSERT(head.major == Map);
    m_at = at;
    m_entries.reserve(qsizetype(head.argument));
    qsizetype next = at + head.size;
    for (quint64 i = 0; i < head.argument; ++i)
        next = skip(m_bytes, addEntry(next));
    m_end = next;
}

qsizetype WireMap::addEntry(qsizetype key)
{
    const Head head = headAt(m_bytes, key);
    const qsizetype text = key + head.size;
    const qsizetype value = text + qsizetype(head.argument);
    m_entries.append({qint32(key), qint32(text), qint32(head.argument), qint32(value)});
    return value;
}

WireValue WireMap::value(QLatin1StringView key) const
{
    // Keys are ASCII, whose Latin-1 and UTF-8 bytes are the same.
    for (const Entry &entry : m_entries) {
        if (entry.keySize == key.size() && std::memcmp(m_bytes.constData() + entry.keyText, key.data(), size_t(key.size())) == 0)
            return {m_bytes, entry.value};
    }
    return {};
}

WireValue WireMap::value(const QString &key) const
{
    for (const Entry &entry : m_entries) {
        if (QAnyStringView(QUtf8StringView(m_bytes.constData() + entry.keyText, entry.keySize)) == QAnyStringView(key))
            return {m_bytes, entry.value};
    }
    return {};
}

QCborMap WireMap::toMap() const
{
    QCborMap map;
    for (qsizetype i = 0; i < size(); ++i)
        map.insert(keyAt(i).toString(), valueAt(i).toCborValue());
    return map;
}

QByteArray WireMap::toCbor() const
{
    return m_at < 0 ? QCborMap().toCborValue().toCbor() : m_bytes.sliced(m_at, m_end - m_at);
}

} // namespace tessera
