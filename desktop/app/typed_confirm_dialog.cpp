#include "typed_confirm_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace presenter {

TypedConfirmDialog::TypedConfirmDialog(
    const QString &title, const QString &text, const QString &expected, QWidget *parent)
    : QDialog(parent), m_input(new QLineEdit), m_confirm(nullptr)
{
    setWindowTitle(title);
    auto *v = new QVBoxLayout(this);
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    v->addWidget(label);
    v->addWidget(new QLabel(u"Type <b>%1</b> to confirm:"_s.arg(expected.toHtmlEscaped())));
    m_input->setObjectName(u"typedConfirmation"_s);
    v->addWidget(m_input);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_confirm = buttons->addButton(title, QDialogButtonBox::AcceptRole);
    m_confirm->setEnabled(false);
    v->addWidget(buttons);
    connect(m_input, &QLineEdit::textChanged, this,
        [this, expected](const QString &typed) { m_confirm->setEnabled(typed.trimmed() == expected); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, sizeHint().height());
}

} // namespace presenter
