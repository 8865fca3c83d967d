// tessera: the workbench. Only the command line lives here; the window is in ui/.

#include "ui/connect/connectprofile.h"
#include "ui/mainwindow/mainwindow.h"

#include "core/io/sampledata.h"
#include "net/session/clustersession.h"
#include "net/protocol/handshake.h"
#include "net/protocol/hostport.h"
#include "net/session/localcluster.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace tessera;
using namespace tessera::ui;

namespace
{
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
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"tessera"_s);
    QApplication::setApplicationDisplayName(u"Tessera"_s);
    QApplication::setOrganizationName(u"Tessera"_s);
    QApplication::setOrganizationDomain(u"tessera.org"_s);
    QApplication::setApplicationVersion(Version);
    QGuiApplication::setDesktopFileName(u"org.tessera.Tessera"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Array experiments on a cluster of worker processes, and seeing them."_s);
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
    });
    parser.addPositionalArgument(u"files"_s,
                                 u"NetCDF files or folders to scatter (the wizard opens with them once "
                                 "connected), or an experiment (.json) to open."_s,
                                 u"[files...]"_s);
    parser.process(app);

    const bool demo = parser.isSet(u"demo"_s);
    QStringList addresses;
    if (parser.isSet(u"connect"_s)) {
        const Result<QStringList> parsed = parseHostPortList(parser.value(u"connect"_s));
        if (!parsed)
            fail(u"--connect: "_s + parsed.status().message());
        addresses = *parsed;
    }
    LocalClusterOptions localOptions = ConnectProfile::lastUsed().localOptions();
    int localWorkers = 0;
    if (parser.isSet(u"local"_s))
        localWorkers = positiveOption(parser, u"local"_s);
    else if (demo && addresses.isEmpty())
        localWorkers = 2;
    if (localWorkers > 0) {
        localOptions.workers = localWorkers;
        localOptions.threadsPerWorker = std::max(1, QThread::idealThreadCount() / 2 / localWorkers);
    }
    if (parser.isSet(u"threads"_s))
        localOptions.threadsPerWorker = positiveOption(parser, u"threads"_s);
    QByteArray token;
    if (parser.isSet(u"token-file"_s)) {
        const Result<QByteArray> read = readTokenFile(parser.value(u"token-file"_s));
        if (!read)
            fail(read.status().message());
        token = *read;
    }
    SampleDataOptions sampleOptions;
    sampleOptions.days = demo ? positiveOption(parser, u"days"_s) : sampleOptions.days;

    ClusterSession session;
    LocalCluster localCluster;
    MainWindow window(&session, &localCluster);
    window.show();

    QStringList dataPaths;
    QStringList experiments;
    for (const QString &path : parser.positionalArguments())
        (path.endsWith(u".json"_s, Qt::CaseInsensitive) ? experiments : dataPaths) << path;

    // After the window is up, so starting workers and writing sample data show their progress.
    QTimer::singleShot(0, &window, [&]
    {
        for (const QString &path : std::as_const(experiments)) {
            if (const Status opened = window.openExperimentFile(path); !opened.isOk())
                QMessageBox::warning(&window, QObject::tr("Open experiment"), opened.message());
        }

        Operation *connecting = nullptr;
        if (!addresses.isEmpty())
            connecting = window.connectToWorkers(addresses, token);
        else if (localWorkers > 0)
            connecting = window.startLocalCluster(localOptions);
        else if (dataPaths.isEmpty())
            window.openConnectDialog();
        else
            window.openScatterWizard(dataPaths); // asks to connect first
        if (!connecting)
            return;

        const QString directory = QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                  + u"/sample-%1d"_s.arg(sampleOptions.days);
        // Remote workers do not see this computer's cache folder: then the workbench reads.
        const LoadMode mode = addresses.isEmpty() ? LoadMode::Workers : LoadMode::Head;
        const auto connected = [&window, connecting, directory, sampleOptions, mode, demo, dataPaths]
        {
            if (!connecting->status().isOk())
                return;
            if (demo) {
                QDir().mkpath(directory);
                window.startDemo(directory, sampleOptions, u"t2m"_s, mode);
            }
            if (!dataPaths.isEmpty())
                window.openScatterWizard(dataPaths);
        };
        if (connecting->isFinished())
            connected();
        else
            QObject::connect(connecting, &Operation::finished, &window, connected);
    });

    return app.exec();
}
