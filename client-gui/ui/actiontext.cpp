// SPDX-License-Identifier: BSD-3-Clause
#include "actiontext.h"

using namespace Qt::StringLiterals;

namespace ActionText {

namespace {
const auto Command = u"/me "_s;
const auto Prefix = u"* "_s;
} // namespace

QString fromInput(const QString &line)
{
    if (!line.startsWith(Command, Qt::CaseInsensitive))
        return line;
    const QString action = line.mid(Command.size()).trimmed();
    return action.isEmpty() ? line : Prefix + action;
}

bool isBareCommand(const QString &line)
{
    return line.trimmed().compare(u"/me"_s, Qt::CaseInsensitive) == 0
            || (line.startsWith(Command, Qt::CaseInsensitive)
                && line.mid(Command.size()).trimmed().isEmpty());
}

bool isAction(const QString &text)
{
    return text.startsWith(Prefix) && text.size() > Prefix.size() && !text.at(2).isSpace();
}

QString actionOf(const QString &text)
{
    return isAction(text) ? text.mid(Prefix.size()) : text;
}

QString displayed(const QString &from, const QString &text)
{
    return isAction(text) ? Prefix + from + u' ' + actionOf(text) : text;
}

} // namespace ActionText
