// SPDX-License-Identifier: BSD-3-Clause
#include "preferences.h"

#include <QRegularExpression>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace {

const auto ThemeKey = u"appearance/theme"_s;
const auto FontFamilyKey = u"appearance/fontFamily"_s;
const auto FontSizeKey = u"appearance/fontSize"_s;
const auto TimestampKey = u"appearance/timestampFormat"_s;
const auto NotificationsKey = u"notifications/enabled"_s;
const auto SoundKey = u"notifications/sound"_s;
const auto HighlightKey = u"notifications/highlightWords"_s;
const auto SendKeyKey = u"input/sendKey"_s;
const auto CloseToTrayKey = u"window/closeToTray"_s;
const auto SpellCheckKey = u"input/spellCheck"_s;

// Stored as words, not numbers: a settings file stays readable and survives reordering.
QString themeName(Preferences::Theme theme)
{
    switch (theme) {
    case Preferences::Theme::Light:
        return u"light"_s;
    case Preferences::Theme::Dark:
        return u"dark"_s;
    case Preferences::Theme::System:
        break;
    }
    return u"system"_s;
}

} // namespace

Preferences Preferences::load(const QSettings &settings)
{
    Preferences p;
    const QString theme = settings.value(ThemeKey).toString();
    if (theme == u"light")
        p.theme = Theme::Light;
    else if (theme == u"dark")
        p.theme = Theme::Dark;
    p.fontFamily = settings.value(FontFamilyKey).toString();
    const int size = settings.value(FontSizeKey, 0).toInt();
    p.fontSize = size >= 4 && size <= 72 ? size : 0;
    p.timestampFormat = settings.value(TimestampKey).toString();
    p.notifications = settings.value(NotificationsKey, true).toBool();
    p.sound = settings.value(SoundKey, false).toBool();
    p.highlightWords = parseWords(settings.value(HighlightKey).toStringList().join(u' '));
    p.sendKey = settings.value(SendKeyKey).toString() == u"ctrl+enter" ? SendKey::CtrlEnter
                                                                       : SendKey::Enter;
    p.closeToTray = settings.value(CloseToTrayKey, false).toBool();
    p.spellCheck = settings.value(SpellCheckKey, true).toBool();
    return p;
}

void Preferences::save(QSettings &settings) const
{
    settings.setValue(ThemeKey, themeName(theme));
    settings.setValue(FontFamilyKey, fontFamily);
    settings.setValue(FontSizeKey, fontSize);
    settings.setValue(TimestampKey, timestampFormat);
    settings.setValue(NotificationsKey, notifications);
    settings.setValue(SoundKey, sound);
    settings.setValue(HighlightKey, highlightWords);
    settings.setValue(SendKeyKey, sendKey == SendKey::CtrlEnter ? u"ctrl+enter"_s : u"enter"_s);
    settings.setValue(CloseToTrayKey, closeToTray);
    settings.setValue(SpellCheckKey, spellCheck);
}

QStringList Preferences::parseWords(const QString &line)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    QStringList words;
    for (const QString &word : line.split(separators, Qt::SkipEmptyParts)) {
        if (!words.contains(word, Qt::CaseInsensitive))
            words.append(word);
    }
    return words;
}

bool operator==(const Preferences &a, const Preferences &b)
{
    return a.theme == b.theme && a.fontFamily == b.fontFamily && a.fontSize == b.fontSize
            && a.timestampFormat == b.timestampFormat && a.notifications == b.notifications
            && a.sound == b.sound && a.highlightWords == b.highlightWords && a.sendKey == b.sendKey
            && a.closeToTray == b.closeToTray && a.spellCheck == b.spellCheck;
}
