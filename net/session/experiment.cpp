// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "net/session/experiment.h"

#include "core/expr/expression.h"
#include "core/expr/parser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace tessera {

namespace {
const QString FormatName = u"tessera-experiment"_s;
constexpr int FormatVersion = 1;

QString modeName(LoadMode mode)
{
    return (mode == LoadMode::Head) ? u"head"_s : u"workers"_s;
}

LoadMode modeFromName(const QString &name)
{
    return (name == u"head") ? LoadMode::Head : LoadMode::Workers;
}

QString distributionName(Distribution distribution)
{
    switch (distribution) {
    case Distribution::RoundRobin: return u"round-robin"_s;
    case Distribution::FreeMemory: return u"free-memory"_s;
    case Distribution::Contiguous: break;
    }
    return u"contiguous"_s;
}

Distribution distributionFromName(const QString &name)
{
    if (name == u"round-robin")
        return Distribution::RoundRobin;
    if (name == u"free-memory")
        return Distribution::FreeMemory;
    return Distribution::Contiguous;
}

QJsonObject loadToJson(const LoadRequest &request)
{
    return {
        {u"name"_s, request.name},
        {u"files"_s, QJsonArray::fromStringList(request.files)},
        {u"variable"_s, request.variable},
        {u"mode"_s, modeName(request.mode)},
        {u"distribution"_s, distributionName(request.distribution)},
        {u"blocksPerFile"_s, request.blocksPerFile},
    };
}

LoadRequest loadFromJson(const QJsonObject &json, const QString &baseDirectory)
{
    LoadRequest request;
    request.name = json.value(u"name"_s).toString(request.name);
    const QDir base(baseDirectory);
    for (const QJsonValue &file : json.value(u"files"_s).toArray())
        request.files << QDir::cleanPath(base.absoluteFilePath(file.toString()));
    request.variable = json.value(u"variable"_s).toString();
    request.mode = modeFromName(json.value(u"mode"_s).toString());
    request.distribution = distributionFromName(json.value(u"distribution"_s).toString());
    request.blocksPerFile = std::max(1, json.value(u"blocksPerFile"_s).toInt(1));
    return request;
}
} // namespace

QJsonObject reportToJson(const OperationReport &report)
{
    return {
        {u"text"_s, report.text},
        {u"wallSeconds"_s, report.wallSeconds},
        {u"planSeconds"_s, report.planSeconds},
        {u"computeSeconds"_s, report.computeSeconds},
        {u"transferSeconds"_s, report.transferSeconds},
        {u"taskCount"_s, report.taskCount},
        {u"clientBytes"_s, qint64(report.clientBytes)},
        {u"peerBytes"_s, qint64(report.peerBytes)},
    };
}

OperationReport reportFromJson(const QJsonObject &json)
{
    OperationReport report;
    report.text = json.value(u"text"_s).toString();
    report.wallSeconds = json.value(u"wallSeconds"_s).toDouble();
    report.planSeconds = json.value(u"planSeconds"_s).toDouble();
    report.computeSeconds = json.value(u"computeSeconds"_s).toDouble();
    report.transferSeconds = json.value(u"transferSeconds"_s).toDouble();
    report.taskCount = json.value(u"taskCount"_s).toInt();
    report.clientBytes = json.value(u"clientBytes"_s).toInteger();
    report.peerBytes = json.value(u"peerBytes"_s).toInteger();
    return report;
}

QJsonObject experimentToJson(const Experiment &experiment)
{
    QJsonObject json{
        {u"format"_s, FormatName},
        {u"version"_s, FormatVersion},
        {u"statements"_s, QJsonArray::fromStringList(experiment.statements)},
    };
    if (experiment.load)
        json.insert(u"load"_s, loadToJson(*experiment.load));

    QJsonArray runs;
    for (const TimingRun &run : experiment.runs) {
        QJsonArray reports;
        for (const OperationReport &report : run.reports)
            reports.append(reportToJson(report));
        runs.append(QJsonObject{{u"label"_s, run.label}, {u"reports"_s, reports}});
    }
    json.insert(u"runs"_s, runs);
    return json;
}

Result<Experiment> experimentFromJson(const QJsonObject &json, const QString &baseDirectory)
{
    if (json.value(u"format"_s).toString() != FormatName)
        return makeError(ErrorCode::Format, QObject::tr("not a Tessera experiment (no \"format\": \"%1\")").arg(FormatName));
    if (json.value(u"version"_s).toInt() > FormatVersion)
        return makeError(ErrorCode::Format, QObject::tr("written by a newer Tessera (format version %1; this one reads %2)")
                                                .arg(json.value(u"version"_s).toInt())
                                                .arg(FormatVersion));

    Experiment experiment;
    if (json.contains(u"load"_s))
        experiment.load = loadFromJson(json.value(u"load"_s).toObject(), baseDirectory);
    for (const QJsonValue &statement : json.value(u"statements"_s).toArray())
        experiment.statements << statement.toString();
    for (const QJsonValue &runValue : json.value(u"runs"_s).toArray()) {
        const QJsonObject runJson = runValue.toObject();
        TimingRun run;
        run.label = runJson.value(u"label"_s).toString();
        for (const QJsonValue &report : runJson.value(u"reports"_s).toArray())
            run.reports.push_back(reportFromJson(report.toObject()));
        experiment.runs.push_back(std::move(run));
    }
    return experiment;
}

Status saveExperiment(const QString &path, const Experiment &experiment)
{
    // QSaveFile: a failed write leaves the previous experiment intact.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(experimentToJson(experiment)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(ErrorCode::Io, QObject::tr("cannot write %1: %2").arg(path, file.errorString()));
    return Status::ok();
}

Result<Experiment> openExperiment(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QObject::tr("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (!document.isObject())
        return makeError(ErrorCode::Format,
                         QObject::tr("%1: not JSON (%2 at byte %3)").arg(path, error.errorString()).arg(error.offset));
    Result<Experiment> experiment = experimentFromJson(document.object(), QFileInfo(path).absolutePath());
    if (!experiment)
        return experiment.status().withContext(path);
    return experiment;
}

ExperimentRunner::ExperimentRunner(ClusterSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
}

void ExperimentRunner::start(const Experiment &experiment)
{
    if (m_running)
        return;
    m_experiment = experiment;
    m_nextStep = m_experiment.load ? 0 : 1;
    m_running = true;
    m_cancelled = false;

    // A re-run creates the same arrays again: free the old ones first, so the load is timed
    // from scratch and assignments do not collide with what the last run left.
    QStringList created;
    if (m_experiment.load)
        created << m_experiment.load->name;
    for (const QString &statement : std::as_const(m_experiment.statements)) {
        const Result<Statement> parsed = parseStatement(statement);
        if (parsed && !parsed->target.isEmpty())
            created << parsed->target;
    }
    for (const QString &name : std::as_const(created)) {
        if (m_session->array(name))
            m_session->removeArray(name);
    }

    // Later, so a caller connected to our signals after start() still sees the first step.
    QTimer::singleShot(0, this, &ExperimentRunner::runNext);
}

void ExperimentRunner::cancel()
{
    m_cancelled = true;
    if (m_current)
        m_current->cancel();
}

void ExperimentRunner::runNext()
{
    if (m_cancelled) {
        finish(makeError(ErrorCode::Cancelled, tr("Run all was cancelled")));
        return;
    }
    const int statementIndex = m_nextStep - 1;
    if (statementIndex >= m_experiment.statements.size()) {
        finish(Status::ok());
        return;
    }

    const QString statement = (statementIndex < 0) ? QString() : m_experiment.statements.at(statementIndex);
    Operation *operation = (statementIndex < 0) ? m_session->load(*m_experiment.load) : m_session->evaluate(statement);
    ++m_nextStep;
    m_current = operation;
    Q_EMIT stepStarted(operation, statement);

    const auto onFinished = [this, operation, statement] {
        m_current.clear();
        Q_EMIT stepFinished(operation, statement);
        if (!operation->status().isOk()) {
            const QString step = statement.isEmpty() ? tr("the load") : statement;
            finish(operation->status().withContext(tr("Run all stopped at %1").arg(step)));
            return;
        }
        runNext();
    };
    if (operation->isFinished())
        QTimer::singleShot(0, this, onFinished);
    else
        connect(operation, &Operation::finished, this, onFinished);
}

void ExperimentRunner::finish(const Status &status)
{
    m_running = false;
    Q_EMIT finished(status);
}

} // namespace tessera
