// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "preferences.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QFontComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Chat › Settings… (Ctrl+,): theme, font, timestamps, notifications, highlight words, the send
// key, spell checking and closing to the tray. It edits a Preferences value; OK and Apply hand it
// over.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    void setPreferences(const Preferences &preferences);
    Preferences preferences() const;
    // Whether the desktop has a tray: closing to it is offered only then.
    void setTrayAvailable(bool available);
    // Whether a spelling dictionary is installed: checking is offered only then.
    void setSpellCheckAvailable(bool available);

signals:
    // OK or Apply: the window takes them at once.
    void applied(const Preferences &preferences);

private:
    void updatePreview();

    QComboBox *m_theme;
    QCheckBox *m_customFont;
    QFontComboBox *m_fontFamily;
    QSpinBox *m_fontSize;
    QLineEdit *m_timestampFormat;
    QLabel *m_timestampPreview;
    QCheckBox *m_notifications;
    QCheckBox *m_sound;
    QLineEdit *m_highlightWords;
    QComboBox *m_sendKey;
    QCheckBox *m_closeToTray;
    QCheckBox *m_spellCheck;
};
