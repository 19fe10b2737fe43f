#pragma once

#include "sources/commands.h"
#include "sources/sample_app_control.h"

#include <QPointer>
#include <QString>

namespace presenter {

// What a replay's commands are (PresenterSession::setReplayMode): every cluster, SQL and load
// command refused with one reason, reason(), and nothing executed. A cluster or SQL command is
// refused synchronously (false, *whyNot). A load command is answered like a request: later (queued),
// as SampleAppControl::commandFinished(id, command, false, reason()) with the id it returned, an id
// the control handed out (SampleAppControl::newRequestId), so callers waiting for their answer get it.
//
// Threading: GUI thread only (the control's).
class RefusingCommands final : public ClusterCommands, public SqlCommands, public LoadCommands
{
public:
    explicit RefusingCommands(SampleAppControl *control) : m_control(control) { }

    static QString reason();

    bool scaleTo(int nodes, QString *whyNot) override;
    bool stopNode(int ordinal, QString *whyNot) override;
    bool injectFault(kube::Fault fault, int ordinal, bool allowMajorityLoss, QString *whyNot) override;
    bool releaseNode(kube::Fault expected, int ordinal, QString *whyNot) override;
    bool healAll(QString *whyNot) override;

    bool runFile(const QString &path, QString *whyNot) override;

    quint64 refresh() override;
    quint64 loadStart(double rps, const QMap<QString, double> &mix) override;
    quint64 loadStop() override;
    quint64 setReaders(bool on) override;
    quint64 setWriters(bool on) override;
    quint64 spike(double seconds, double rps, const QMap<QString, double> &mix) override;
    quint64 spikeStop() override;

private:
    static bool refuse(QString *whyNot);
    // The id of the answer, emitted on the next event-loop pass (0 without a control).
    quint64 answerLater(SampleAppControl::Command command);

    QPointer<SampleAppControl> m_control;
};

} // namespace presenter
