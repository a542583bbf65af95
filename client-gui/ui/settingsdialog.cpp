// SPDX-License-Identifier: BSD-3-Clause
#include "settingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTime>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent),
      m_theme(new QComboBox(this)),
      m_customFont(new QCheckBox(tr("Custom &font:"), this)),
      m_fontFamily(new QFontComboBox(this)),
      m_fontSize(new QSpinBox(this)),
      m_timestampFormat(new QLineEdit(this)),
      m_timestampPreview(new QLabel(this)),
      m_notifications(new QCheckBox(tr("&Notify me of mentions and direct messages while the "
                                       "window is not active"),
                                    this)),
      m_sound(new QCheckBox(tr("Play a &sound with each notification"), this)),
      m_highlightWords(new QLineEdit(this)),
      m_sendKey(new QComboBox(this)),
      m_closeToTray(
              new QCheckBox(tr("&Closing the window keeps Natter running in the tray"), this)),
      m_spellCheck(new QCheckBox(tr("Check spelling &while typing"), this))
{
    setWindowTitle(tr("Settings"));
    m_theme->setObjectName(u"theme"_s);
    m_theme->addItem(tr("Follow the system"), int(Preferences::Theme::System));
    m_theme->addItem(tr("Light"), int(Preferences::Theme::Light));
    m_theme->addItem(tr("Dark"), int(Preferences::Theme::Dark));
    m_customFont->setObjectName(u"customFont"_s);
    m_fontFamily->setObjectName(u"fontFamily"_s);
    m_fontSize->setObjectName(u"fontSize"_s);
    m_fontSize->setRange(4, 72);
    m_fontSize->setSuffix(tr(" pt"));
    const QFont font = QApplication::font();
    m_fontFamily->setCurrentFont(font);
    m_fontSize->setValue(font.pointSize() > 0 ? font.pointSize() : 10);
    m_fontFamily->setEnabled(false);
    m_fontSize->setEnabled(false);
    connect(m_customFont, &QCheckBox::toggled, m_fontFamily, &QWidget::setEnabled);
    connect(m_customFont, &QCheckBox::toggled, m_fontSize, &QWidget::setEnabled);
    m_timestampFormat->setObjectName(u"timestampFormat"_s);
    m_timestampFormat->setPlaceholderText(
            tr("the language's (%1)").arg(QLocale().timeFormat(QLocale::ShortFormat)));
    m_timestampFormat->setToolTip(tr("HH hours, mm minutes, ss seconds, AP for AM/PM; "
                                     "empty for the language's own"));
    m_timestampPreview->setObjectName(u"timestampPreview"_s);
    connect(m_timestampFormat, &QLineEdit::textChanged, this, &SettingsDialog::updatePreview);
    m_notifications->setObjectName(u"notifications"_s);
    m_sound->setObjectName(u"sound"_s);
    connect(m_notifications, &QCheckBox::toggled, m_sound, &QWidget::setEnabled);
    m_highlightWords->setObjectName(u"highlightWords"_s);
    m_highlightWords->setPlaceholderText(tr("e.g. release, backup"));
    m_highlightWords->setToolTip(tr("Words that count as mentions of you, besides your "
                                    "nickname: separated by commas or spaces."));
    m_sendKey->setObjectName(u"sendKey"_s);
    m_sendKey->addItem(tr("Enter"), int(Preferences::SendKey::Enter));
    m_sendKey->addItem(tr("Ctrl+Enter"), int(Preferences::SendKey::CtrlEnter));
    m_closeToTray->setObjectName(u"closeToTray"_s);
    m_spellCheck->setObjectName(u"spellCheck"_s);

    auto *fontRow = new QHBoxLayout;
    fontRow->addWidget(m_customFont);
    fontRow->addWidget(m_fontFamily, 1);
    fontRow->addWidget(m_fontSize);
    auto *timeRow = new QHBoxLayout;
    timeRow->addWidget(m_timestampFormat, 1);
    timeRow->addWidget(m_timestampPreview);

    auto *form = new QFormLayout;
    form->addRow(tr("&Theme:"), m_theme);
    form->addRow(fontRow);
    form->addRow(tr("T&imestamps:"), timeRow);
    form->addRow(m_notifications);
    form->addRow(m_sound);
    form->addRow(tr("&Highlight words:"), m_highlightWords);
    form->addRow(tr("S&end with:"), m_sendKey);
    form->addRow(m_spellCheck);
    form->addRow(m_closeToTray);

    auto *buttons = new QDialogButtonBox(
            QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        emit applied(preferences());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            [this] { emit applied(preferences()); });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    setPreferences({});
}

void SettingsDialog::setPreferences(const Preferences &p)
{
    m_theme->setCurrentIndex(m_theme->findData(int(p.theme)));
    m_customFont->setChecked(!p.fontFamily.isEmpty() || p.fontSize > 0);
    if (!p.fontFamily.isEmpty())
        m_fontFamily->setCurrentFont(QFont(p.fontFamily));
    if (p.fontSize > 0)
        m_fontSize->setValue(p.fontSize);
    m_timestampFormat->setText(p.timestampFormat);
    m_notifications->setChecked(p.notifications);
    m_sound->setChecked(p.sound);
    m_sound->setEnabled(p.notifications);
    m_highlightWords->setText(p.highlightWords.join(u", "_s));
    m_sendKey->setCurrentIndex(m_sendKey->findData(int(p.sendKey)));
    m_closeToTray->setChecked(p.closeToTray);
    m_spellCheck->setChecked(p.spellCheck);
    updatePreview();
}

Preferences SettingsDialog::preferences() const
{
    Preferences p;
    p.theme = Preferences::Theme(m_theme->currentData().toInt());
    if (m_customFont->isChecked()) {
        p.fontFamily = m_fontFamily->currentFont().family();
        p.fontSize = m_fontSize->value();
    }
    p.timestampFormat = m_timestampFormat->text().trimmed();
    p.notifications = m_notifications->isChecked();
    p.sound = m_sound->isChecked();
    p.highlightWords = Preferences::parseWords(m_highlightWords->text());
    p.sendKey = Preferences::SendKey(m_sendKey->currentData().toInt());
    p.closeToTray = m_closeToTray->isChecked();
    p.spellCheck = m_spellCheck->isChecked();
    return p;
}

void SettingsDialog::setTrayAvailable(bool available)
{
    m_closeToTray->setEnabled(available);
    m_closeToTray->setToolTip(available ? QString()
                                        : tr("This desktop has no system tray to keep it in."));
}

void SettingsDialog::setSpellCheckAvailable(bool available)
{
    m_spellCheck->setEnabled(available);
    m_spellCheck->setToolTip(available ? QString()
                                       : tr("No spelling dictionary is installed (Debian: "
                                            "hunspell-en-us or another hunspell package)."));
}

void SettingsDialog::updatePreview()
{
    const QString format = m_timestampFormat->text().trimmed();
    const QTime now = QTime::currentTime();
    m_timestampPreview->setText(format.isEmpty() ? QLocale().toString(now, QLocale::ShortFormat)
                                                 : QLocale().toString(now, format));
}
