#pragma once

#include <QJsonObject>
#include <QString>
#include <QtGlobal>

namespace presenter {

// A session recording (desktop/docs/RECORDING.md): every input the presenter received, one JSON
// object per line, gzip-compressed (`zcat session.jsonl.gz | jq .` reads it).
//
//   line 1:  {"format":"crdb-live-evolution-recording","version":1,"started_ms":...,"plan":...,"profile":{...}}
//   then:    {"t":<receive time, ms since the epoch>,"k":"<kind>","d":{<payload>}}
//   last:    {"t":...,"k":"end","d":{}}   (missing when the presenter stopped abruptly)
//
// The kinds and their payloads are listed in RECORDING.md; the recorder (SessionRecorder) writes
// them and the player (SessionPlayer) feeds them back through the same code paths.
namespace recording {

inline constexpr int kFormatVersion = 1;
inline constexpr char kFormatName[] = "crdb-live-evolution-recording";

struct Header
{
    int version = kFormatVersion;
    qint64 startedMs = 0; // the presenter's clock when recording began
    QString plan; // the plan's path as the presenter loaded it
    QString planTitle;
    // The connection profile without secrets (ConnectionProfile::toRecordingJson): no passwords,
    // no tokens, no conninfo password.
    QJsonObject profile;
    QString presenterVersion;
    // Why the session ran: "talk" (a live talk, also when absent in an older file) or "rehearsal"
    // (presenter --rehearse). --fallback latest and --list-recordings read it.
    QString purpose = QStringLiteral("talk");
};

struct Record
{
    qint64 tMs = 0; // when the presenter received it (its clock, ms since the epoch)
    QString kind; // "feed", "prom_poll", ... (RECORDING.md)
    QJsonObject data;

    bool operator==(const Record &) const = default;
};

} // namespace recording

} // namespace presenter
