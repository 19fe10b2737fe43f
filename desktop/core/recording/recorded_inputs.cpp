#include "recorded_inputs.h"

#include "record_codec.h"
#include "session_player.h"

#include "session/presenter_session.h"

using namespace Qt::StringLiterals;

namespace presenter {

namespace recordedinputs {

namespace {

using recording::Record;

QString text(const Record &r, QLatin1StringView field)
{
    return r.data.value(field).toString();
}

// An answer to one of the running beat's expectations; another beat's is dropped (live dropped it
// the same way).
void promQuery(ExpectationEvaluator *ev, const Record &r)
{
    const int index = r.data.value("index"_L1).toInt(-1);
    if (text(r, "beat"_L1) != ev->beatId() || index < 0 || index >= ev->states().size()) {
        return;
    }
    if (r.data.contains("error"_L1)) {
        ev->onPromError(index, text(r, "error"_L1), r.tMs);
    } else {
        ev->onPromResult(index, recordcodec::seriesFromJson(r.data.value("series"_L1).toArray()), r.tMs);
    }
}

void promPoll(PrometheusClient *prom, const Record &r)
{
    if (r.data.contains("error"_L1)) {
        prom->deliverFailure(text(r, "name"_L1), text(r, "error"_L1));
    } else {
        prom->deliver(text(r, "name"_L1), recordcodec::seriesFromJson(r.data.value("series"_L1).toArray()));
    }
}

void fault(ClusterDriver *cluster, const Record &r)
{
    if (const auto f = recordcodec::faultFromKey(text(r, "fault"_L1))) {
        cluster->applyFaultEvent(
            text(r, "event"_L1) == "started"_L1, r.data.value("ordinal"_L1).toInt(), text(r, "pod"_L1), *f);
    }
}

void appCommand(SampleAppControl *control, const Record &r)
{
    if (const auto command = recordcodec::commandFromKey(text(r, "command"_L1))) {
        control->reportFinished(
            control->newRequestId(), *command, r.data.value("ok"_L1).toBool(), text(r, "message"_L1));
    }
}

void actionOutcome(PresenterSession *s, const Record &r)
{
    if (const auto outcome = recordcodec::actionOutcomeFromJson(r.data)) {
        s->applyActionOutcome(r.data.value("index"_L1).toInt(-1), *outcome);
    }
}

} // namespace

void registerHandlers(SessionPlayer &player, PresenterSession &session)
{
    using namespace recordcodec;
    PresenterSession *s = &session;
    const auto on = [&player](const char *kind, SessionPlayer::Handler handler) {
        player.setHandler(QString::fromLatin1(kind), std::move(handler));
    };
    on("feed", [s](const Record &r) { s->feed()->ingest(text(r, "text"_L1), r.tMs); });
    on("feed_connected", [s](const Record &r) { s->feed()->applyConnected(r.data.value("connected"_L1).toBool()); });
    on("prom_poll", [s](const Record &r) { promPoll(s->prometheus(), r); });
    on("prom_query", [s](const Record &r) { promQuery(s->evaluator(), r); });
    on("cluster_status", [s](const Record &r) { s->cluster()->applyStatus(clusterStatusFromJson(r.data)); });
    on("fault", [s](const Record &r) { fault(s->cluster(), r); });
    on("cluster_op", [s](const Record &r) {
        s->cluster()->applyOperationFinished(r.data.value("ok"_L1).toBool(), text(r, "summary"_L1));
    });
    on("node_status", [s](const Record &r) { s->nodeStatus()->applySnapshot(nodeSnapshotFromJson(r.data)); });
    on("app_state", [s](const Record &r) { s->control()->applyState(r.data.value("load"_L1).toObject()); });
    on("app_command", [s](const Record &r) { appCommand(s->control(), r); });
    on("sql",
        [s](const Record &r) { s->sql()->reportFinished(r.data.value("ok"_L1).toBool(), text(r, "summary"_L1)); });
    on("story", [s](const Record &r) { s->story()->restore(storyFromJson(r.data)); });
    on("beat_run", [s](const Record &r) { s->applyBeatRun(r.data.value("index"_L1).toInt(-1)); });
    on("action_outcome", [s](const Record &r) { actionOutcome(s, r); });
    on("action", [s](const Record &r) { s->applyActionCompleted(r.data.value("index"_L1).toInt(-1), r.tMs); });
    on("beat_finished",
        [s](const Record &r) { s->applyBeatFinished(r.tMs, r.data.value("ok"_L1).toBool(), text(r, "summary"_L1)); });
    on("marker", [s](const Record &r) {
        s->store().addMarker(
            EventMarker {r.data.value("x"_L1).toInteger(), markerKindFromName(text(r, "kind"_L1)), text(r, "text"_L1)});
    });
}

} // namespace recordedinputs

} // namespace presenter
