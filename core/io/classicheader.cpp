// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/classicheader.h"

#include <QFile>

#include <cstdint>
#include <optional>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {

constexpr std::uint32_t tagDimension = 0x0A;
constexpr std::uint32_t tagVariable = 0x0B;
constexpr std::uint32_t tagAttribute = 0x0C;

// Reads the header's big-endian fields from the file, one at a time, never past its end; the
// first field that does not fit or does not make sense stops the walk with the reason.
class HeaderReader
{
public:
    HeaderReader(QFile &file, int version)
        : m_file(file)
        , m_size(file.size())
        , m_wide(version == 5)
    {
    }

    bool ok() const { return m_problem.isEmpty(); }
    const QString &problem() const { return m_problem; }
    std::int64_t remaining() const { return m_size - m_file.pos(); }

    void fail(const QString &why)
    {
        if (m_problem.isEmpty())
            m_problem = why + u" at byte %1"_s.arg(m_file.pos());
    }

    std::uint64_t unsignedField(int bytes)
    {
        unsigned char buffer[8] = {};
        if (!ok() || m_file.read(reinterpret_cast<char *>(buffer), bytes) != bytes) {
            fail(u"the header ends early"_s);
            return 0;
        }
        std::uint64_t value = 0;
        for (int i = 0; i < bytes; ++i)
            value = (value << 8) | buffer[i];
        return value;
    }

    // A count (nelems, lengths): 4 bytes, or 8 in CDF-5.
    std::uint64_t count() { return unsignedField(m_wide ? 8 : 4); }

    // Skips `bytes` rounded up to 4, which must be in the file.
    void skipPadded(std::uint64_t bytes, const char *what)
    {
        const std::uint64_t padded = (bytes + 3) / 4 * 4;
        if (!ok())
            return;
        if (bytes > std::uint64_t(remaining()) || padded > std::uint64_t(remaining())) {
            fail(u"%1 of %2 bytes is longer than the %3 bytes left in the file"_s.arg(QLatin1StringView(what))
                     .arg(bytes)
                     .arg(remaining()));
            return;
        }
        m_file.seek(m_file.pos() + qint64(padded));
    }

    void name() { skipPadded(count(), "a name"); }

    // A list header: the tag (or ABSENT) and its number of entries, each at least `minimumBytes`.
    std::uint64_t list(std::uint32_t tag, std::uint64_t minimumBytes)
    {
        const std::uint64_t found = unsignedField(4);
        const std::uint64_t entries = count();
        if (!ok())
            return 0;
        if (found == 0 && entries == 0)
            return 0;
        if (found != tag) {
            fail(u"a list tag is %1 where %2 belongs"_s.arg(found).arg(tag));
            return 0;
        }
        if (entries > std::uint64_t(remaining()) / minimumBytes)
            fail(u"%1 entries cannot fit in the %2 bytes left in the file"_s.arg(entries).arg(remaining()));
        return entries;
    }

    void attributes()
    {
        const std::uint64_t count = list(tagAttribute, 12);
        for (std::uint64_t i = 0; i < count && ok(); ++i) {
            name();
            const std::optional<int> size = typeSize(unsignedField(4));
            const std::uint64_t values = this->count();
            if (!ok())
                return;
            if (!size) {
                fail(u"an attribute has an unknown type"_s);
                return;
            }
            if (values > std::uint64_t(remaining()) / std::uint64_t(*size)) {
                fail(u"an attribute of %1 values cannot fit in the %2 bytes left"_s.arg(values).arg(remaining()));
                return;
            }
            skipPadded(values * std::uint64_t(*size), "an attribute");
        }
    }

    std::optional<int> typeSize(std::uint64_t type) const
    {
        switch (type) {
        case 1:
        case 2: return 1; // byte, char
        case 3: return 2; // short
        case 4:
        case 5: return 4;                                             // int, float
        case 6: return 8;                                             // double
        case 7: return m_wide ? std::optional<int>(1) : std::nullopt; // CDF-5's unsigned and 64-bit types
        case 8: return m_wide ? std::optional<int>(2) : std::nullopt;
        case 9: return m_wide ? std::optional<int>(4) : std::nullopt;
        case 10:
        case 11: return m_wide ? std::optional<int>(8) : std::nullopt;
        default: return std::nullopt;
        }
    }

private:
    QFile &m_file;
    std::int64_t m_size;
    bool m_wide;
    QString m_problem;
};

} // namespace

Status checkClassicHeader(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Status::ok(); // netCDF reports what cannot be opened
    const QByteArray magic = file.read(4);
    if (magic.size() != 4 || !magic.startsWith("CDF") || (magic[3] != 1 && magic[3] != 2 && magic[3] != 5))
        return Status::ok();
    const int version = magic[3];
    HeaderReader header(file, version);
    header.unsignedField(version == 5 ? 8 : 4); // numrecs
    const std::uint64_t dimensions = header.list(tagDimension, version == 5 ? 16 : 8);
    for (std::uint64_t i = 0; i < dimensions && header.ok(); ++i) {
        header.name();
        header.count(); // its length: anything, the record dimension's is 0
    }
    header.attributes();
    const std::uint64_t variables = header.list(tagVariable, 16);
    for (std::uint64_t i = 0; i < variables && header.ok(); ++i) {
        header.name();
        const std::uint64_t rank = header.count();
        if (header.ok() && rank > std::uint64_t(header.remaining()) / 4)
            header.fail(u"a variable of %1 dimensions cannot fit in the file"_s.arg(rank));
        for (std::uint64_t d = 0; d < rank && header.ok(); ++d) {
            if (header.count() >= dimensions)
                header.fail(u"a variable names dimension %1 of %2"_s.arg(d).arg(dimensions));
        }
        header.attributes();
        if (header.ok() && !header.typeSize(header.unsignedField(4)))
            header.fail(u"a variable has an unknown type"_s);
        header.count();                             // vsize
        header.unsignedField(version == 1 ? 4 : 8); // begin
    }
    if (!header.ok())
        return makeError(ErrorCode::Format,
                         u"%1 is not a valid NetCDF classic file: %2; is it damaged or cut short?"_s.arg(path, header.problem()));
    return Status::ok();
}

} // namespace tessera
