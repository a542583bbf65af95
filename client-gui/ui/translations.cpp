#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace Translations {

bool install(const QLocale &locale)
{
    static QTranslator natter;
    static QTranslator qt;
    QCoreApplication::removeTranslator(&natter);
    QCoreApplication::removeTranslator(&qt);
    if (qt.load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qt);
    if (!natter.load(locale, u"natter"_s, u"_"_s, u":/i18n"_s))
        return false;
    QCoreApplication::installTranslator(&natter);
    return true;
}

} // namespace Translations
