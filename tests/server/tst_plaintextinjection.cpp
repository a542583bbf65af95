// SPDX-License-Identifier: BSD-3-Clause
#include "accountstore.h"
#include "chatserver.h"
#include "servertestmain.h"
#include "testclient.h"

#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

// A terminal at the other end of nc: it keeps every byte exactly as the server sent it.
class RawTerminal : public QObject
{
public:
    explicit RawTerminal(quint16 port)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void type(const QByteArray &line) { socket.write(line + '\n'); }
    QString text() const { return QString::fromUtf8(received); }

    QTcpSocket socket;
    QByteArray received;
};

bool isBidiControl(char32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
            || (c >= 0x2066 && c <= 0x2069);
}

// What a terminal must never be sent: C0 but the line end, DEL, C1 and bidi controls. Empty
// when the bytes are clean, else what was found where.
QString unsafeCharacters(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QStringList found;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t c = text.at(i).unicode();
        if (text.at(i).isHighSurrogate() && i + 1 < text.size())
            c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
        if ((c < 0x20 && c != u'\n') || (c >= 0x7F && c <= 0x9F) || isBidiControl(c))
            found.append(u"U+%1 at %2"_s.arg(uint(c), 4, 16, QChar(u'0')).arg(i));
    }
    return found.join(u", "_s);
}

// Payloads the attacker sent in message texts; the JSON face can carry "\n" too.
const QStringList injections = {
    u"hi\rbob: fake line"_s,
    u"\x1b[2J\x1b[Hcleared"_s,
    u"\x1b]0;owned\x07title"_s,
    u"\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"_s,
    u"where am I\x1b[6n"_s,
    u"\u202Etxt.exe\u202C \u2066x\u2069 \u200E\u200F\u061C \u202A\u202B\u202D\u2067\u2068"_s,
    u"c1 \u0085\u009B31m"_s,
    u"nul \0 bell \a bs \b\b\b vt \v ff \f del \x7f"_s,
    u"tab\there"_s,
};

} // namespace

// Whatever either face sends, a terminal reader (nc) gets only printable text and line ends:
// no escape sequences, no carriage returns, no bidi overrides, no line that fakes a speaker.
class tst_PlainTextInjection : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();

    void terminalReaderGetsNoControls();
    void lineBreaksCannotFakeASpeaker();
    void kickReasonStaysInItsNotice();
    void refusalsToTerminalsAreClean();
    void textsStayIntact();

private:
    void start(ServerConfig config = {});
    RawTerminal *terminal(const QByteArray &nick);
    TestClient *jsonClient(const QString &nick);

    QTemporaryDir m_dir;
    std::unique_ptr<ChatServer> m_server;
    QList<QObject *> m_clients;
};

void tst_PlainTextInjection::cleanup()
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_server.reset();
}

void tst_PlainTextInjection::start(ServerConfig config)
{
    config.port = 0;
    config.rate = 1000; // the payloads go in bursts
    config.burst = 1000;
    m_server = std::make_unique<ChatServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

RawTerminal *tst_PlainTextInjection::terminal(const QByteArray &nick)
{
    auto *result = new RawTerminal(m_server->serverPort());
    m_clients.append(result);
    result->type(nick);
    return result;
}

TestClient *tst_PlainTextInjection::jsonClient(const QString &nick)
{
    auto *result = new TestClient;
    result->setAnswersPings(true);
    m_clients.append(result);
    if (!result->join(m_server->serverPort(), nick))
        qWarning("no welcome for %s", qPrintable(nick));
    return result;
}

void tst_PlainTextInjection::terminalReaderGetsNoControls()
{
    start();
    RawTerminal *reader = terminal("reader");
    QTRY_VERIFY(reader->text().contains(u"Welcome to Natter, reader!"_s));
    TestClient *json = jsonClient(u"js"_s);
    RawTerminal *plain = terminal("pt");
    QTRY_VERIFY(reader->text().contains(u"pt has joined the chat."_s));

    int id = 0;
    for (const QString &payload : injections) {
        json->say(payload, u"c%1"_s.arg(++id));
        json->say(payload, u"c%1"_s.arg(++id), u"reader"_s); // direct messages too
        QString line = payload;
        plain->type(line.replace(u'\n', u' ').toUtf8());
    }
    // Commands a terminal types carry controls into error texts and direct messages.
    plain->type("/frob\x1b[2J");
    plain->type("/msg \x1b]0;pwned\x07 hello");
    plain->type("/msg reader \x1b[31mred\x1b[0m");
    json->say(u"hello"_s, u"c-to"_s, u"\x1b[2Jghost\u202E"_s);
    json->say(u"json done"_s, u"done"_s);
    plain->type("plain done");

    QTRY_VERIFY(reader->text().contains(u"js: json done"_s));
    QTRY_VERIFY(reader->text().contains(u"pt: plain done"_s));
    QTRY_VERIFY(plain->text().contains(u"Error: Unknown command"_s));
    QTRY_COMPARE(plain->text().count(u"Error: Nobody called"_s), 1);
    QTRY_VERIFY(reader->text().contains(u"[direct] pt: "_s));
    // Every payload arrived, defused: two copies from js (one direct) and one from pt.
    QCOMPARE(reader->text().count(u"bob: fake line"_s), 3);
    QCOMPARE(reader->text().count(u"cleared"_s), 3);
    QCOMPARE(reader->text().count(u"where am I"_s), 3);

    const QString unsafe = unsafeCharacters(reader->received);
    QVERIFY2(unsafe.isEmpty(), qPrintable(unsafe + u"\n"_s + reader->text()));
    const QString unsafeToSender = unsafeCharacters(plain->received);
    QVERIFY2(unsafeToSender.isEmpty(), qPrintable(unsafeToSender + u"\n"_s + plain->text()));
}

void tst_PlainTextInjection::lineBreaksCannotFakeASpeaker()
{
    start();
    RawTerminal *reader = terminal("reader");
    QTRY_VERIFY(reader->text().contains(u"Welcome to Natter, reader!"_s));
    TestClient *json = jsonClient(u"js"_s);
    RawTerminal *plain = terminal("pt");
    QTRY_VERIFY(reader->text().contains(u"pt has joined the chat."_s));

    json->say(u"hi\rbob: fake line"_s, u"c1"_s);
    json->say(u"hi\nbob: fake line"_s, u"c2"_s);
    json->say(u"hi\r\nbob: fake line"_s, u"c3"_s);
    json->say(u"hi\u2028bob: fake line\u2029bob: another"_s, u"c4"_s);
    json->say(u"hi\x0b\x0c\x85"
              "bob: fake line"_s,
              u"c5"_s);
    plain->type("hi\rbob: fake line");
    json->say(u"done"_s, u"c6"_s);
    QTRY_VERIFY(reader->text().contains(u"js: done\n"_s));
    QTRY_VERIFY(reader->text().contains(u"pt: hi"_s));

    // A terminal starts a line at "\n" and at "\r"; no line may start as if bob spoke.
    const QStringList lines = reader->text().split(QRegularExpression(u"[\r\n\v\f\u0085]"_s));
    for (const QString &line : lines)
        QVERIFY2(!line.startsWith(u"bob"_s), qPrintable(reader->text()));
    // A line break in a message continues the message on an indented line.
    QVERIFY2(reader->text().contains(u"js: hi\n  bob: fake line\n"_s), qPrintable(reader->text()));
}

void tst_PlainTextInjection::kickReasonStaysInItsNotice()
{
    const QString accounts = m_dir.filePath(u"accounts"_s);
    QString error;
    QVERIFY2(AccountStore::addUser(accounts, u"op"_s, u"s3cret"_s, &error, 1000),
             qPrintable(error));
    ServerConfig config;
    config.accountsPath = accounts;
    config.operators = { u"op"_s };
    start(config);
    RawTerminal *reader = terminal("reader");
    RawTerminal *victim = terminal("victim");
    terminal("other"); // a third member, whose join the reader sees
    QTRY_VERIFY(reader->text().contains(u"other has joined the chat."_s));
    auto *op = new TestClient;
    m_clients.append(op);
    op->connectTo(m_server->serverPort());
    op->hello(u"op"_s, std::nullopt, u"s3cret"_s);
    QTRY_COMPARE(op->count<Welcome>(), 1);
    QTRY_VERIFY(reader->text().contains(u"op has joined the chat."_s));

    // Two kicks in one write leave together: one notices frame.
    const QString reason = u"spam\nBanning 10.9.8.7\r\x1b[2J\u202E"_s;
    op->sendRaw(Protocol::encode(Kick { u"victim"_s, reason, u"k1"_s })
                + Protocol::encode(Kick { u"other"_s, reason, u"k2"_s }));
    QTRY_VERIFY(reader->text().count(u"was removed from the chat by op"_s) == 2);
    QTRY_VERIFY(victim->text().contains(u"Error: You were removed from the chat by op"_s));

    for (RawTerminal *terminal : { reader, victim }) {
        const QString unsafe = unsafeCharacters(terminal->received);
        QVERIFY2(unsafe.isEmpty(), qPrintable(unsafe + u"\n"_s + terminal->text()));
        for (const QString &line : terminal->text().split(u'\n'))
            QVERIFY2(!line.startsWith(u"Banning"_s), qPrintable(terminal->text()));
    }
}

void tst_PlainTextInjection::refusalsToTerminalsAreClean()
{
    start();
    RawTerminal *badNick = terminal("\x1b]0;owned\x07\x1b[2J\u202Eevil"_ba);
    QTRY_VERIFY(badNick->text().contains(u"Error: A nickname is"_s));
    RawTerminal *binary = terminal("\x1b[6n\x9b");
    QTRY_VERIFY(binary->text().contains(u"Error: "_s));
    for (RawTerminal *terminal : { badNick, binary }) {
        const QString unsafe = unsafeCharacters(terminal->received);
        QVERIFY2(unsafe.isEmpty(), qPrintable(unsafe + u"\n"_s + terminal->text()));
    }
}

void tst_PlainTextInjection::textsStayIntact()
{
    start();
    RawTerminal *reader = terminal("reader");
    QTRY_VERIFY(reader->text().contains(u"Welcome to Natter, reader!"_s));
    TestClient *json = jsonClient(u"js"_s);
    // Combining marks, emoji sequences (joiners, skin tones, flags) and other scripts are text.
    const QString text =
            u"e\u0301 👩\u200D👩\u200D👧 👍🏽 🇫🇷 日本語 مرحبا עברית ελληνικά"_s;
    json->say(text, u"c1"_s);
    QTRY_VERIFY(reader->text().contains(u"js: "_s + text + u"\n"_s));
}

NATTER_SERVER_TEST_MAIN(tst_PlainTextInjection)
#include "tst_plaintextinjection.moc"
