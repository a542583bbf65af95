#pragma once

#include <QLocale>

class QCoreApplication;

namespace Translations {

// Installs Natter's own translation for `locale` (built into the binary under :/i18n) and Qt's
// for its standard dialogs, replacing any installed before. English needs none: false then, and
// also when no translation exists for the locale.
bool install(const QLocale &locale);
// The locale last asked for with install() (the system's before): what the UI speaks where a
// translation exists, and the language the spelling follows.
QLocale requested();

} // namespace Translations
