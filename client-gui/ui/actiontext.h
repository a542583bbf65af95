// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <QString>

// `/me waves` until the protocol has actions of its own: the message text is "* waves", as
// the server's IRC face sends a CTCP ACTION, so every face reads it the same ("aa: * waves"
// on a terminal) and the window draws it as "* aa waves".
namespace ActionText {

// "/me waves" → "* waves"; anything else as it is. "/me" alone stays a command (its usage).
QString fromInput(const QString &line);
// "/me" with nothing to do.
bool isBareCommand(const QString &line);
// The message text is an action.
bool isAction(const QString &text);
// What the action says after the nick: "* waves" → "waves".
QString actionOf(const QString &text);
// "* aa waves" for an action, else the text itself: for notifications.
QString displayed(const QString &from, const QString &text);

} // namespace ActionText
