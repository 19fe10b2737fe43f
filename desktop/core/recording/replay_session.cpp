#include "replay_session.h"

#include "report/session_log.h"

#include "record_codec.h"
#include "session_player.h"

#include "session/presenter_session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace presenter {

namespace {
QString clockText(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    return u"%1:%2"_s.arg(s / 60, 2, 10, QChar(u'0')).arg(s % 60, 2, 10, QChar(u'0'));
}
} // namespace

ReplaySession::~ReplaySession()
{
    m_player.reset(); // before the session it feeds
}

std::unique_ptr<ReplaySession> ReplaySession::open(const QString &path, QString *error)
{
    QString readError;
    auto read = recording::readRecordingFile(path, &readError);
    if (!read) {
        *error = u"%1: %2"_s.arg(path, readError);
        return nullptr;
    }
    QStringList planErrors;
    std::optional<DemoPlan> plan;
    QString planOrigin;
    if (const QByteArray recorded = SessionPlayer::recordedPlan(read->records); !recorded.isEmpty()) {
        plan = DemoPlan::fromJson(recorded, &planErrors);
        planOrigin = u"the plan recorded in the file"_s;
    } else if (!read->header.plan.isEmpty() && QFile::exists(read->header.plan)) {
        plan = DemoPlan::load(read->header.plan, &planErrors);
        planOrigin = read->header.plan;
    } else {
        *error = u"%1: the recording holds no plan and the plan file '%2' is not here"_s.arg(path, read->header.plan);
        return nullptr;
    }
    if (!plan) {
        *error = u"%1: %2 does not validate: %3"_s.arg(path, planOrigin, planErrors.join(u"; "_s));
        return nullptr;
    }
    std::unique_ptr<ReplaySession> r(new ReplaySession);
    r->m_path = path;
    r->m_header = read->header;
    r->m_complete = read->complete;
    if (!read->complete) {
        r->m_problem = read->stoppedReason.isEmpty()
            ? u"the recording has no end record (the presenter stopped abruptly)"_s
            : u"plays up to line %1: %2"_s.arg(read->stoppedAtLine).arg(read->stoppedReason);
    }
    r->m_session = std::make_unique<PresenterSession>(recordcodec::profileFromJson(read->header.profile));
    r->m_session->setReplayMode();
    r->m_session->setReplaySource(QFileInfo(path).fileName());
    // sql/ paths in the plan resolve against the plan file's repository when it is here.
    r->m_session->setPlan(*plan, QFileInfo(read->header.plan).absoluteDir().absoluteFilePath(u".."_s));
    r->m_player = std::make_unique<SessionPlayer>(r->m_session.get());
    r->m_player->load(read->records);
    r->m_session->log()->restart(); // the report starts at the recording's start, not at open time
    return r;
}

QString ReplaySession::badgeText() const
{
    return badgeText(m_player->speed(), m_player->isPlaying(), m_player->atEnd(),
        m_player->nowMs() - m_player->startMs(), m_player->endMs() - m_player->startMs(), m_problem);
}

QString ReplaySession::badgeText(
    double speed, bool playing, bool atEnd, qint64 positionMs, qint64 lengthMs, const QString &problem)
{
    QString text
        = u"REPLAY · %1x · %2 / %3"_s.arg(QString::number(speed, 'g', 3), clockText(positionMs), clockText(lengthMs));
    if (atEnd) {
        text += u" · end"_s;
    } else if (!playing) {
        text += u" · paused"_s;
    }
    if (!problem.isEmpty()) {
        text += u" · truncated"_s;
    }
    return text;
}

} // namespace presenter
