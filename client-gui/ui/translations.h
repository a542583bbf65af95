#pragma once

#include <QLocale>

class QCoreApplication;

namespace Translations {

// Installs Natter's own translation for `locale` (built into the binary under :/i18n) and Qt's
// for its standard dialogs, replacing any installed before. English needs none: false then, and
// also when no translation exists for the locale.
bool install(const QLocale &locale);

} // namespace Translations
