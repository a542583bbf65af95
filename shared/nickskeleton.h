// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>

// Which nicknames look alike. A skeleton (Unicode UTS #39) maps every character to the
// prototype it can be mistaken for, so nicks that look the same have the same skeleton:
// "alice", "аlice" (Cyrillic а), "ａｌｉｃｅ", "alıce" and "ᴀʟɪᴄᴇ" are all "alice". The table
// is shared/data/confusables.txt (tools/make-confusables.sh), read at first use.
namespace NickSkeleton {

// NFKC, case folding, then the UTS #39 skeleton (NFD, each character to its prototype, NFD),
// case-folded again, until nothing changes. Nicks that differ only in case have the same one.
// It is a key to compare by, not a name to show: "m" and "rn" both become "rn".
QString skeleton(const QString &nick);

// True unless the nick's letters and digits come from more than one script. Characters of no
// particular script (ASCII digits, '_', '-', fullwidth digits...) count for none; Han with
// Hiragana and Katakana (Japanese), with Bopomofo or with Hangul is one writing system.
bool isSingleScript(const QString &nick);

// How many entries the confusables table has (at least several thousand once it is read).
qsizetype tableSize();

} // namespace NickSkeleton
