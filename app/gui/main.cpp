// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

// tessera: the workbench. Only the command line lives here; the window is in ui/.

#include "ui/connect/connectprofile.h"
#include "ui/mainwindow/mainwindow.h"

#include "core/blockallocator.h"
#include "core/io/filediscovery.h"
#include "core/io/sampledata.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/protocol/tls.h"
#include "net/session/clustersession.h"
#include "net/session/localcluster.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;
using namespace tessera;
using namespace tessera::ui;

namespace {
const QString Version = QStringLiteral(TESSERA_VERSION);

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "tessera: %s\n", qUtf8Printable(message));
    std::exit(2);
}

int positiveOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || (value < 1))
        fail(u"--%1 wants a positive number, not \"%2\""_s.arg(name, parser.value(name)));
    return value;
}

void describeOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(u"Array experiments on a cluster of worker processes, and seeing them. "
                                     "Without a display, run the same engine with tessera-cli."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"local"_s, u"Start N tessera-worker processes on this computer and connect to them."_s, u"N"_s},
        {u"threads"_s, u"Threads of each local worker (default: half the cores / workers, at least 1)."_s, u"T"_s},
        {u"demo"_s, u"Write sample ERA-like data to the cache folder (once), scatter its t2m as x and "
                    "open with the first experiment's operations ready to run. Starts 2 local workers "
                    "unless --local or --connect says otherwise."_s},
        {u"days"_s, u"Days of sample data for --demo (default 30)."_s, u"D"_s, u"30"_s},
        {u"connect"_s, u"Connect to workers at these host:port addresses (comma separated)."_s, u"ADDRS"_s},
        {u"token-file"_s, u"File whose first line is the token the workers were started with."_s, u"F"_s},
        {u"tls-ca"_s, u"Connect over TLS, accepting worker certificates a CA in F signed."_s, u"F"_s},
        {u"tls-pin"_s, u"Connect over TLS, accepting the worker certificate with this SHA-256 fingerprint."_s, u"SHA256"_s},
    });
    parser.addPositionalArgument(u"files"_s,
                                 u"NetCDF files or folders to scatter (the wizard opens with them once "
                                 "connected), or an experiment (.json) to open. "_s
                                     + fileDiscoveryRule(),
                                 u"[files...]"_s);
}

// Whether Qt will find somewhere to show a window: a platform named on the command line or in
// QT_QPA_PLATFORM (offscreen, vnc, ...), or an X11 or Wayland display.
bool hasDisplay(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0)
            return true;
    }
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY")
           || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// What the command line asks for, checked.
struct Startup
{
    bool demo = false;
    QStringList addresses;
    QByteArray token;
    TlsSettings tls;
    int localWorkers = 0;
    LocalClusterOptions localOptions;
    SampleDataOptions sampleOptions;
    QStringList dataPaths;
    QStringList experiments;
};

Startup readStartup(const QCommandLineParser &parser)
{
    Startup startup;
    startup.demo = parser.isSet(u"demo"_s);
    if (parser.isSet(u"connect"_s)) {
        const Result<QStringList> parsed = parseHostPortList(parser.value(u"connect"_s));
        if (!parsed)
            fail(u"--connect: "_s + parsed.status().message());
        startup.addresses = *parsed;
    }
    startup.localOptions = ConnectProfile::lastUsed().localOptions();
    if (parser.isSet(u"local"_s))
        startup.localWorkers = positiveOption(parser, u"local"_s);
    else if (startup.demo && startup.addresses.isEmpty())
        startup.localWorkers = 2;
    if (startup.localWorkers > 0) {
        startup.localOptions.workers = startup.localWorkers;
        startup.localOptions.threadsPerWorker = std::max(1, QThread::idealThreadCount() / 2 / startup.localWorkers);
    }
    if (parser.isSet(u"threads"_s))
        startup.localOptions.threadsPerWorker = positiveOption(parser, u"threads"_s);
    if (parser.isSet(u"token-file"_s)) {
        const Result<QByteArray> read = readTokenFile(parser.value(u"token-file"_s));
        if (!read)
            fail(read.status().message());
        startup.token = *read;
    }
    startup.tls.caPath = parser.value(u"tls-ca"_s);
    startup.tls.pinnedSha256 = parser.value(u"tls-pin"_s);
    if (startup.tls.verifiesPeers()) {
        if (const Result<QSslConfiguration> checked = clientTlsConfiguration(startup.tls); !checked.isOk())
            fail(checked.status().message());
    }
    if (startup.demo)
        startup.sampleOptions.days = positiveOption(parser, u"days"_s);
    for (const QString &path : parser.positionalArguments())
        (path.endsWith(u".json"_s, Qt::CaseInsensitive) ? startup.experiments : startup.dataPaths) << path;
    return startup;
}

// Opens the experiments, connects as asked, then starts the demo or the scatter wizard.
void startUp(MainWindow &window, ClusterSession &session, const Startup &startup)
{
    for (const QString &path : startup.experiments) {
        if (const Status opened = window.openExperimentFile(path); !opened.isOk())
            QMessageBox::warning(&window, QObject::tr("Open experiment"), opened.message());
    }
    Operation *connecting = nullptr;
    if (!startup.addresses.isEmpty()) {
        session.setTls(startup.tls);
        connecting = window.connectToWorkers(startup.addresses, startup.token);
    } else if (startup.localWorkers > 0)
        connecting = window.startLocalCluster(startup.localOptions);
    else if (startup.dataPaths.isEmpty())
        window.openConnectDialog();
    else
        window.openScatterWizard(startup.dataPaths); // asks to connect first
    if (!connecting)
        return;
    const auto connected = [&window, connecting, startup] {
        if (!connecting->status().isOk())
            return;
        if (startup.demo) {
            const QString directory = QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                      + u"/sample-%1d"_s.arg(startup.sampleOptions.days);
            QDir().mkpath(directory);
            // Remote workers do not see this computer's cache folder: then the workbench reads.
            const LoadMode mode = startup.addresses.isEmpty() ? LoadMode::Workers : LoadMode::Head;
            window.startDemo(directory, startup.sampleOptions, u"t2m"_s, mode);
        }
        if (!startup.dataPaths.isEmpty())
            window.openScatterWizard(startup.dataPaths);
    };
    if (connecting->isFinished())
        connected();
    else
        QObject::connect(connecting, &Operation::finished, &window, connected);
}
} // namespace

int main(int argc, char *argv[])
{
    tessera::blockallocator::tuneMalloc();
    QCoreApplication::setApplicationName(u"tessera"_s);
    QCoreApplication::setOrganizationName(u"Tessera"_s);
    QCoreApplication::setOrganizationDomain(u"tessera.org"_s);
    QCoreApplication::setApplicationVersion(Version);
    if (!hasDisplay(argc, argv)) {
        // On a login node over ssh: --help and --version still answer, and the rest says why not.
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describeOptions(parser);
        parser.process(app);
        std::fprintf(stderr, "tessera: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); "
                             "use ssh -X, or run the engine headless with tessera-cli (tessera-cli --help)\n");
        return 1;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(u"Tessera"_s);
    QGuiApplication::setDesktopFileName(u"org.tessera.Tessera"_s);
    QCommandLineParser parser;
    describeOptions(parser);
    parser.process(app);
    const Startup startup = readStartup(parser);

    ClusterSession session;
    LocalCluster localCluster;
    MainWindow window(&session, &localCluster);
    window.show();
    // After the window is up, so starting workers and writing sample data show their progress.
    QTimer::singleShot(0, &window, [&] { startUp(window, session, startup); });
    return app.exec();
}
