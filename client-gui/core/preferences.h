// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

class QSettings;

// What the user chose in the settings dialog, as plain values: loaded from and saved to
// QSettings, compared, and applied by the window. No widgets, so it is tested alone.
class Preferences
{
public:
    enum class Theme { System, Light, Dark };
    enum class SendKey { Enter, CtrlEnter };

    Theme theme = Theme::System;
    QString fontFamily; // empty: the platform's
    int fontSize = 0; // points; 0: the platform's
    QString timestampFormat; // a QLocale time format; empty: the locale's short format
    bool notifications = true; // mentions and direct messages while the window is inactive
    bool sound = false;
    QStringList highlightWords; // count as mentions, besides the nick
    SendKey sendKey = SendKey::Enter;
    bool closeToTray = false; // closing the window hides it where a tray can bring it back
    bool spellCheck = true; // misspelt words in the input are underlined

    static Preferences load(const QSettings &settings);
    void save(QSettings &settings) const;

    // Highlight words as typed in one line: separated by commas or spaces, without blanks and
    // repeats.
    static QStringList parseWords(const QString &line);

    friend bool operator==(const Preferences &a, const Preferences &b);
    friend bool operator!=(const Preferences &a, const Preferences &b) { return !(a == b); }
};

Q_DECLARE_METATYPE(Preferences)
