// SPDX-License-Identifier: BSD-3-Clause
#include "serverlogging.h"

Q_LOGGING_CATEGORY(lcServer, "natter.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "natter.session", QtInfoMsg)
