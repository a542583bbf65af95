// SPDX-License-Identifier: BSD-3-Clause
#include "chatclient.h"
#include "chatinput.h"
#include "chatserver.h"
#include "mainwindow.h"
#include "messageview.h"
#include "notifier.h"
#include "settingsdialog.h"
#include "testclient.h"
#include "theme.h"
#include "translations.h"
#include "windowfixture.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

// The settings dialog and what the window does with its answers, offscreen, against an
// in-process server where something is sent.
class tst_SettingsDialog : public QObject, public WindowFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void dialogShowsAndReturnsThePreferences();
    void okSavesAndTheWindowAppliesAtOnce();
    void darkThemeAppliesADarkPalette();
    void ctrlEnterModeSendsOnlyOnCtrlEnter();
    void fontAndTimestampsReachTheView();
    void speaksGermanAndChinese();

private:
    void openWindow();
    SettingsDialog *openDialog();

    TestClient *m_bb = nullptr; // deleted by tearDown()
};

void tst_SettingsDialog::initTestCase()
{
    m_settings.install(u"tst_settingsdialog"_s);
}

void tst_SettingsDialog::init()
{
    startServerAndClient();
}

void tst_SettingsDialog::cleanup()
{
    tearDown();
    m_bb = nullptr;
    QSettings settings;
    settings.clear();
    Theme::apply(Preferences::Theme::System);
}

void tst_SettingsDialog::openWindow()
{
    openWindowOnline(u"aa"_s, Activation::Activate);
    if (QTest::currentTestFailed())
        return;
    m_bb = newPeer();
    QVERIFY(m_bb->join(m_server->serverPort(), u"bb"_s));
}

SettingsDialog *tst_SettingsDialog::openDialog()
{
    // Ctrl+, as a user opens it.
    QTest::keyClick(m_window->findChild<ChatInput *>(u"input"_s), Qt::Key_Comma,
                    Qt::ControlModifier);
    SettingsDialog *dialog = nullptr;
    if (!QTest::qWaitFor([&] {
            return (dialog = m_window->findChild<SettingsDialog *>()) && dialog->isVisible();
        }))
        return nullptr;
    return dialog;
}

void tst_SettingsDialog::dialogShowsAndReturnsThePreferences()
{
    SettingsDialog dialog;
    QCOMPARE(dialog.preferences(), Preferences());
    Preferences p;
    p.theme = Preferences::Theme::Light;
    p.fontFamily = QApplication::font().family();
    p.fontSize = 15;
    p.timestampFormat = u"HH:mm:ss"_s;
    p.notifications = true;
    p.sound = true;
    p.highlightWords = { u"deploy"_s, u"backup"_s };
    p.sendKey = Preferences::SendKey::CtrlEnter;
    p.closeToTray = true;
    dialog.setPreferences(p);
    QCOMPARE(dialog.preferences(), p);
    QCOMPARE(dialog.findChild<QLineEdit *>(u"highlightWords"_s)->text(), u"deploy, backup"_s);
    // Sound goes with notifications.
    dialog.findChild<QCheckBox *>(u"notifications"_s)->setChecked(false);
    QVERIFY(!dialog.findChild<QCheckBox *>(u"sound"_s)->isEnabled());
    // Without a tray, closing to it is not offered.
    dialog.setTrayAvailable(false);
    QVERIFY(!dialog.findChild<QCheckBox *>(u"closeToTray"_s)->isEnabled());
}

void tst_SettingsDialog::okSavesAndTheWindowAppliesAtOnce()
{
    openWindow();
    SettingsDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *words = dialog->findChild<QLineEdit *>(u"highlightWords"_s);
    QTest::keyClicks(words, u"deploy, backup"_s);
    auto *sendKey = dialog->findChild<QComboBox *>(u"sendKey"_s);
    sendKey->setCurrentIndex(sendKey->findData(int(Preferences::SendKey::CtrlEnter)));
    dialog->findChild<QCheckBox *>(u"sound"_s)->click();
    QVERIFY(!m_window->notifier()->hasSound());
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!m_window->findChild<SettingsDialog *>());

    QCOMPARE(m_window->preferences().highlightWords, QStringList({ u"deploy"_s, u"backup"_s }));
    QCOMPARE(m_client->highlightWords(), QStringList({ u"deploy"_s, u"backup"_s }));
    QVERIFY(m_window->notifier()->hasSound());
    QVERIFY(m_window->notifier()->isEnabled());
    QCOMPARE(m_window->findChild<ChatInput *>(u"input"_s)->placeholderText(),
             u"Type a message and press Ctrl+Enter. /help lists commands."_s);
    QSettings settings;
    QCOMPARE(Preferences::load(settings), m_window->preferences());
    // A new window (the next start) comes up with them.
    MainWindow again(m_client.get());
    QCOMPARE(again.preferences(), m_window->preferences());

    // A highlight word makes the next message a mention.
    m_bb->say(u"the deploy is done"_s, u"1"_s);
    const MessageModel *messages = m_client->lobby()->messages();
    const auto last = [&] { return messages->entry(messages->rowCount() - 1); };
    QTRY_VERIFY(messages->rowCount() > 0 && last().text == u"the deploy is done"_s);
    QVERIFY(last().mention);
}

void tst_SettingsDialog::darkThemeAppliesADarkPalette()
{
    openWindow();
    m_bb->say(u"see https://example.org"_s, u"1"_s);
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QTRY_VERIFY(view->toPlainText().contains(u"bb: see https://example.org"_s));
    QVERIFY(!Theme::isDark(QApplication::palette()));
    const QString lightNick = MessageView::nickColor(u"bb"_s, false).name();
    QVERIFY(view->document()->toHtml().contains(lightNick));

    SettingsDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *theme = dialog->findChild<QComboBox *>(u"theme"_s);
    theme->setCurrentIndex(theme->findData(int(Preferences::Theme::Dark)));
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Apply)->click();

    QCOMPARE(QApplication::style()->name().toLower(), u"fusion"_s);
    QVERIFY(Theme::isDark(QApplication::palette()));
    QTRY_VERIFY(Theme::isDark(view->palette()));
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 200);
    // Links and nicks are drawn again in colours readable on the dark base.
    QVERIFY(QApplication::palette().color(QPalette::Link).lightness() > 150);
    const QString html = view->document()->toHtml();
    QVERIFY(html.contains(MessageView::nickColor(u"bb"_s, true).name()));
    QVERIFY(!html.contains(lightNick));
    QVERIFY(MessageView::nickColor(u"bb"_s, true).lightness() > 128);

    theme->setCurrentIndex(theme->findData(int(Preferences::Theme::Light)));
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(!Theme::isDark(QApplication::palette()));
    QTRY_VERIFY(view->document()->toHtml().contains(lightNick));
    QSettings settings;
    QCOMPARE(settings.value(u"appearance/theme"_s).toString(), u"light"_s);
}

void tst_SettingsDialog::ctrlEnterModeSendsOnlyOnCtrlEnter()
{
    openWindow();
    Preferences preferences = m_window->preferences();
    preferences.sendKey = Preferences::SendKey::CtrlEnter;
    m_window->applyPreferences(preferences);
    auto *input = m_window->findChild<ChatInput *>(u"input"_s);
    QTest::keyClicks(input, u"first"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QTest::keyClick(input, Qt::Key_Enter, Qt::KeypadModifier);
    QTest::keyClicks(input, u"second"_s);
    QCOMPARE(input->text(), u"first\n\nsecond"_s); // Enter makes new lines, nothing is sent
    QTest::keyClick(input, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE(m_bb->count<Protocol::Message>(), 1);
    QCOMPARE(m_bb->last<Protocol::Message>().text, u"first\n\nsecond"_s);
    QVERIFY(input->text().isEmpty());

    // Back to Enter: it sends again.
    preferences.sendKey = Preferences::SendKey::Enter;
    m_window->applyPreferences(preferences);
    QTest::keyClicks(input, u"third"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QTRY_COMPARE(m_bb->count<Protocol::Message>(), 2);
    QCOMPARE(m_bb->last<Protocol::Message>().text, u"third"_s);
}

void tst_SettingsDialog::fontAndTimestampsReachTheView()
{
    openWindow();
    m_bb->say(u"hello"_s, u"1"_s);
    auto *view = m_window->findChild<MessageView *>(u"messages"_s);
    QTRY_VERIFY(view->toPlainText().contains(u"bb: hello"_s));
    static const QRegularExpression seconds(u"\\[\\d\\d\\.\\d\\d\\] bb: hello"_s);
    QVERIFY(!view->toPlainText().contains(seconds));
    Preferences preferences = m_window->preferences();
    preferences.fontSize = 17;
    preferences.timestampFormat = u"[HH.mm]"_s;
    m_window->applyPreferences(preferences);
    QCOMPARE(view->font().pointSize(), 17);
    QVERIFY(view->toPlainText().contains(seconds));
    // A conversation opened later gets them too.
    m_client->sendMessage(m_client->openDirect(u"bb"_s), u"psst"_s);
    m_window->switchTo(m_client->openDirect(u"bb"_s));
    auto *direct = m_window->findChild<MessageView *>(u"messages"_s);
    QVERIFY(direct != view);
    QCOMPARE(direct->font().pointSize(), 17);
    QCOMPARE(direct->timestampFormat(), u"[HH.mm]"_s);
}

void tst_SettingsDialog::speaksGermanAndChinese()
{
    QVERIFY(Translations::install(QLocale(u"de_DE"_s)));
    {
        SettingsDialog dialog;
        QCOMPARE(dialog.windowTitle(), u"Einstellungen"_s);
        auto *theme = dialog.findChild<QComboBox *>(u"theme"_s);
        QCOMPARE(theme->itemText(2), u"Dunkel"_s);
    }
    QVERIFY(Translations::install(QLocale(u"zh_CN"_s)));
    {
        SettingsDialog dialog;
        QCOMPARE(dialog.windowTitle(), u"设置"_s);
        QCOMPARE(dialog.findChild<QComboBox *>(u"sendKey"_s)->itemText(1), u"Ctrl+回车"_s);
    }
    Translations::install(QLocale(QLocale::English));
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
