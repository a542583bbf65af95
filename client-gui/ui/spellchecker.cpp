// SPDX-License-Identifier: BSD-3-Clause
#include "spellchecker.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QStringDecoder>
#include <QStringEncoder>
#include <QtConcurrent/QtConcurrentRun>

#ifdef NATTER_HAVE_HUNSPELL
#include <hunspell.hxx>
#endif

#include <optional>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSpell, "natter.spell", QtInfoMsg)

struct SpellChecker::Dictionary
{
    QString path;
    QString language;
#ifdef NATTER_HAVE_HUNSPELL
    std::unique_ptr<Hunspell> hunspell;
#endif
    // Hunspell works in the dictionary's own encoding (SET in the .aff file).
    QStringConverter::Encoding encoding = QStringConverter::Utf8;

    std::optional<std::string> encoded(const QString &word) const
    {
        QStringEncoder encoder(encoding, QStringConverter::Flag::Stateless);
        const QByteArray bytes = encoder.encode(word);
        if (encoder.hasError())
            return std::nullopt; // a word the dictionary cannot even spell
        return bytes.toStdString();
    }
    QString decoded(const std::string &bytes) const
    {
        QStringDecoder decoder(encoding, QStringConverter::Flag::Stateless);
        return decoder.decode(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
    }
};

SpellChecker::SpellChecker(QObject *parent) : QObject(parent)
{
}

SpellChecker::~SpellChecker() = default;

bool SpellChecker::isSupported()
{
#ifdef NATTER_HAVE_HUNSPELL
    return true;
#else
    return false;
#endif
}

QStringList SpellChecker::dictionaryFolders()
{
    return { u"/usr/share/hunspell"_s, u"/usr/share/myspell"_s };
}

QString SpellChecker::dictionaryFor(const QLocale &locale)
{
    if (!isSupported())
        return {};
    const QString language = QLocale::languageToCode(locale.language(), QLocale::ISO639Part1);
    const auto find = [](const QString &pattern) -> QString {
        for (const QString &folder : dictionaryFolders()) {
            const QFileInfoList found = QDir(folder).entryInfoList({ pattern + u".dic"_s },
                                                                   QDir::Files, QDir::Name);
            for (const QFileInfo &dic : found) {
                const QString base = dic.absolutePath() + u'/' + dic.completeBaseName();
                if (QFileInfo::exists(base + u".aff"_s))
                    return base;
            }
        }
        return {};
    };
    QString path = find(locale.name()); // de_DE
    if (path.isEmpty() && !language.isEmpty())
        path = find(language + u"_*"_s); // de_AT for de_DE
    if (path.isEmpty() && !language.isEmpty())
        path = find(language); // some dictionaries name the language only
    if (path.isEmpty())
        path = find(u"en_US"_s);
    return path;
}

void SpellChecker::load(const QLocale &locale, const PersonalDictionary &personal)
{
    m_personal = personal;
    const QString path = dictionaryFor(locale);
    if (path.isEmpty()) {
        qCInfo(lcSpell) << "no spelling dictionary for" << locale.name() << "or en_US in"
                        << dictionaryFolders();
        return;
    }
    if ((m_dictionary && m_dictionary->path == path) || m_loading == path)
        return;
    m_loading = path;
    auto *watcher = new QFutureWatcher<std::shared_ptr<Dictionary>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const std::shared_ptr<Dictionary> loaded = watcher->result();
        if (!loaded) {
            m_loading.clear(); // unreadable: none, as before
            return;
        }
        if (loaded->path == m_loading) // not replaced by a later load() meanwhile
            takeLoaded(loaded);
    });
    watcher->setFuture(QtConcurrent::run(&SpellChecker::readDictionary, path, m_personal.words()));
}

void SpellChecker::takeLoaded(std::shared_ptr<Dictionary> dictionary)
{
    m_loading.clear();
    m_dictionary = std::move(dictionary);
    qCInfo(lcSpell) << "spelling dictionary" << m_dictionary->language << "ready";
    emit ready();
}

bool SpellChecker::isReady() const
{
    return m_dictionary != nullptr;
}

QString SpellChecker::language() const
{
    return m_dictionary ? m_dictionary->language : QString();
}

bool SpellChecker::isCorrect(const QString &word) const
{
#ifdef NATTER_HAVE_HUNSPELL
    if (!m_dictionary)
        return true;
    const std::optional<std::string> encoded = m_dictionary->encoded(word);
    return !encoded || m_dictionary->hunspell->spell(*encoded);
#else
    Q_UNUSED(word);
    return true;
#endif
}

QStringList SpellChecker::suggestions(const QString &word, int maximum) const
{
    QStringList result;
#ifdef NATTER_HAVE_HUNSPELL
    if (!m_dictionary)
        return result;
    const std::optional<std::string> encoded = m_dictionary->encoded(word);
    if (!encoded)
        return result;
    for (const std::string &suggestion : m_dictionary->hunspell->suggest(*encoded)) {
        if (result.size() >= maximum)
            break;
        result.append(m_dictionary->decoded(suggestion));
    }
#else
    Q_UNUSED(word);
    Q_UNUSED(maximum);
#endif
    return result;
}

void SpellChecker::addToDictionary(const QString &word)
{
    m_personal.add(word);
#ifdef NATTER_HAVE_HUNSPELL
    if (m_dictionary) {
        if (const std::optional<std::string> encoded = m_dictionary->encoded(word))
            m_dictionary->hunspell->add(*encoded);
    }
#endif
    emit dictionaryChanged();
}

std::shared_ptr<SpellChecker::Dictionary>
SpellChecker::readDictionary(const QString &path, const QStringList &personalWords)
{
    auto dictionary = std::make_shared<SpellChecker::Dictionary>();
    dictionary->path = path;
    dictionary->language = QFileInfo(path).fileName();
#ifdef NATTER_HAVE_HUNSPELL
    dictionary->hunspell = std::make_unique<Hunspell>(
            QFile::encodeName(path + u".aff"_s).constData(),
            QFile::encodeName(path + u".dic"_s).constData());
    const std::string name = dictionary->hunspell->get_dict_encoding();
    const std::optional<QStringConverter::Encoding> encoding = QStringConverter::encodingForName(
            name.c_str());
    if (!encoding) {
        qCWarning(lcSpell) << "the dictionary" << path << "is in" << name.c_str()
                           << ", an encoding Qt cannot convert to: no spell checking";
        return nullptr;
    }
    dictionary->encoding = *encoding;
    for (const QString &word : personalWords) {
        if (const std::optional<std::string> encoded = dictionary->encoded(word))
            dictionary->hunspell->add(*encoded);
    }
#else
    Q_UNUSED(personalWords);
#endif
    return dictionary;
}
