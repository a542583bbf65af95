// SPDX-License-Identifier: BSD-3-Clause
#include "terminaltext.h"

using namespace Qt::StringLiterals;

namespace TerminalText {

namespace {

constexpr auto ContinuationIndent = u"  ";

bool isBidiControl(char32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
            || (c >= 0x2066 && c <= 0x2069);
}

void appendEscape(QString &out, char32_t c)
{
    if (c == u'\r') {
        out += u"\\r"_s;
        return;
    }
    out += c < 0x100 ? u"\\x%1"_s.arg(uint(c), 2, 16, QChar(u'0'))
                     : u"\\u%1"_s.arg(uint(c), 4, 16, QChar(u'0'));
}

// The code point at `i` and how many UTF-16 units it takes; an unpaired surrogate is its own.
std::pair<char32_t, qsizetype> codePointAt(const QString &text, qsizetype i)
{
    const QChar c = text.at(i);
    if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
        return { QChar::surrogateToUcs4(c, text.at(i + 1)), 2 };
    return { c.unicode(), 1 };
}

} // namespace

bool isControl(char32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || isBidiControl(c) || c == 0x2028 || c == 0x2029
            || (c >= 0xD800 && c <= 0xDFFF);
}

QString sanitized(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size();) {
        const auto [c, units] = codePointAt(text, i);
        if (!isControl(c)) {
            out += QStringView(text).sliced(i, units);
        } else if (c == u'\n' || c == 0x2028 || c == 0x2029) {
            out += u'\n';
            out += ContinuationIndent;
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            // "\r\n" is one line break: the "\n" that follows makes it.
        } else if (c == u'\t') {
            out += u' ';
        } else {
            appendEscape(out, c);
        }
        i += units;
    }
    return out;
}

QString escaped(const QString &value, qsizetype maxLength)
{
    QString out;
    qsizetype i = 0;
    for (; i < value.size() && i < maxLength;) {
        const auto [c, units] = codePointAt(value, i);
        if (c == u'\\')
            out += u"\\\\"_s;
        else if (c == u'\n')
            out += u"\\n"_s;
        else if (c == u'\t')
            out += u"\\t"_s;
        else if (isControl(c))
            appendEscape(out, c);
        else
            out += QStringView(value).sliced(i, units);
        i += units;
    }
    if (i < value.size())
        out += u'…';
    return out;
}

bool isSafeForTerminal(const QString &text)
{
    for (qsizetype i = 0; i < text.size();) {
        const auto [c, units] = codePointAt(text, i);
        if (c != u'\n' && isControl(c))
            return false;
        i += units;
    }
    return true;
}

} // namespace TerminalText
