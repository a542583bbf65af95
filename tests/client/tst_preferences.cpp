// SPDX-License-Identifier: BSD-3-Clause
#include "preferences.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

// The settings as values: saved to a QSettings file and read back, without any widget.
class tst_Preferences : public QObject
{
    Q_OBJECT

private slots:
    void defaultsWhenNothingIsSaved();
    void roundTripThroughASettingsFile();
    void badValuesFallBackToDefaults();
    void highlightWordsAreSplitAndDeduplicated();

private:
    QString settingsFile() const { return m_dir.filePath(u"natter.ini"_s); }
    QTemporaryDir m_dir;
};

void tst_Preferences::defaultsWhenNothingIsSaved()
{
    QVERIFY(m_dir.isValid());
    QSettings settings(m_dir.filePath(u"empty.ini"_s), QSettings::IniFormat);
    const Preferences p = Preferences::load(settings);
    QCOMPARE(p, Preferences());
    QCOMPARE(p.theme, Preferences::Theme::System);
    QVERIFY(p.notifications);
    QVERIFY(!p.sound);
    QCOMPARE(p.sendKey, Preferences::SendKey::Enter);
    QVERIFY(!p.closeToTray);
    QVERIFY(p.spellCheck);
    QVERIFY(p.highlightWords.isEmpty());
}

void tst_Preferences::roundTripThroughASettingsFile()
{
    Preferences p;
    p.theme = Preferences::Theme::Dark;
    p.fontFamily = u"DejaVu Sans Mono"_s;
    p.fontSize = 13;
    p.timestampFormat = u"HH:mm:ss"_s;
    p.notifications = false;
    p.sound = true;
    p.highlightWords = { u"release"_s, u"backup"_s };
    p.sendKey = Preferences::SendKey::CtrlEnter;
    p.closeToTray = true;
    p.spellCheck = false;
    {
        QSettings settings(settingsFile(), QSettings::IniFormat);
        p.save(settings);
    }
    QSettings again(settingsFile(), QSettings::IniFormat);
    const Preferences loaded = Preferences::load(again);
    QCOMPARE(loaded, p);
    // Stored as words a person can read and edit.
    QCOMPARE(again.value(u"appearance/theme"_s).toString(), u"dark"_s);
    QCOMPARE(again.value(u"input/sendKey"_s).toString(), u"ctrl+enter"_s);

    p.theme = Preferences::Theme::Light;
    p.sendKey = Preferences::SendKey::Enter;
    p.highlightWords.clear();
    p.save(again);
    QCOMPARE(Preferences::load(again), p);
}

void tst_Preferences::badValuesFallBackToDefaults()
{
    QSettings settings(m_dir.filePath(u"bad.ini"_s), QSettings::IniFormat);
    settings.setValue(u"appearance/theme"_s, u"purple"_s);
    settings.setValue(u"appearance/fontSize"_s, 900);
    settings.setValue(u"input/sendKey"_s, u"shift"_s);
    const Preferences p = Preferences::load(settings);
    QCOMPARE(p.theme, Preferences::Theme::System);
    QCOMPARE(p.fontSize, 0);
    QCOMPARE(p.sendKey, Preferences::SendKey::Enter);
}

void tst_Preferences::highlightWordsAreSplitAndDeduplicated()
{
    QCOMPARE(Preferences::parseWords(u" release, Backup  release,,RELEASE c++ "_s),
             QStringList({ u"release"_s, u"Backup"_s, u"c++"_s }));
    QVERIFY(Preferences::parseWords(u" ,  "_s).isEmpty());
}

QTEST_GUILESS_MAIN(tst_Preferences)
#include "tst_preferences.moc"
