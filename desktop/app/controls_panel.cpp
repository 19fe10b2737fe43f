#include "controls_panel.h"

#include "spike_dialog.h"

#include "sources/commands.h"
#include "sources/sample_app_control.h"
#include "sources/sql_runner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

ControlsPanel::ControlsPanel(ControlsInputs inputs, QWidget *parent)
    : QGroupBox(u"Controls"_s, parent), m_in(std::move(inputs))
{
    new QVBoxLayout(this);
    buildLoadRows();
    buildSqlRows();
    buildScaleRows();
    connect(m_in.control, &SampleAppControl::commandFinished, this,
        [this](quint64, SampleAppControl::Command command, bool ok, const QString &message) {
            if (command != SampleAppControl::Command::Refresh) {
                const QString what = SampleAppControl::commandName(command);
                m_commandStatus->setText(ok ? QString(what + u": ok"_s) : QString(what + u": refused: "_s + message));
            }
        });
}

void ControlsPanel::buildLoadRows()
{
    auto *v = static_cast<QVBoxLayout *>(layout());
    // Every command through the load commands: in a replay they are refused, never sent.
    LoadCommands *load = m_in.load;
    auto *loadRow = new QHBoxLayout;
    m_rps = new QSpinBox;
    m_rps->setRange(1, 1000);
    m_rps->setValue(20);
    m_rps->setSuffix(u" req/s"_s);
    auto *start = new QPushButton(u"Start load"_s);
    auto *stop = new QPushButton(u"Stop load"_s);
    connect(start, &QPushButton::clicked, this, [this, load] { load->loadStart(m_rps->value(), {}); });
    connect(stop, &QPushButton::clicked, this, [load] { load->loadStop(); });
    loadRow->addWidget(m_rps);
    loadRow->addWidget(start);
    loadRow->addWidget(stop);
    v->addLayout(loadRow);

    auto *mixRow = new QHBoxLayout;
    m_readers = new QCheckBox(u"Readers (search)"_s);
    m_writers = new QCheckBox(u"Writers (login)"_s);
    m_readers->setChecked(true);
    m_writers->setChecked(true);
    connect(m_readers, &QCheckBox::clicked, this, [load](bool on) { load->setReaders(on); });
    connect(m_writers, &QCheckBox::clicked, this, [load](bool on) { load->setWriters(on); });
    auto *spike = new QPushButton(u"Spike…"_s);
    connect(spike, &QPushButton::clicked, this, &ControlsPanel::spike);
    mixRow->addWidget(m_readers);
    mixRow->addWidget(m_writers);
    mixRow->addWidget(spike);
    v->addLayout(mixRow);
    m_loadStatus = new QLabel(u"Load: no state yet"_s);
    m_loadStatus->setWordWrap(true);
    v->addWidget(m_loadStatus);
}

void ControlsPanel::buildSqlRows()
{
    auto *v = static_cast<QVBoxLayout *>(layout());
    auto *sqlRow = new QHBoxLayout;
    m_sqlFile = new QComboBox;
    const QDir sqlDir(m_in.sqlDir);
    for (const QString &f : sqlDir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name)) {
        m_sqlFile->addItem(f, sqlDir.absoluteFilePath(f));
    }
    auto *runSql = new QPushButton(u"Run SQL…"_s);
    connect(runSql, &QPushButton::clicked, this, &ControlsPanel::runSql);
    sqlRow->addWidget(m_sqlFile, 1);
    sqlRow->addWidget(runSql);
    v->addLayout(sqlRow);
    m_sqlStatus = new QLabel;
    m_sqlStatus->setWordWrap(true);
    v->addWidget(m_sqlStatus);
    connect(m_in.sql, &SqlRunner::progress, this, [this](int index, int total, const QString &statement) {
        m_sqlStatus->setText(u"SQL %1/%2: %3"_s.arg(index + 1).arg(total).arg(statement.simplified().left(100)));
    });
}

void ControlsPanel::buildScaleRows()
{
    auto *v = static_cast<QVBoxLayout *>(layout());
    auto *scaleRow = new QHBoxLayout;
    m_nodesSpin = new QSpinBox;
    m_nodesSpin->setRange(1, 9);
    m_nodesSpin->setValue(3);
    m_nodesSpin->setSuffix(u" nodes"_s);
    auto *scale = new QPushButton(u"Scale…"_s);
    connect(scale, &QPushButton::clicked, this, &ControlsPanel::scale);
    scaleRow->addWidget(m_nodesSpin);
    scaleRow->addWidget(scale);
    v->addLayout(scaleRow);
    m_commandStatus = new QLabel;
    m_commandStatus->setWordWrap(true);
    v->addWidget(m_commandStatus);
}

QString ControlsPanel::sqlStatusText() const
{
    return m_sqlStatus->text();
}

QString ControlsPanel::loadStatusText() const
{
    return m_loadStatus->text();
}

void ControlsPanel::showSqlOutcome(const QString &text)
{
    m_sqlStatus->setText(text);
}

void ControlsPanel::showLoadState(const LoadState &s)
{
    const QSignalBlocker b1(m_readers);
    const QSignalBlocker b2(m_writers);
    m_readers->setChecked(s.readers);
    m_writers->setChecked(s.writers);
    QString text = s.running ? u"Load: target %1 req/s, achieved %2, in flight %3, dropped %4"_s.arg(s.targetRps)
                                   .arg(s.achievedRps, 0, 'f', 1)
                                   .arg(s.inFlight)
                                   .arg(s.droppedTotal)
                             : u"Load: stopped"_s;
    if (s.spikeActive) {
        text += u"; spike %1 req/s, %2 s left"_s.arg(s.spikeRps).arg(s.spikeRemainingS, 0, 'f', 0);
    }
    m_loadStatus->setText(text);
}

bool ControlsPanel::confirm(const QString &title, const QString &text)
{
    return QMessageBox::question(this, title, text) == QMessageBox::Yes;
}

void ControlsPanel::runSql()
{
    const QString path = m_sqlFile->currentData().toString();
    if (path.isEmpty() || !confirm(u"Run SQL"_s, u"Run %1 against the cluster?"_s.arg(m_sqlFile->currentText()))) {
        return;
    }
    QString why;
    if (!m_in.runSqlFile(path, &why)) {
        m_sqlStatus->setText(u"Refused: "_s + why);
    }
}

void ControlsPanel::scale()
{
    const int n = m_nodesSpin->value();
    if (!confirm(u"Scale"_s, u"Scale the CockroachDB cluster to %1 node(s)?"_s.arg(n))) {
        return;
    }
    QString why;
    if (!m_in.cluster->scaleTo(n, &why)) {
        m_commandStatus->setText(u"Scale refused: "_s + why);
        return;
    }
    m_in.scaled(n);
}

void ControlsPanel::spike()
{
    SpikeDialog dialog(m_in.control->lastState(), this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    m_in.load->spike(dialog.seconds(), dialog.rps(), dialog.mix());
}

} // namespace presenter
