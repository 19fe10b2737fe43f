#pragma once

#include "sources/feed_messages.h"

#include <QDialog>
#include <QMap>

class QDoubleSpinBox;
class QLabel;

namespace presenter {

// Asks for a spike (seconds, req/s, search share) within the sample app's guardrails, which it
// shows as reported by GET /load (`limits`): the spin boxes cannot exceed them.
class SpikeDialog : public QDialog
{
    Q_OBJECT
public:
    SpikeDialog(const LoadState &state, QWidget *parent = nullptr);
    double seconds() const;
    double rps() const;
    QMap<QString, double> mix() const;
    QString guardrailsText() const;

private:
    QDoubleSpinBox *m_seconds;
    QDoubleSpinBox *m_rps;
    QDoubleSpinBox *m_search;
    QLabel *m_limits;
};

} // namespace presenter
