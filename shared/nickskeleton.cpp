// SPDX-License-Identifier: BSD-3-Clause
#include "nickskeleton.h"

#include <QChar>
#include <QFile>
#include <QHash>
#include <QtGlobal>

#include <algorithm>
#include <initializer_list>
#include <set>

// Q_INIT_RESOURCE may not be used inside a namespace. Calling it makes sure the table is in
// every executable that uses this library, however the linker treats the static library.
static void initializeNickSkeletonData()
{
    Q_INIT_RESOURCE(natter_shared_data);
}

namespace NickSkeleton {

namespace {

using Table = QHash<char32_t, QString>;

// "0430 ; 0061 # а → a": a code point, then its prototype as code points, all in hex.
Table readTable()
{
    initializeNickSkeletonData();
    QFile file(QStringLiteral(":/natter/confusables.txt"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("The confusables table %s is missing from this build: nicknames cannot be "
               "compared safely.",
               qPrintable(file.fileName()));
    Table table;
    table.reserve(6000);
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        if (const qsizetype comment = line.indexOf('#'); comment >= 0)
            line.truncate(comment);
        const qsizetype separator = line.indexOf(';');
        if (separator < 0)
            continue;
        bool ok = false;
        const uint source = line.left(separator).trimmed().toUInt(&ok, 16);
        if (!ok)
            continue;
        QString prototype;
        for (const QByteArray &hex : line.mid(separator + 1).simplified().split(' ')) {
            const uint codePoint = hex.toUInt(&ok, 16);
            if (!ok || codePoint > 0x10FFFF)
                break;
            prototype += QString::fromUcs4(reinterpret_cast<const char32_t *>(&codePoint), 1);
        }
        if (ok)
            table.insert(char32_t(source), prototype);
    }
    if (table.size() < 1000)
        qFatal("The confusables table has only %lld entries.", qlonglong(table.size()));
    return table;
}

const Table &table()
{
    static const Table table = readTable(); // read once, thread-safe (a function's static)
    return table;
}

// The UTS #39 skeleton: NFD, each character to its prototype, NFD.
QString uts39Skeleton(const QString &text)
{
    const Table &prototypes = table();
    QString mapped;
    for (const char32_t codePoint : text.normalized(QString::NormalizationForm_D).toUcs4()) {
        if (const auto it = prototypes.constFind(codePoint); it != prototypes.cend())
            mapped += *it;
        else
            mapped += QString::fromUcs4(&codePoint, 1);
    }
    return mapped.normalized(QString::NormalizationForm_D);
}

bool within(const std::set<int> &scripts, std::initializer_list<int> allowed)
{
    for (const int script : scripts) {
        if (std::find(allowed.begin(), allowed.end(), script) == allowed.end())
            return false;
    }
    return true;
}

} // namespace

QString skeleton(const QString &nick)
{
    // Case folding before the skeleton keeps "unique ignoring case": nicks that differ only in
    // case start alike. Folding after it, because some prototypes are capitals ('0' → 'O'), and
    // NFKC after it, because some are compatibility characters ('%' → "º/₀", which is "o/o"):
    // otherwise a nick typed as the prototype's plain form would not match its lookalike.
    const auto fold = [](const QString &text) {
        return text.normalized(QString::NormalizationForm_KC)
                .toCaseFolded()
                .normalized(QString::NormalizationForm_KC);
    };
    QString key = fold(nick);
    for (int round = 0; round < 8; ++round) { // a prototype may fold into another character
        QString next = fold(uts39Skeleton(key));
        if (next == key)
            break;
        key = std::move(next);
    }
    return key;
}

bool isSingleScript(const QString &nick)
{
    std::set<int> scripts;
    for (const char32_t codePoint : nick.toUcs4()) {
        const QChar::Script script = QChar::script(codePoint);
        if (script != QChar::Script_Common && script != QChar::Script_Inherited)
            scripts.insert(script);
    }
    return scripts.size() <= 1
            || within(scripts,
                      { QChar::Script_Han, QChar::Script_Hiragana, QChar::Script_Katakana })
            || within(scripts, { QChar::Script_Han, QChar::Script_Bopomofo })
            || within(scripts, { QChar::Script_Han, QChar::Script_Hangul });
}

qsizetype tableSize()
{
    return table().size();
}

} // namespace NickSkeleton
