// SPDX-License-Identifier: BSD-3-Clause
#include "nickcompleter.h"

using namespace Qt::StringLiterals;

bool NickCompleter::isNickCharacter(QChar c)
{
    // What nicks are made of (protocol.h): letters, digits, '_' and '-'.
    return c.isLetterOrNumber() || c == u'_' || c == u'-' || c.isMark();
}

std::optional<NickCompleter::Completion>
NickCompleter::complete(const QString &text, int cursor, const QStringList &nicks, bool backwards)
{
    const bool repeated = m_last && m_last->text == text && m_last->cursor == cursor
            && !m_matches.isEmpty();
    if (!repeated) {
        if (backwards)
            return std::nullopt; // Shift+Tab only goes back through a round under way
        m_start = cursor;
        while (m_start > 0 && isNickCharacter(text.at(m_start - 1)))
            --m_start;
        m_prefix = text.mid(m_start, cursor - m_start);
        m_after = text.mid(cursor);
        m_matches.clear();
        if (m_prefix.isEmpty())
            return std::nullopt;
        for (const QString &nick : nicks) {
            if (nick.startsWith(m_prefix, Qt::CaseInsensitive) && !m_matches.contains(nick))
                m_matches.append(nick);
        }
        if (m_matches.isEmpty()) {
            m_last.reset();
            return std::nullopt;
        }
        m_index = 0;
    } else {
        m_index = (m_index + (backwards ? m_matches.size() - 1 : 1)) % m_matches.size();
    }
    // At the start of the line the nick is whom the line is for.
    const QString inserted = m_matches.at(m_index) + (m_start == 0 ? u": "_s : QString());
    Completion completion;
    completion.text = text.left(m_start) + inserted + m_after;
    completion.cursor = int(m_start + inserted.size());
    m_last = completion;
    return completion;
}
