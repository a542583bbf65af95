// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QTest>

// QTEST_GUILESS_MAIN, with the event loop natter-server runs on: in-process servers in the
// tests are driven by the same dispatcher as the real one.
#define NATTER_SERVER_TEST_MAIN(TestObject) \
    int main(int argc, char *argv[]) \
    { \
        installServerEventDispatcher(); \
        QCoreApplication app(argc, argv); \
        app.setAttribute(Qt::AA_Use96Dpi, true); \
        TestObject test; \
        QTEST_SET_MAIN_SOURCE_PATH \
        return QTest::qExec(&test, argc, argv); \
    }
