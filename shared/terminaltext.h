// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>

// Text from peers made harmless where it is shown raw: a terminal (the plain-text face) or a
// log line. Peers choose every character of what they send; a terminal obeys C0 and C1
// controls (escape sequences clear the screen, set the title, plant links, make it answer)
// and bidi controls reorder what follows, and a raw line break in a log line forges a line.
//
// One convention for what is shown instead of a control: a C-style escape, "\r" for a
// carriage return and otherwise "\xHH" below U+0100 ("\x1b", "\x00", "\x9b") and "\uHHHH"
// above ("\u202e").
namespace TerminalText {

// The code points neither a terminal nor a log is ever given raw: C0 (line breaks and tabs
// included), DEL, C1, the bidi embeddings, overrides, isolates and marks (U+202A-U+202E,
// U+2066-U+2069, U+200E, U+200F, U+061C), the line and paragraph separators, and surrogates
// (only ever seen unpaired, since callers pass whole code points).
bool isControl(char32_t codePoint);

// For a terminal: a line break ("\n", "\r\n", U+2028, U+2029) continues the text on a new
// line indented by two spaces, so that no text can start a line (nothing the server writes
// starts with a space); a tab is a space; every other control is escaped as above. Everything
// else (combining marks, joiners, emoji, any script) is kept. The result holds no control but
// "\n".
QString sanitized(const QString &text);

// For a log line: every control is escaped ("\n", "\r", "\t" as such) and so is the backslash,
// so the value reads back unambiguously and never spans lines; values longer than maxLength
// characters are cut there, with "…" after.
QString escaped(const QString &value, qsizetype maxLength = 200);

// True when the text holds no control but "\n" (what sanitized() makes).
bool isSafeForTerminal(const QString &text);

} // namespace TerminalText
