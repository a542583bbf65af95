// SPDX-License-Identifier: BSD-3-Clause
// natter-bench: opens many client connections to a natter-server from one thread with epoll and
// measures fan-out throughput, one-way latency and the server's memory. Prints one JSON line.
//
//   natter-bench --port P --clients C --senders S --rate R --duration D [--server-pid PID]
//   natter-bench --port P --idle C --server-pid PID
//   --connect-window N keeps at most N connections opening at once (default: all at once).
//   --burst B: each sender sends B messages at once, B times less often (same average rate).
//   --silent N: the last N clients never read (their kernel buffers fill): the report says how
//   many of the reading clients the server removed (the target is 0), and the latency and
//   delivery ratio are the readers'.
//   add --proto irc to drive an IRC server (ngircd, InspIRCd) with the same workload: NICK/USER,
//   JOIN #bench, PRIVMSG #bench, PONG.
//   --rooms N: client i joins room r(i % N) (named in its hello; JOIN #r(i % N) after 001 with
//   --proto irc) and counts as registered when that room's room frame (366) arrives; clients 0..N-1
//   are the senders, one per room (--senders is ignored). Only messages of a client's own room
//   count, and each carries its sender's sequence number: the report adds how many a reader
//   never got (lost), got twice (duplicated) or got after a later one (out_of_order).
//   --drain S: how long to wait after the last send for messages still in flight (default 3);
//   "lost" is what had not arrived by then.
//
// R is the total rate of all senders. Senders send open-loop (on a schedule, whether or not earlier
// messages arrived); each message carries its send time, so receivers compute one-way latency on
// the same clock.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count();
}

struct Options
{
    int port = 6789;
    // --ports A,B,...: nodes of one cluster; client i connects to the (i mod n)th.
    std::vector<int> ports;
    int clients = 200;
    int senders = 20;
    double rate = 1000; // messages a second, all senders together
    double duration = 10;
    int idle = 0;
    long serverPid = 0;
    int textBytes = 64;
    bool irc = false;
    int connectWindow = 0; // connections opened but not yet welcomed; 0: no limit
    int burst = 1;
    int silent = 0;
    int rooms = 0; // 0: everyone in the one room (the lobby, #bench)
    double drain = 3; // seconds to wait after the last send for what is in flight
};

struct Client
{
    int fd = -1;
    bool welcomed = false;
    std::string in;
    std::string out;
    bool wantWrite = false;
    bool closed = false; // by the server
    // --rooms: the room this client joined, and which of its sender's messages arrived.
    int room = -1;
    int64_t highest = -1;
    std::vector<bool> seen;
};

long rssKiB(long pid)
{
    if (pid <= 0)
        return -1;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long value = 0;
            status >> value;
            return value;
        }
        status.ignore(1 << 20, '\n');
    }
    return -1;
}

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void die(const char *what)
{
    std::fprintf(stderr, "natter-bench: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

class Bench
{
public:
    explicit Bench(const Options &options)
        : m_options(options), m_sentBy(size_t(std::max(0, options.rooms)))
    {
        m_epoll = epoll_create1(0);
        if (m_epoll < 0)
            die("epoll_create1");
    }

    void connectAll(int count)
    {
        const int64_t start = nowNs();
        m_clients.resize(count);
        int opened = 0;
        while (m_welcomed < count) {
            // With --connect-window N at most N connections are opened and not yet welcomed:
            // a server with a short listen backlog (ngircd's is 10) would otherwise drop some
            // handshakes and leave those clients hanging for a minute.
            while (opened < count
                   && (m_options.connectWindow == 0
                       || opened - m_welcomed < m_options.connectWindow)) {
                open(opened++);
                // Read while connecting: the first clients get notices of later arrivals, and
                // a client that does not read them is (rightly) cut off as too slow.
                if (opened % 50 == 0)
                    poll(0);
            }
            poll(opened < count ? 1 : 100);
            if (nowNs() - start > int64_t(60e9)) {
                std::fprintf(stderr, "natter-bench: only %d of %d clients joined in 60 s\n",
                             m_welcomed, count);
                break;
            }
        }
        m_connectSeconds = double(nowNs() - start) / 1e9;
    }

    void run()
    {
        const int64_t start = nowNs();
        const int64_t end = start + int64_t(m_options.duration * 1e9);
        // Each sender sends rate/senders a second, the senders spread evenly over time.
        const int burst = std::max(1, m_options.burst);
        const int64_t interval = int64_t(1e9 * m_options.senders * burst
                                         / std::max(0.001, m_options.rate));
        std::vector<int64_t> due(size_t(m_options.senders));
        for (size_t s = 0; s < due.size(); ++s)
            due[s] = start + int64_t(s) * interval / int64_t(std::max<size_t>(1, due.size()));
        const std::string padding(size_t(m_options.textBytes), 'x');
        // Room for every expected latency up front: growing the vector mid-run would stall the
        // loop while megabytes are copied.
        const double audience = m_options.rooms > 0
                ? std::ceil(double(m_clients.size()) / m_options.rooms)
                : double(m_clients.size());
        m_latencyUs.reserve(size_t(std::min(2e8, m_options.rate * m_options.duration * audience)));
        const double cpuBefore = cpuSeconds();
        while (true) {
            const int64_t now = nowNs();
            if (now >= end)
                break;
            for (size_t s = 0; s < due.size(); ++s) {
                while (due[s] <= now && due[s] < end) {
                    m_sendLagNs = std::max(m_sendLagNs, now - due[s]);
                    Client &client = m_clients[s];
                    char head[64];
                    // The sender's node: readers on other nodes count cross-node latency.
                    std::snprintf(head, sizeof head, "t=%" PRId64 " s=%d ", due[s], nodeOf(int(s)));
                    for (int b = 0; b < burst; ++b) {
                        if (m_options.rooms > 0) {
                            // A sender the server has not registered would only be refused.
                            if (client.welcomed)
                                roomSay(client, int(s), head, padding);
                            continue;
                        }
                        client.out += m_options.irc ? "PRIVMSG #bench :"
                                                    : "{\"type\":\"say\",\"text\":\"";
                        client.out += head;
                        client.out += padding;
                        client.out += m_options.irc ? "\r\n" : "\"}\n";
                        ++m_sent;
                    }
                    flush(int(s));
                    due[s] += interval;
                }
            }
            int64_t next = end;
            for (const int64_t when : due)
                next = std::min(next, when);
            pollUntil(next);
        }
        // Let what is in flight arrive.
        const int64_t drainEnd = nowNs() + int64_t(m_options.drain * 1e9);
        const uint64_t expected = expectedDeliveries();
        while (nowNs() < drainEnd && m_delivered < expected)
            poll(10);
        m_runSeconds = double(end - start) / 1e9;
        m_cpuSeconds = cpuSeconds() - cpuBefore;
    }

    // --rooms: the server's RSS once everyone is registered, before any message.
    void setRegisteredRss(long rss) { m_rssRegistered = rss; }

    void report(long rssBefore, long rssAfter, const char *workload)
    {
        std::sort(m_latencyUs.begin(), m_latencyUs.end());
        auto percentile = [&](double p) -> double {
            if (m_latencyUs.empty())
                return -1;
            return m_latencyUs[std::min(m_latencyUs.size() - 1,
                                        size_t(p * double(m_latencyUs.size())))]
                    / 1000.0;
        };
        const uint64_t expected = expectedDeliveries();
        // Silent clients cannot tell: the server's FIN waits behind the bytes they never read
        // (its log says which it removed).
        int readersRemoved = 0;
        for (int i = 0; i < readers(); ++i)
            readersRemoved += isOpen(m_clients[size_t(i)]) ? 0 : 1;
        if (m_options.silent > 0)
            std::fprintf(stderr, "natter-bench: %d of %d reading clients were removed\n",
                         readersRemoved, readers());
        std::printf("{\"workload\":\"%s\",\"clients\":%zu,\"joined\":%d,\"connect_s\":%.3f,"
                    "\"senders\":%d,\"rate\":%g,\"duration_s\":%.1f,\"sent\":%" PRIu64
                    ",\"delivered\":%" PRIu64 ",\"delivery_ratio\":%.6f,\"deliveries_per_s\":%.0f,"
                    "\"latency_ms\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
                    "\"bench_cpu\":%.2f,\"bench_send_lag_ms\":%.2f,"
                    "\"server_rss_kib\":{\"before\":%ld,\"after\":%ld},"
                    "\"burst\":%d,\"text_bytes\":%d,\"silent\":%d,\"readers_removed\":%d",
                    workload, m_clients.size(), m_welcomed, m_connectSeconds, m_options.senders,
                    m_options.rate, m_runSeconds, m_sent, m_delivered,
                    expected ? double(m_delivered) / double(expected) : 0.0,
                    m_runSeconds > 0 ? double(m_delivered) / m_runSeconds : 0.0, percentile(0.5),
                    percentile(0.9), percentile(0.99),
                    m_latencyUs.empty() ? -1.0 : m_latencyUs.back() / 1000.0,
                    m_runSeconds > 0 ? m_cpuSeconds / m_runSeconds : 0.0, m_sendLagNs / 1e6,
                    rssBefore, rssAfter, m_options.burst, m_options.textBytes, m_options.silent,
                    readersRemoved);
        if (m_options.rooms > 0)
            reportRooms(rssBefore, rssAfter, expected, percentile);
        if (!m_crossNodeUs.empty()) {
            std::sort(m_crossNodeUs.begin(), m_crossNodeUs.end());
            auto cross = [&](double p) {
                return m_crossNodeUs[std::min(m_crossNodeUs.size() - 1,
                                              size_t(p * double(m_crossNodeUs.size())))]
                        / 1000.0;
            };
            std::printf(",\"nodes\":%zu,\"cross_node\":{\"deliveries\":%zu,\"p50\":%.2f,"
                        "\"p99\":%.2f,\"max\":%.2f}",
                        m_options.ports.size(), m_crossNodeUs.size(), cross(0.5), cross(0.99),
                        m_crossNodeUs.back() / 1000.0);
        }
        std::printf("}\n");
        std::fflush(stdout);
    }

private:
    int readers() const { return int(m_clients.size()) - m_options.silent; }

    // Every reading, registered client gets each message of its room's sender, except the
    // sender itself (client r sends in room r).
    uint64_t expectedDeliveries() const
    {
        if (m_options.rooms == 0)
            return m_sent * uint64_t(readers() - 1);
        uint64_t expected = 0;
        for (int i = 0; i < readers(); ++i) {
            const Client &client = m_clients[size_t(i)];
            if (client.welcomed && i >= m_options.rooms)
                expected += m_sentBy[size_t(client.room)];
        }
        return expected;
    }

    template<typename Percentile>
    void reportRooms(long rssBefore, long rssAfter, uint64_t expected, Percentile percentile)
    {
        uint64_t lost = 0;
        for (int i = m_options.rooms; i < readers(); ++i) {
            const Client &client = m_clients[size_t(i)];
            if (!client.welcomed)
                continue;
            const uint64_t sent = m_sentBy[size_t(client.room)];
            for (uint64_t n = 0; n < sent; ++n)
                lost += n < client.seen.size() && client.seen[n] ? 0 : 1;
        }
        const double perConnection = rssBefore > 0 && m_welcomed > 0
                ? double(rssAfter - rssBefore) / m_welcomed
                : -1;
        std::printf(",\"rooms\":%d,\"registration_s\":%.3f,\"expected\":%" PRIu64
                    ",\"lost\":%" PRIu64 ",\"duplicated\":%" PRIu64 ",\"out_of_order\":%" PRIu64
                    ",\"other_room\":%" PRIu64 ",\"kib_per_conn\":%.2f,\"rss_registered_kib\":%ld",
                    m_options.rooms, m_connectSeconds, expected, lost, m_duplicated, m_outOfOrder,
                    m_otherRoom, perConnection, m_rssRegistered);
        std::fprintf(stderr,
                     "natter-bench: %d rooms: %d of %zu clients registered in %.3f s; latency "
                     "p50 %.2f p99 %.2f max %.2f ms; %" PRIu64 " lost, %" PRIu64
                     " duplicated, %" PRIu64 " out of order; %.2f KiB of server RSS per "
                     "connection\n",
                     m_options.rooms, m_welcomed, m_clients.size(), m_connectSeconds,
                     percentile(0.5), percentile(0.99),
                     m_latencyUs.empty() ? -1.0 : m_latencyUs.back() / 1000.0, lost, m_duplicated,
                     m_outOfOrder, perConnection);
    }

    void roomSay(Client &client, int sender, const char *head, const std::string &padding)
    {
        // The sequence number lets each reader check it got its room's messages once, in order.
        const uint64_t n = m_sentBy[size_t(sender)]++;
        char room[64];
        std::snprintf(room, sizeof room, "r%d", client.room);
        char seq[32];
        std::snprintf(seq, sizeof seq, "n=%" PRIu64 " ", n);
        if (m_options.irc) {
            client.out += "PRIVMSG #";
            client.out += room;
            client.out += " :";
        } else {
            client.out += "{\"type\":\"say\",\"room\":\"";
            client.out += room;
            client.out += "\",\"text\":\"";
        }
        client.out += head;
        client.out += seq;
        client.out += padding;
        if (m_options.irc) {
            client.out += "\r\n";
        } else {
            client.out += "\",\"id\":\"";
            client.out += std::to_string(n);
            client.out += "\"}\n";
        }
        ++m_sent;
    }

    void registered(Client &client, int index)
    {
        client.welcomed = true;
        ++m_welcomed;
        if (index >= readers()) // silent from now on
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, client.fd, nullptr);
    }

    bool isOpen(const Client &client) const
    {
        if (client.closed)
            return false;
        tcp_info info {};
        socklen_t size = sizeof info;
        return getsockopt(client.fd, IPPROTO_TCP, TCP_INFO, &info, &size) == 0
                && info.tcpi_state == TCP_ESTABLISHED;
    }

    int nodeOf(int index) const
    {
        return m_options.ports.empty() ? 0 : index % int(m_options.ports.size());
    }
    int nodePort(int index) const
    {
        return m_options.ports.empty() ? m_options.port : m_options.ports[size_t(nodeOf(index))];
    }

    void open(int index)
    {
        Client &client = m_clients[size_t(index)];
        client.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (client.fd < 0)
            die("socket");
        const int one = 1;
        setsockopt(client.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(uint16_t(nodePort(index)));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(client.fd, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0
            && errno != EINPROGRESS)
            die("connect");
        const std::string nick = "b" + std::to_string(index);
        if (m_options.rooms > 0)
            client.room = index % m_options.rooms;
        if (m_options.irc)
            client.out = "NICK " + nick + "\r\nUSER " + nick + " 0 * :natter-bench\r\n";
        else if (m_options.rooms > 0) // a new nick is put in the rooms its hello names
            client.out = "{\"type\":\"hello\",\"nick\":\"" + nick
                    + "\",\"protocol\":2,\"client\":\"natter-bench\",\"rooms\":{\"r"
                    + std::to_string(client.room) + "\":{}}}\n";
        else
            client.out = "{\"type\":\"hello\",\"nick\":\"" + nick
                    + "\",\"client\":\"natter-bench\"}\n";
        if (index >= m_options.clients - m_options.silent && m_options.idle == 0) {
            // A member that never reads: a small receive buffer fills at once, and nothing
            // takes from it after the welcome.
            const int small = 4096;
            setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        }
        epoll_event event {};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u32 = uint32_t(index);
        client.wantWrite = true;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, client.fd, &event);
    }

    void flush(int index)
    {
        Client &client = m_clients[size_t(index)];
        while (!client.out.empty()) {
            const ssize_t written = ::send(client.fd, client.out.data(), client.out.size(),
                                           MSG_NOSIGNAL);
            if (written > 0) {
                client.out.erase(0, size_t(written));
                continue;
            }
            if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN))
                break;
            // The server cut this client (too slow to read, for one): count it and go on.
            client.out.clear();
            ++m_closedBySend;
            break;
        }
        const bool wantWrite = !client.out.empty();
        if (wantWrite != client.wantWrite) {
            epoll_event event {};
            event.events = EPOLLIN | (wantWrite ? EPOLLOUT : 0u);
            event.data.u32 = uint32_t(index);
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, client.fd, &event);
            client.wantWrite = wantWrite;
        }
    }

    // Waits for events, but no later than `deadlineNs` (nanosecond precision, so an open-loop
    // schedule is kept without spinning).
    void pollUntil(int64_t deadlineNs)
    {
        const int64_t waitNs = std::max<int64_t>(0, deadlineNs - nowNs());
        const timespec timeout { time_t(waitNs / 1'000'000'000), long(waitNs % 1'000'000'000) };
        handle(epoll_pwait2(m_epoll, m_events, MaxEvents, &timeout, nullptr));
    }

    void poll(int timeoutMs) { handle(epoll_wait(m_epoll, m_events, MaxEvents, timeoutMs)); }

    void handle(int count)
    {
        epoll_event *events = m_events;
        for (int e = 0; e < count; ++e) {
            const int index = int(events[e].data.u32);
            if (events[e].events & EPOLLOUT)
                flush(index);
            if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                read(index);
        }
    }

    void read(int index)
    {
        Client &client = m_clients[size_t(index)];
        for (;;) {
            const ssize_t got = ::recv(client.fd, m_buffer, sizeof m_buffer, 0);
            if (got > 0) {
                lines(client, index, std::string_view(m_buffer, size_t(got)));
                // Less than a full buffer means the socket is drained: epoll (level-triggered)
                // reports it again when more comes, so no second recv just to hear EAGAIN.
                if (size_t(got) < sizeof m_buffer)
                    break;
                continue;
            }
            if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                client.closed = true;
                if (!m_warnedClosed) {
                    std::fprintf(stderr, "natter-bench: the server closed client %d\n", index);
                    m_warnedClosed = true;
                }
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, client.fd, nullptr);
            }
            break;
        }
    }

    // Whole lines are parsed where they arrived; only a line cut by the end of a read is copied.
    void lines(Client &client, int index, std::string_view data)
    {
        const int64_t now = nowNs();
        if (!client.in.empty()) {
            const size_t end = data.find('\n');
            if (end == std::string_view::npos) {
                client.in.append(data);
                return;
            }
            client.in.append(data.substr(0, end));
            line(client, index, client.in, now);
            client.in.clear();
            data.remove_prefix(end + 1);
        }
        for (;;) {
            const void *found = std::memchr(data.data(), '\n', data.size());
            if (!found) {
                if (!data.empty())
                    client.in.assign(data);
                return;
            }
            const size_t end = size_t(static_cast<const char *>(found) - data.data());
            line(client, index, data.substr(0, end), now);
            data.remove_prefix(end + 1);
        }
    }

    void line(Client &client, int index, std::string_view text, int64_t now)
    {
        if (m_options.irc) {
            ircLine(client, index, text, now);
            return;
        }
        static constexpr std::string_view stamp = "\"text\":\"t=";
        if (!client.welcomed) {
            if (m_options.rooms == 0) {
                if (text.find("\"type\":\"welcome\"") != std::string_view::npos)
                    registered(client, index);
                return;
            }
            // Registered once the room frame of the room its hello named is here.
            if (text.find("\"type\":\"room\"") != std::string_view::npos
                && roomOf(text, "\"room\":\"r") == client.room)
                registered(client, index);
            else if (text.find("\"type\":\"welcome\"") == std::string_view::npos)
                warnError(index, text);
            return;
        }
        // Only chat messages carry a text starting "t=": no need to look at the type.
        const size_t at = text.find(stamp);
        if (at == std::string_view::npos)
            return;
        if (m_options.rooms > 0)
            roomArrived(client, roomOf(text, "\"room\":\"r"), text.data() + at + stamp.size(), now,
                        nodeOf(index));
        else
            arrived(text.data() + at + stamp.size(), now, nodeOf(index));
    }

    // The number of room "r<number>" named after `key`, or -1 (the lobby: no room field).
    static int roomOf(std::string_view text, std::string_view key)
    {
        const size_t at = text.find(key);
        if (at == std::string_view::npos)
            return -1;
        int room = 0;
        size_t i = at + key.size();
        if (i >= text.size() || text[i] < '0' || text[i] > '9')
            return -1;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            room = room * 10 + (text[i] - '0');
        // "r17" must not pass for "r17x" (or "r1" for "r17"): the name ends here.
        if (i < text.size() && text[i] != '"' && text[i] != ' ')
            return -1;
        return room;
    }

    // The first refusal a registering client gets (a join refused, say) is worth seeing.
    void warnError(int index, std::string_view text)
    {
        bool error = false;
        if (m_options.irc) { // ":server 4xx ..." or "5xx": an error numeric
            const size_t space = text.find(' ');
            error = space != std::string_view::npos && space + 4 < text.size()
                    && (text[space + 1] == '4' || text[space + 1] == '5') && text[space + 4] == ' ';
        } else {
            error = text.find("\"type\":\"error\"") != std::string_view::npos;
        }
        if (!error || m_warnedError)
            return;
        m_warnedError = true;
        std::fprintf(stderr, "natter-bench: client %d got: %.*s\n", index, int(text.size()),
                     text.data());
    }

    void roomArrived(Client &client, int room, const char *stamp, int64_t now, int readerNode)
    {
        if (room != client.room) {
            ++m_otherRoom;
            return;
        }
        char *end = nullptr;
        const int64_t sentAt = std::strtoll(stamp, &end, 10);
        int senderNode = -1;
        if (std::strncmp(end, " s=", 3) == 0)
            senderNode = int(std::strtol(end + 3, &end, 10));
        if (std::strncmp(end, " n=", 3) != 0) {
            ++m_otherRoom; // not one of ours
            return;
        }
        const uint64_t n = std::strtoull(end + 3, nullptr, 10);
        if (n < client.seen.size() && client.seen[n]) {
            ++m_duplicated;
            return;
        }
        if (n >= client.seen.size())
            client.seen.resize(std::max<size_t>(n + 1, client.seen.size() * 2));
        client.seen[n] = true;
        if (int64_t(n) < client.highest)
            ++m_outOfOrder;
        else
            client.highest = int64_t(n);
        ++m_delivered;
        const uint32_t latency = uint32_t(std::max<int64_t>(0, now - sentAt) / 1000);
        m_latencyUs.push_back(latency);
        if (m_options.ports.size() > 1 && senderNode >= 0 && senderNode != readerNode)
            m_crossNodeUs.push_back(latency);
    }

    void ircLine(Client &client, int index, std::string_view text, int64_t now)
    {
        if (text.substr(0, 5) == "PING ") {
            client.out += "PONG ";
            client.out.append(text.substr(5));
            client.out += "\r\n";
            flush(index);
            return;
        }
        if (!client.welcomed) {
            // 001 ends registration; 366 (end of NAMES) means the JOIN is done.
            if (text.find(" 001 ") != std::string_view::npos) {
                client.out += m_options.rooms > 0 ? "JOIN #r" + std::to_string(client.room) + "\r\n"
                                                  : std::string("JOIN #bench\r\n");
                flush(index);
            } else if (text.find(" 366 ") != std::string_view::npos) {
                if (m_options.rooms > 0) {
                    registered(client, index);
                } else { // as before --rooms: --silent IRC clients still read
                    client.welcomed = true;
                    ++m_welcomed;
                }
            } else if (m_options.rooms > 0) {
                warnError(index, text);
            }
            return;
        }
        static constexpr std::string_view stamp = " :t=";
        const size_t at = text.find(stamp);
        if (at == std::string_view::npos || text.find(" PRIVMSG ") == std::string_view::npos)
            return;
        if (m_options.rooms > 0)
            roomArrived(client, roomOf(text, " PRIVMSG #r"), text.data() + at + stamp.size(), now,
                        nodeOf(index));
        else
            arrived(text.data() + at + stamp.size(), now, nodeOf(index));
    }

    void arrived(const char *stamp, int64_t now, int readerNode)
    {
        char *end = nullptr;
        const int64_t sentAt = std::strtoll(stamp, &end, 10);
        ++m_delivered;
        const uint32_t latency = uint32_t(std::max<int64_t>(0, now - sentAt) / 1000);
        m_latencyUs.push_back(latency);
        if (m_options.ports.size() > 1 && std::strncmp(end, " s=", 3) == 0
            && std::atoi(end + 3) != readerNode)
            m_crossNodeUs.push_back(latency);
    }

    static constexpr int MaxEvents = 512;
    epoll_event m_events[MaxEvents];
    char m_buffer[256 * 1024];
    Options m_options;
    int m_epoll = -1;
    std::vector<Client> m_clients;
    std::vector<uint32_t> m_latencyUs;
    std::vector<uint32_t> m_crossNodeUs; // --ports: sender and reader on different nodes
    int m_welcomed = 0;
    uint64_t m_sent = 0;
    uint64_t m_delivered = 0;
    int64_t m_sendLagNs = 0;
    double m_connectSeconds = 0;
    double m_runSeconds = 0;
    double m_cpuSeconds = 0;
    bool m_warnedClosed = false;
    int m_closedBySend = 0;
    // --rooms
    std::vector<uint64_t> m_sentBy; // by sender (= room)
    uint64_t m_duplicated = 0;
    uint64_t m_outOfOrder = 0;
    uint64_t m_otherRoom = 0;
    long m_rssRegistered = -1;
    bool m_warnedError = false;
};

Options parse(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "natter-bench: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--port") {
            options.port = std::atoi(value());
        } else if (arg == "--ports") {
            std::string list = value();
            for (size_t at = 0; at <= list.size();) {
                const size_t comma = std::min(list.find(',', at), list.size());
                options.ports.push_back(std::atoi(list.substr(at, comma - at).c_str()));
                at = comma + 1;
            }
        } else if (arg == "--clients")
            options.clients = std::atoi(value());
        else if (arg == "--senders")
            options.senders = std::atoi(value());
        else if (arg == "--rate")
            options.rate = std::atof(value());
        else if (arg == "--duration")
            options.duration = std::atof(value());
        else if (arg == "--idle")
            options.idle = std::atoi(value());
        else if (arg == "--server-pid")
            options.serverPid = std::atol(value());
        else if (arg == "--connect-window")
            options.connectWindow = std::atoi(value());
        else if (arg == "--proto")
            options.irc = std::string(value()) == "irc";
        else if (arg == "--text-bytes")
            options.textBytes = std::atoi(value());
        else if (arg == "--burst")
            options.burst = std::atoi(value());
        else if (arg == "--silent")
            options.silent = std::atoi(value());
        else if (arg == "--rooms")
            options.rooms = std::atoi(value());
        else if (arg == "--drain")
            options.drain = std::atof(value());
        else {
            std::fprintf(
                    stderr,
                    "usage: natter-bench (--port P | --ports P1,P2,...) (--clients C --senders S --rate R "
                    "--duration D | --idle C) [--server-pid PID] [--text-bytes N] "
                    "[--proto natter|irc] [--connect-window N] [--burst B] [--silent N] [--rooms N] [--drain S]\n");
            std::exit(2);
        }
    }
    if (options.rooms > 0) {
        options.rooms = std::min(options.rooms, options.clients);
        options.senders = options.rooms; // one a room
    }
    options.senders = std::min(options.senders, options.clients);
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parse(argc, argv);
    rlimit files {};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    Bench bench(options);
    const long rssBefore = rssKiB(options.serverPid);
    if (options.idle > 0) {
        bench.connectAll(options.idle);
        const long rssAfter = rssKiB(options.serverPid);
        bench.report(rssBefore, rssAfter, "idle");
        if (rssBefore > 0)
            std::fprintf(stderr, "natter-bench: %.2f KiB of server RSS per idle connection\n",
                         double(rssAfter - rssBefore) / options.idle);
        return 0;
    }
    bench.connectAll(options.clients);
    bench.setRegisteredRss(rssKiB(options.serverPid));
    bench.run();
    bench.report(rssBefore, rssKiB(options.serverPid), options.rooms > 0 ? "rooms" : "fanout");
    return 0;
}
