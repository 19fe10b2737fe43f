#include "session_recorder.h"

#include "record_codec.h"

#include "session/presenter_session.h"

#include "config/enum_names.h"

#include <QCoreApplication>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace presenter {

SessionRecorder::SessionRecorder(PresenterSession *session, Sink sink, QObject *parent)
    : QObject(parent), m_session(session), m_sink(std::move(sink))
{
    using namespace recordcodec;
    FeedClient *feed = session->feed();
    // Stamped with the receive time the session judges the tick at (FeedClient::handlingReceivedMs).
    connect(feed, &FeedClient::messageReceived, this, [this](const QString &text, qint64 receivedMs) {
        emitRecord(u"feed"_s, {{u"text"_s, text}}, receivedMs);
    });
    connect(feed, &FeedClient::connectedChanged, this, [this](bool connected) {
        emitRecord(u"feed_connected"_s, {{u"connected"_s, connected}});
    });

    PrometheusClient *prom = session->prometheus();
    // The query with its answer (the file says what was asked; a replay needs only the name).
    connect(prom, &PrometheusClient::polled, this, [this, prom](const QString &name, const QList<PromSeries> &series) {
        emitRecord(u"prom_poll"_s,
            {{u"name"_s, name}, {u"promql"_s, prom->pollQuery(name)}, {u"series"_s, seriesToJson(series)}});
    });
    connect(prom, &PrometheusClient::pollFailed, this, [this, prom](const QString &name, const QString &error) {
        emitRecord(u"prom_poll"_s, {{u"name"_s, name}, {u"promql"_s, prom->pollQuery(name)}, {u"error"_s, error}});
    });
    ExpectationEvaluator *evaluator = session->evaluator();
    connect(evaluator, &ExpectationEvaluator::promAnswered, this,
        [this, evaluator](int index, const QList<PromSeries> &series, const QString &error, qint64 atMs) {
            QJsonObject d {{u"beat"_s, evaluator->beatId()}, {u"index"_s, index}};
            if (index >= 0 && index < evaluator->states().size()) {
                d.insert(u"promql"_s, evaluator->states().at(index).expectation.expr);
            }
            if (error.isEmpty()) {
                d.insert(u"series"_s, seriesToJson(series));
            } else {
                d.insert(u"error"_s, error);
            }
            emitRecord(u"prom_query"_s, d, atMs);
        });
    // Kept for readers (--list-recordings, --fallback latest judge a rehearsal by it); a replay
    // judges its verdicts again from the inputs.
    connect(evaluator, &ExpectationEvaluator::settled, this,
        [this, evaluator](int index, ExpectationEvaluator::Verdict verdict, const QString &text) {
            emitRecord(u"verdict"_s,
                {{u"beat"_s, evaluator->beatId()}, {u"index"_s, index},
                    {u"verdict"_s, enumKey(verdict, KeyStyle::Snake)}, {u"text"_s, text}});
        });

    ClusterDriver *cluster = session->cluster();
    connect(cluster, &ClusterDriver::statusChanged, this, [this](const ClusterDriver::ClusterStatus &status) {
        emitRecord(u"cluster_status"_s, clusterStatusToJson(status));
    });
    connect(
        cluster, &ClusterDriver::faultStarted, this, [this](int ordinal, const QString &pod, ClusterDriver::Fault f) {
            emitRecord(u"fault"_s,
                {{u"event"_s, u"started"_s}, {u"ordinal"_s, ordinal}, {u"pod"_s, pod}, {u"fault"_s, faultKey(f)}});
        });
    connect(cluster, &ClusterDriver::faultEnded, this, [this](int ordinal, const QString &pod, ClusterDriver::Fault f) {
        emitRecord(u"fault"_s,
            {{u"event"_s, u"ended"_s}, {u"ordinal"_s, ordinal}, {u"pod"_s, pod}, {u"fault"_s, faultKey(f)}});
    });
    connect(cluster, &ClusterDriver::operationFinished, this, [this](bool ok, const QString &summary) {
        emitRecord(u"cluster_op"_s, {{u"ok"_s, ok}, {u"summary"_s, summary}});
    });
    connect(session->nodeStatus(), &NodeStatusClient::updated, this,
        [this](const NodeStatusSnapshot &s) { emitRecord(u"node_status"_s, nodeSnapshotToJson(s)); });

    SampleAppControl *control = session->control();
    connect(control, &SampleAppControl::stateReceived, this, [this, control] {
        emitRecord(u"app_state"_s, {{u"load"_s, control->lastStateJson()}});
    });
    connect(control, &SampleAppControl::commandFinished, this,
        [this](quint64, SampleAppControl::Command command, bool ok, const QString &message) {
            emitRecord(u"app_command"_s, {{u"command"_s, commandKey(command)}, {u"ok"_s, ok}, {u"message"_s, message}});
        });
    connect(session->sql(), &SqlRunner::finished, this, [this](bool ok, const QString &summary) {
        emitRecord(u"sql"_s, {{u"ok"_s, ok}, {u"summary"_s, summary}});
    });

    StoryController *story = session->story();
    connect(story, &StoryController::changed, this, [this, story] {
        const QJsonObject now = storyToJson(story->snapshot());
        if (now != m_lastStory) {
            m_lastStory = now;
            emitRecord(u"story"_s, now);
        }
    });
    connect(session, &PresenterSession::beatRunStarted, this, [this](int index, const QString &beatId) {
        emitRecord(u"beat_run"_s, {{u"index"_s, index}, {u"beat"_s, beatId}});
    });
    connect(session->executor(), &BeatExecutor::actionCompleted, this,
        [this](int index, const PlanAction &action, qint64 atMs) {
            emitRecord(u"action"_s, {{u"index"_s, index}, {u"type"_s, PlanAction::typeName(action.type)}}, atMs);
        });
    // Before the "action" it completes (the executor emits it first): a replay skips the same verdicts.
    connect(session, &PresenterSession::actionOutcome, this, [this](int index, const ActionOutcome &outcome) {
        emitRecord(u"action_outcome"_s, actionOutcomeToJson(index, outcome));
    });
    connect(session->executor(), &BeatExecutor::finished, this, [this](bool ok, const QString &summary) {
        emitRecord(u"beat_finished"_s, {{u"ok"_s, ok}, {u"summary"_s, summary}});
    });
    connect(session, &PresenterSession::markerAdded, this, [this](const EventMarker &m) {
        emitRecord(u"marker"_s, {{u"x"_s, m.tsMs}, {u"kind"_s, eventMarkerKindName(m.kind)}, {u"text"_s, m.text}});
    });
}

recording::Header SessionRecorder::header(const PresenterSession &session, qint64 startedMs)
{
    recording::Header h;
    h.startedMs = startedMs;
    h.plan = session.profile().planPath;
    h.planTitle = session.story()->plan().title;
    h.profile = recordcodec::profileToJson(session.profile());
    h.presenterVersion = QCoreApplication::applicationVersion();
    return h;
}

void SessionRecorder::recordPlan(const QByteArray &planJson)
{
    const QJsonDocument doc = QJsonDocument::fromJson(planJson);
    emitRecord(u"plan"_s, {{u"document"_s, doc.object()}});
}

void SessionRecorder::recordUser(const QString &what)
{
    emitRecord(u"user"_s, {{u"what"_s, what}});
}

void SessionRecorder::emitRecord(const QString &kind, const QJsonObject &data, qint64 tMs)
{
    ++m_records;
    m_sink(recording::Record {tMs >= 0 ? tMs : m_session->clock().nowMs(), kind, data});
}

} // namespace presenter
