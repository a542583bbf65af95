// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "serverconfig.h"

#include <QMap>
#include <QString>
#include <QStringList>

// What natter-server's command line (and the configuration file it names) asks for.
struct ServerConfigParseResult
{
    enum class Action { Run, Help, Version, AddUser, Error };
    Action action = Action::Error;
    ServerConfig config;
    QString error; // one line, for Action::Error
    QString helpText; // for Action::Help
    QString addUserNick; // for Action::AddUser
    QString configPath; // the file read, if any
    QMap<QString, QString> given; // option name → value, of those the file or command line set
    QStringList liveOptions; // the options SIGHUP applies (ChatServer::reload())
};

// Reads `arguments` (argv, the program name first) over the file named by --config, or
// `defaultConfigPath` when that exists, over ServerConfig's defaults: the command line wins.
// Every option is one entry of the table in serverconfigparser.cpp, which gives it its key
// in the file, its help and its checks.
ServerConfigParseResult parseServerConfig(const QStringList &arguments,
                                          const QString &defaultConfigPath = QString());
