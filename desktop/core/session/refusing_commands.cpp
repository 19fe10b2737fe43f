#include "refusing_commands.h"

#include "sources/sample_app_control.h"

using namespace Qt::StringLiterals;

namespace presenter {

QString RefusingCommands::reason()
{
    return u"this is a replay: actions are shown as recorded, never executed"_s;
}

bool RefusingCommands::refuse(QString *whyNot)
{
    if (whyNot) {
        *whyNot = reason();
    }
    return false;
}

bool RefusingCommands::scaleTo(int, QString *whyNot)
{
    return refuse(whyNot);
}

bool RefusingCommands::stopNode(int, QString *whyNot)
{
    return refuse(whyNot);
}

bool RefusingCommands::injectFault(kube::Fault, int, bool, QString *whyNot)
{
    return refuse(whyNot);
}

bool RefusingCommands::releaseNode(kube::Fault, int, QString *whyNot)
{
    return refuse(whyNot);
}

bool RefusingCommands::healAll(QString *whyNot)
{
    return refuse(whyNot);
}

bool RefusingCommands::runFile(const QString &, QString *whyNot)
{
    return refuse(whyNot);
}

quint64 RefusingCommands::answerLater(SampleAppControl::Command command)
{
    if (!m_control) {
        return 0;
    }
    const quint64 id = m_control->newRequestId();
    // Answered later, like a request: callers match the id they got back. The control is the
    // context: a control gone meanwhile drops the answer with it.
    SampleAppControl *control = m_control;
    QMetaObject::invokeMethod(
        control, [control, id, command] { control->reportFinished(id, command, false, reason()); },
        Qt::QueuedConnection);
    return id;
}

quint64 RefusingCommands::refresh()
{
    return answerLater(SampleAppControl::Command::Refresh);
}

quint64 RefusingCommands::loadStart(double, const QMap<QString, double> &)
{
    return answerLater(SampleAppControl::Command::LoadStart);
}

quint64 RefusingCommands::loadStop()
{
    return answerLater(SampleAppControl::Command::LoadStop);
}

quint64 RefusingCommands::setReaders(bool on)
{
    return answerLater(on ? SampleAppControl::Command::ReadersOn : SampleAppControl::Command::ReadersOff);
}

quint64 RefusingCommands::setWriters(bool on)
{
    return answerLater(on ? SampleAppControl::Command::WritersOn : SampleAppControl::Command::WritersOff);
}

quint64 RefusingCommands::spike(double, double, const QMap<QString, double> &)
{
    return answerLater(SampleAppControl::Command::Spike);
}

quint64 RefusingCommands::spikeStop()
{
    return answerLater(SampleAppControl::Command::SpikeStop);
}

} // namespace presenter
