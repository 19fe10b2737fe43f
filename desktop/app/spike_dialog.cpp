#include "spike_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace presenter {

SpikeDialog::SpikeDialog(const LoadState &state, QWidget *parent)
    : QDialog(parent)
    , m_seconds(new QDoubleSpinBox(this))
    , m_rps(new QDoubleSpinBox(this))
    , m_search(new QDoubleSpinBox(this))
    , m_limits(new QLabel(this))
{
    setWindowTitle(u"Spike"_s);
    const int maxRps = state.maxRps > 0 ? state.maxRps : 1000;
    const int maxSeconds = state.maxSeconds > 0 ? state.maxSeconds : 300;
    // The spike adds to the running base load; both count against max_rps.
    const double room = std::max(1.0, maxRps - (state.running ? state.targetRps - state.spikeRps : 0.0));
    m_seconds->setRange(1, maxSeconds);
    m_seconds->setValue(std::min(60, maxSeconds));
    m_seconds->setSuffix(u" s"_s);
    m_rps->setRange(1, room);
    m_rps->setValue(std::min(200.0, room));
    m_rps->setSuffix(u" req/s"_s);
    m_search->setRange(0, 1);
    m_search->setSingleStep(0.1);
    m_search->setValue(0.9);
    m_limits->setObjectName(u"guardrails"_s);
    m_limits->setWordWrap(true);
    m_limits->setText(
        u"Sample app guardrails: at most %1 req/s in total (load + spike), spikes of at most %2 s, "
        u"at most %3 operations in flight (beyond that, operations are dropped and counted)%4."_s.arg(maxRps)
            .arg(maxSeconds)
            .arg(state.maxConcurrency)
            .arg(state.maxRps > 0 ? QString() : u" (defaults: the app has not answered GET /load)"_s));
    auto *form = new QFormLayout(this);
    form->addRow(m_limits);
    form->addRow(u"Duration"_s, m_seconds);
    form->addRow(u"Rate"_s, m_rps);
    form->addRow(u"Search share"_s, m_search);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(u"Start spike"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

double SpikeDialog::seconds() const
{
    return m_seconds->value();
}
double SpikeDialog::rps() const
{
    return m_rps->value();
}
QMap<QString, double> SpikeDialog::mix() const
{
    const double search = m_search->value();
    return {{u"search"_s, search}, {u"login"_s, 1.0 - search}};
}
QString SpikeDialog::guardrailsText() const
{
    return m_limits->text();
}

} // namespace presenter
