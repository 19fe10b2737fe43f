#include "clicker_keys.h"

#include "model/story_controller.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QWidget>

ClickerKeys::ClickerKeys(StoryController *story, QObject *parent) : QObject(parent), m_story(story) { }

bool ClickerKeys::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress || !watched->isWidgetType()) {
        return false;
    }
    auto *key = static_cast<QKeyEvent *>(event);
    if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) {
        return false;
    }
    // While a dialog is open (confirmation, spike), keys are the dialog's.
    if (QApplication::activeModalWidget()) {
        return false;
    }
    const int k = key->key();
    if (k == Qt::Key_B) {
        QWidget *focus = QApplication::focusWidget();
        if (qobject_cast<QLineEdit *>(focus) || qobject_cast<QAbstractSpinBox *>(focus)) {
            return false;
        }
    }
    if (k != Qt::Key_PageDown && k != Qt::Key_PageUp && k != Qt::Key_Escape && k != Qt::Key_B) {
        return false;
    }
    if (key->isAutoRepeat()) {
        return true; // a held clicker button must not run two beats
    }
    return m_story->handleKey(k);
}
