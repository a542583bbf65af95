// SPDX-License-Identifier: BSD-3-Clause
#include "chatinput.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "spellchecker.h"
#include "spellhighlighter.h"
#include "windowfixture.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace Qt::StringLiterals;

// Spell checking in the input of the real window, offscreen, with Debian's en_US Hunspell
// dictionary: underlines, corrections, the personal word list and the setting.
class tst_SpellCheck : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void dictionaryFollowsTheLanguageWithEnglishAsFallback();
    void misspeltWordIsUnderlinedAndCorrectOneIsNot();
    void nicksAddressesAndCommandsAreNotFlagged();
    void nickStopsBeingFlaggedWhenItsOwnerJoins();
    void suggestionReplacesTheWord();
    void addToDictionaryLastsBeyondTheWindow();
    void turningItOffInTheSettingsRemovesTheUnderlines();

private:
    ChatInput *input() const { return m_window->findChild<ChatInput *>(u"input"_s); }
    // The [start, start + length) ranges of the first line underlined as misspelt.
    QList<std::pair<int, int>> underlined(int blockNumber = 0) const;
    void typeAndWaitForTheDictionary(const QString &text);
};

void tst_SpellCheck::initTestCase()
{
    m_settings.install(u"tst_spellcheck"_s);
    // "Add to dictionary" writes to the data folder: the test's own, not the user's.
    qputenv("XDG_DATA_HOME", QDir(m_settings.path()).filePath(u"data"_s).toUtf8());
    if (!SpellChecker::isSupported())
        QSKIP("built without Hunspell (libhunspell-dev)");
    if (SpellChecker::dictionaryFor(QLocale(u"en_US"_s)).isEmpty())
        QSKIP("no Hunspell dictionary installed (Debian: hunspell-en-us)");
}

void tst_SpellCheck::init()
{
    startServerAndClient();
    if (QTest::currentTestFailed())
        return;
    openWindowOnline(u"aa"_s);
}

void tst_SpellCheck::cleanup()
{
    tearDown();
}

QList<std::pair<int, int>> tst_SpellCheck::underlined(int blockNumber) const
{
    QList<std::pair<int, int>> ranges;
    const QTextBlock block = input()->document()->findBlockByNumber(blockNumber);
    for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
        if (range.format.underlineStyle() == QTextCharFormat::WaveUnderline
            && range.format.underlineColor() == QColor(Qt::red))
            ranges.append({ range.start, range.length });
    }
    return ranges;
}

void tst_SpellCheck::typeAndWaitForTheDictionary(const QString &text)
{
    // The dictionary is read on a worker thread; until then nothing is underlined.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->spellChecker()->isReady(), 10000);
    input()->setFocus();
    QTest::keyClicks(input(), text);
}

void tst_SpellCheck::dictionaryFollowsTheLanguageWithEnglishAsFallback()
{
    const QString english = SpellChecker::dictionaryFor(QLocale(u"en_US"_s));
    QVERIFY(english.endsWith(u"/en_US"_s));
    // A language without a dictionary here falls back to English (Walser has none anywhere).
    QCOMPARE(SpellChecker::dictionaryFor(QLocale(QLocale::Walser)), english);
    // Another English reads a dictionary of its own language: en_US if that is the only one.
    QVERIFY(SpellChecker::dictionaryFor(QLocale(u"en_GB"_s)).contains(u"/en_"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->spellChecker()->isReady(), 10000);
    QVERIFY(!m_window->spellChecker()->language().isEmpty());
}

void tst_SpellCheck::misspeltWordIsUnderlinedAndCorrectOneIsNot()
{
    typeAndWaitForTheDictionary(u"this sentence is wrnog"_s);
    QTRY_COMPARE(underlined(), (QList<std::pair<int, int>> { { 17, 5 } }));

    // On a second line too, and a correction takes the underline away as it is typed.
    QTest::keyClick(input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(input(), u"and so is thsi"_s);
    QTRY_COMPARE(underlined(1), (QList<std::pair<int, int>> { { 10, 4 } }));
    for (int i = 0; i < 4; ++i)
        QTest::keyClick(input(), Qt::Key_Backspace);
    QTest::keyClicks(input(), u"this"_s);
    QTRY_VERIFY(underlined(1).isEmpty());
    QCOMPARE(underlined(0).size(), 1);
}

void tst_SpellCheck::nicksAddressesAndCommandsAreNotFlagged()
{
    join(u"Zorblat"_s);
    QTRY_VERIFY(m_client->users()->users().contains(u"Zorblat"_s));
    typeAndWaitForTheDictionary(
            u"/msg Qwyxx see https://exmaple.org/fooo zorblat: ask aa, mail me@xqzv.org grrk"_s);
    // Only the last word: the command, its nick, the address, the member's nick (any case),
    // the user's own and the mail address are left alone.
    const int last = int(input()->text().indexOf(u"grrk"_s));
    QTRY_COMPARE(underlined(), (QList<std::pair<int, int>> { { last, 4 } }));
}

void tst_SpellCheck::nickStopsBeingFlaggedWhenItsOwnerJoins()
{
    typeAndWaitForTheDictionary(u"where is Quorbly"_s);
    QTRY_COMPARE(underlined(), (QList<std::pair<int, int>> { { 9, 7 } }));
    join(u"Quorbly"_s);
    QTRY_VERIFY(underlined().isEmpty());
}

void tst_SpellCheck::suggestionReplacesTheWord()
{
    typeAndWaitForTheDictionary(u"I recieve mail"_s);
    QTRY_COMPARE(underlined().size(), 1);
    QTextCursor at(input()->document());
    at.setPosition(4);
    std::unique_ptr<QMenu> menu(input()->createContextMenu(input()->cursorRect(at).center()));
    QStringList offered;
    QAction *receive = nullptr;
    for (QAction *action : menu->actions()) {
        if (action->objectName() != u"spellSuggestion")
            continue;
        offered.append(action->text());
        if (action->text() == u"receive")
            receive = action;
    }
    QVERIFY2(receive, qPrintable(offered.join(u", "_s)));
    QVERIFY(offered.size() <= 5);
    QVERIFY(menu->findChild<QAction *>(u"addToDictionary"_s));
    QVERIFY(menu->actions().size() > offered.size() + 2); // the standard entries follow
    receive->trigger();
    QCOMPARE(input()->text(), u"I receive mail"_s);
    QTRY_VERIFY(underlined().isEmpty());

    // On a correct word: only the standard menu.
    at.setPosition(10);
    menu.reset(input()->createContextMenu(input()->cursorRect(at).center()));
    QVERIFY(!menu->findChild<QAction *>(u"addToDictionary"_s));
}

void tst_SpellCheck::addToDictionaryLastsBeyondTheWindow()
{
    typeAndWaitForTheDictionary(u"ask Natterbox"_s);
    QTRY_COMPARE(underlined(), (QList<std::pair<int, int>> { { 4, 9 } }));
    QTextCursor at(input()->document());
    at.setPosition(6);
    std::unique_ptr<QMenu> menu(input()->createContextMenu(input()->cursorRect(at).center()));
    auto *add = menu->findChild<QAction *>(u"addToDictionary"_s);
    QVERIFY(add);
    add->trigger();
    QTRY_VERIFY(underlined().isEmpty());

    // Kept in the personal word list, which the next start reads.
    const QString words = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                  .filePath(u"words.txt"_s);
    QVERIFY2(PersonalDictionary(words).words().contains(u"Natterbox"_s), qPrintable(words));
    SpellChecker next;
    next.load(QLocale(u"en_US"_s));
    QTRY_VERIFY_WITH_TIMEOUT(next.isReady(), 10000);
    QVERIFY(next.isCorrect(u"Natterbox"_s));
    QVERIFY(!next.isCorrect(u"Natterbux"_s));
}

void tst_SpellCheck::turningItOffInTheSettingsRemovesTheUnderlines()
{
    typeAndWaitForTheDictionary(u"a wrnog word"_s);
    QTRY_COMPARE(underlined().size(), 1);
    m_window->showSettings();
    SettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<SettingsDialog *>()) && dialog->isVisible());
    auto *spellCheck = dialog->findChild<QCheckBox *>(u"spellCheck"_s);
    QVERIFY(spellCheck->isEnabled()); // a dictionary is installed
    QVERIFY(spellCheck->isChecked()); // on by default
    spellCheck->click();
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(underlined().isEmpty());
    QVERIFY(!m_window->preferences().spellCheck);
    QSettings settings;
    QVERIFY(!Preferences::load(settings).spellCheck);
    // Nor does the context menu offer corrections then.
    QTextCursor at(input()->document());
    at.setPosition(3);
    std::unique_ptr<QMenu> menu(input()->createContextMenu(input()->cursorRect(at).center()));
    QVERIFY(!menu->findChild<QAction *>(u"addToDictionary"_s));

    // And back on.
    Preferences preferences = m_window->preferences();
    preferences.spellCheck = true;
    m_window->applyPreferences(preferences);
    QTRY_COMPARE(underlined().size(), 1);
}

QTEST_MAIN(tst_SpellCheck)
#include "tst_spellcheck.moc"
