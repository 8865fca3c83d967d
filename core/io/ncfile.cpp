// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "core/io/ncfile_p.h"

#include "core/io/classicheader.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdint>
#include <dlfcn.h>
#include <utility>

using namespace Qt::StringLiterals;

namespace tessera::nc {

namespace {

// netCDF initializes itself on its first call, and with it libcurl, libssh2 and OpenSSL, whose
// per-thread state then belongs to the calling thread. Called first from a pool thread, that
// state raced the process's exit: OpenSSL frees it from an atexit handler while the thread, which
// Qt has already waited for, may still be running its thread-exit code (AddressSanitizer reported
// a double free at a worker's exit). So the library is initialized on the main thread, as the
// program starts, before any thread opens a file.
void initializeOnTheMainThread()
{
    nc_initialize();
}
Q_CONSTRUCTOR_FUNCTION(initializeOnTheMainThread)

QString objectName(int group, int var)
{
    char name[NC_MAX_NAME + 1] = {};
    if (var == NC_GLOBAL)
        nc_inq_grpname(group, name);
    else
        nc_inq_varname(group, var, name);
    return QString::fromUtf8(name);
}

void collectVariables(int group, std::vector<VarRef> &out)
{
    int varCount = 0;
    if (nc_inq_varids(group, &varCount, nullptr) == NC_NOERR && varCount > 0) {
        std::vector<int> ids(std::size_t(varCount), 0);
        nc_inq_varids(group, &varCount, ids.data());
        for (int id : ids)
            out.push_back({group, id});
    }
    int groupCount = 0;
    if (nc_inq_grps(group, &groupCount, nullptr) == NC_NOERR && groupCount > 0) {
        std::vector<int> groups(std::size_t(groupCount), 0);
        nc_inq_grps(group, &groupCount, groups.data());
        for (int child : groups)
            collectVariables(child, out);
    }
}

// A file with hundreds of variables would make an unreadable error message.
QString variableList(int rootGroup)
{
    constexpr int shown = 40;
    QStringList names;
    const std::vector<VarRef> vars = allVariables(rootGroup);
    for (std::size_t i = 0; i < vars.size() && i < std::size_t(shown); ++i)
        names << variablePath(vars[i]);
    QString list = names.isEmpty() ? u"no variables"_s : names.join(u", "_s);
    if (vars.size() > std::size_t(shown))
        list += u" and %1 more"_s.arg(vars.size() - std::size_t(shown));
    return list;
}

} // namespace

void quietHdf5ForThisThread()
{
    thread_local bool quiet = false;
    if (quiet)
        return;
    quiet = true;
    // Looked up at run time: libhdf5 comes in with libnetcdf, and core need not build against it.
    // herr_t H5Eset_auto2(hid_t stack, H5E_auto2_t func, void *data), H5E_DEFAULT == 0.
    using SetAuto = int (*)(std::int64_t, void *, void *);
    if (void *symbol = dlsym(RTLD_DEFAULT, "H5Eset_auto2"))
        reinterpret_cast<SetAuto>(symbol)(0, nullptr, nullptr);
}

QString errorText(int status)
{
    return QString::fromUtf8(nc_strerror(status));
}

QString exceptionText(const netCDF::exceptions::NcException &error)
{
    if (error.errorCode() != NC_NOERR)
        return errorText(error.errorCode());
    return QString::fromUtf8(error.what()).section(u'\n', 0, 0);
}

Result<File> File::open(const QString &path)
{
    // NCZarr and DAP paths are URLs, which the file system cannot check.
    const bool isUrl = path.contains(u"://"_s);
    if (!isUrl) {
        const QFileInfo info(path);
        if (!info.exists())
            return makeError(ErrorCode::NotFound, u"no such file: %1"_s.arg(path));
        if (info.isDir())
            return makeError(ErrorCode::InvalidArgument, u"%1 is a directory, not a NetCDF file"_s.arg(path));
        TESSERA_RETURN_IF_ERROR(checkClassicHeader(path));
    }
    quietHdf5ForThisThread();
    int id = -1;
    const QByteArray encoded = isUrl ? path.toUtf8() : QFile::encodeName(path);
    const int status = nc_open(encoded.constData(), NC_NOWRITE, &id);
    if (status == NC_ENOTNC || status == NC_EHDFERR) {
        return makeError(ErrorCode::Format, u"%1 is not a NetCDF file (netCDF says: %2); pick .nc files written by "
                                            "netCDF-3 or netCDF-4"_s.arg(path, errorText(status)));
    }
    if (status != NC_NOERR)
        return makeError(ErrorCode::Io, u"cannot open %1 (netCDF says: %2)"_s.arg(path, errorText(status)));
    return File(id, path);
}

File::File(int id, QString path)
    : m_id(id)
    , m_path(std::move(path))
{
}

File::File(File &&other) noexcept
    : m_id(std::exchange(other.m_id, -1))
    , m_path(std::move(other.m_path))
{
}

File &File::operator=(File &&other) noexcept
{
    if (this != &other) {
        if (m_id >= 0)
            nc_close(m_id);
        m_id = std::exchange(other.m_id, -1);
        m_path = std::move(other.m_path);
    }
    return *this;
}

File::~File()
{
    if (m_id >= 0)
        nc_close(m_id);
}

QString File::formatName() const
{
    int format = 0;
    int mode = 0;
    if (nc_inq_format_extended(m_id, &format, &mode) == NC_NOERR && format == NC_FORMATX_NCZARR)
        return u"Zarr (NCZarr)"_s;
    if (format == NC_FORMATX_DAP2 || format == NC_FORMATX_DAP4)
        return u"OPeNDAP"_s;
    if (nc_inq_format(m_id, &format) != NC_NOERR)
        return u"unknown"_s;
    switch (format) {
    case NC_FORMAT_CLASSIC: return u"NetCDF-3 classic"_s;
    case NC_FORMAT_64BIT_OFFSET: return u"NetCDF-3 64-bit offset"_s;
    case NC_FORMAT_64BIT_DATA: return u"NetCDF-3 64-bit data (CDF5)"_s;
    case NC_FORMAT_NETCDF4: return u"NetCDF-4"_s;
    case NC_FORMAT_NETCDF4_CLASSIC: return u"NetCDF-4 classic model"_s;
    default: return u"unknown"_s;
    }
}

QString variablePath(VarRef ref)
{
    QString path = objectName(ref.group, ref.var);
    int group = ref.group;
    int parent = -1;
    // The root group has no parent; every other group prefixes its name.
    while (nc_inq_grp_parent(group, &parent) == NC_NOERR) {
        path = objectName(group, NC_GLOBAL) + u'/' + path;
        group = parent;
    }
    return path;
}

std::vector<VarRef> allVariables(int rootGroup)
{
    std::vector<VarRef> vars;
    collectVariables(rootGroup, vars);
    return vars;
}

Result<VarRef> findVariable(const File &file, const QString &name)
{
    QStringList parts = name.split(u'/', Qt::SkipEmptyParts);
    const auto notFound = [&] {
        return makeError(ErrorCode::NotFound,
                         u"%1 has no variable '%2'; it has: %3"_s.arg(file.path(), name, variableList(file.id())));
    };
    if (parts.isEmpty())
        return notFound();
    int group = file.id();
    const QString varName = parts.takeLast();
    for (const QString &groupName : std::as_const(parts)) {
        int child = -1;
        if (nc_inq_grp_ncid(group, groupName.toUtf8().constData(), &child) != NC_NOERR)
            return notFound();
        group = child;
    }
    int var = -1;
    if (nc_inq_varid(group, varName.toUtf8().constData(), &var) != NC_NOERR)
        return notFound();
    return VarRef{group, var};
}

VarLayout variableLayout(VarRef ref)
{
    VarLayout layout;
    int rank = 0;
    nc_inq_var(ref.group, ref.var, nullptr, &layout.type, &rank, nullptr, nullptr);
    std::vector<int> dimIds(std::size_t(rank), 0);
    if (rank > 0)
        nc_inq_vardimid(ref.group, ref.var, dimIds.data());
    for (int dimId : dimIds) {
        char name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        // Dimension ids are unique per file, so a parent group's dimension resolves too.
        nc_inq_dim(ref.group, dimId, name, &length);
        layout.dimNames.push_back(QString::fromUtf8(name));
        layout.shape.push_back(std::int64_t(length));
    }
    return layout;
}

QString typeName(nc_type type)
{
    switch (type) {
    case NC_BYTE: return u"int8"_s;
    case NC_UBYTE: return u"uint8"_s;
    case NC_SHORT: return u"int16"_s;
    case NC_USHORT: return u"uint16"_s;
    case NC_INT: return u"int32"_s;
    case NC_UINT: return u"uint32"_s;
    case NC_INT64: return u"int64"_s;
    case NC_UINT64: return u"uint64"_s;
    case NC_FLOAT: return u"float32"_s;
    case NC_DOUBLE: return u"float64"_s;
    case NC_CHAR: return u"char"_s;
    case NC_STRING: return u"string"_s;
    default: return u"user-defined"_s;
    }
}

bool isNumericType(nc_type type)
{
    switch (type) {
    case NC_BYTE:
    case NC_UBYTE:
    case NC_SHORT:
    case NC_USHORT:
    case NC_INT:
    case NC_UINT:
    case NC_INT64:
    case NC_UINT64:
    case NC_FLOAT:
    case NC_DOUBLE: return true;
    default: return false;
    }
}

QString textAttribute(VarRef ref, const char *name)
{
    nc_type type = NC_NAT;
    std::size_t length = 0;
    if (nc_inq_att(ref.group, ref.var, name, &type, &length) != NC_NOERR)
        return {};
    if (type == NC_CHAR) {
        QByteArray text(qsizetype(length), '\0');
        if (nc_get_att_text(ref.group, ref.var, name, text.data()) != NC_NOERR)
            return {};
        // Some writers count the C string's terminating NUL in the attribute's length.
        while (text.endsWith('\0'))
            text.chop(1);
        return QString::fromUtf8(text);
    }
    if (type == NC_STRING && length >= 1) {
        std::vector<char *> strings(length, nullptr);
        if (nc_get_att_string(ref.group, ref.var, name, strings.data()) != NC_NOERR)
            return {};
        const QString text = QString::fromUtf8(strings.front());
        nc_free_string(length, strings.data());
        return text;
    }
    return {};
}

std::optional<VarRef> coordinateVariable(int group, const QString &dimName, std::int64_t extent)
{
    const QByteArray name = dimName.toUtf8();
    for (;;) {
        int var = -1;
        if (nc_inq_varid(group, name.constData(), &var) == NC_NOERR) {
            const VarLayout layout = variableLayout({group, var});
            if (layout.shape.size() == 1 && layout.dimNames.front() == dimName && layout.shape.front() == extent
                && isNumericType(layout.type))
                return VarRef{group, var};
        }
        int parent = -1;
        if (nc_inq_grp_parent(group, &parent) != NC_NOERR)
            return std::nullopt;
        group = parent;
    }
}

} // namespace tessera::nc
