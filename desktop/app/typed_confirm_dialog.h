#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace presenter {

// A confirmation that cannot be clicked through: the presenter types `expected` (the pod name)
// before the confirm button enables. Used for a fault that would lose a majority of replicas.
class TypedConfirmDialog : public QDialog
{
    Q_OBJECT
public:
    TypedConfirmDialog(const QString &title, const QString &text, const QString &expected, QWidget *parent = nullptr);
    QLineEdit *input() const { return m_input; }
    QPushButton *confirmButton() const { return m_confirm; }

private:
    QLineEdit *m_input;
    QPushButton *m_confirm;
};

} // namespace presenter
