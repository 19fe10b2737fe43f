#pragma once

#include <QObject>

class StoryController;

// Presentation clickers send PageDown / PageUp (and some Escape / B). Installed on the
// application, it hands those keys to the StoryController wherever the focus is in the
// presenter's windows (a focused spin box would otherwise eat PageUp/PageDown), but leaves
// Escape to an open dialog and B to a text field.
class ClickerKeys : public QObject
{
    Q_OBJECT
public:
    explicit ClickerKeys(StoryController *story, QObject *parent = nullptr);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    StoryController *m_story;
};
