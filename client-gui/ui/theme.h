// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "preferences.h"

#include <QPalette>

// The application's look: the desktop's own style and palette, or Fusion with a light or a
// dark palette whatever the desktop uses.
class Theme
{
public:
    // Applies it to the whole application; widgets that draw their own colours (the message
    // view, the sidebar) follow their palette's change.
    static void apply(Preferences::Theme theme);
    static Preferences::Theme current() { return s_current; }
    static QPalette darkPalette();
    static bool isDark(const QPalette &palette);

private:
    static inline Preferences::Theme s_current = Preferences::Theme::System;
};
