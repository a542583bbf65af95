#include "translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace Translations {

namespace {
QLocale &requestedLocale()
{
    static QLocale locale;
    return locale;
}
} // namespace

QLocale requested()
{
    return requestedLocale();
}

bool install(const QLocale &locale)
{
    requestedLocale() = locale;
    static QTranslator natter;
    static QTranslator qt;
    QCoreApplication::removeTranslator(&natter);
    QCoreApplication::removeTranslator(&qt);
    if (qt.load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qt);
    // Installed catalogues before the built-in ones: one can be added or corrected without a
    // rebuild.
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                      .filePath(QStringLiteral(NATTER_INSTALLED_TRANSLATIONS));
    if (!natter.load(locale, u"natter"_s, u"_"_s, installed)
        && !natter.load(locale, u"natter"_s, u"_"_s, u":/i18n"_s))
        return false;
    QCoreApplication::installTranslator(&natter);
    return true;
}

} // namespace Translations
