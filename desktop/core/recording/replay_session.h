#pragma once

#include "recording_reader.h"

#include <QString>

#include <memory>

namespace presenter {

class PresenterSession;
class SessionPlayer;

// A recording opened for playback: the file read (tolerantly: a truncated or corrupted file plays
// what is valid), a PresenterSession in replay mode with the recorded profile (no secrets in it)
// and the recorded plan, and the SessionPlayer that feeds it. What `presenter --replay FILE` and
// the live talk's fallback (F9) both use.
//
// Threading: GUI thread only.
class ReplaySession
{
public:
    // nullptr with *error when the file cannot be read, is not a recording, is of another format
    // version, or has no plan (neither a "plan" record nor a readable plan file at the header's path).
    static std::unique_ptr<ReplaySession> open(const QString &path, QString *error);
    ~ReplaySession();

    PresenterSession *session() const { return m_session.get(); }
    SessionPlayer *player() const { return m_player.get(); }
    QString path() const { return m_path; }
    const recording::Header &header() const { return m_header; }
    bool complete() const { return m_complete; }
    // Empty for a complete file; else where and why reading stopped ("plays up to line 812: ...").
    QString problem() const { return m_problem; }

    // The badge both windows show while a replay plays, e.g.
    // "REPLAY · 10x · 03:12 / 15:40" (" · paused", " · end", " · truncated"); short enough for a
    // corner of the kiosk. The file's name is on the presenter's window title.
    QString badgeText() const;
    static QString badgeText(
        double speed, bool playing, bool atEnd, qint64 positionMs, qint64 lengthMs, const QString &problem);

private:
    ReplaySession() = default;

    QString m_path;
    recording::Header m_header;
    bool m_complete = false;
    QString m_problem;
    std::unique_ptr<PresenterSession> m_session;
    std::unique_ptr<SessionPlayer> m_player;
};

} // namespace presenter
