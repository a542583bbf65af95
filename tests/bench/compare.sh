#!/usr/bin/env bash
# Runs the same workloads against natter-server, ngircd and InspIRCd on loopback, each server
# pinned to core 0 and natter-bench to core 1, and prints one table (docs/benchmarks.md).
#
#   tests/bench/compare.sh                      # every server, every workload
#   SERVERS="natter ngircd" DURATION=10 tests/bench/compare.sh
#
# natter-server stores every message in SQLite as in production (NATTER_STORE=0: in memory).
# Each server runs with its flood limits off or raised (natter-server --rate 0, ngircd
# MaxPenaltyTime = 0, InspIRCd fakelag off and a huge commandrate), from a configuration written
# here into a temporary folder. Each workload gets a freshly started server.
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-5}
SERVERS=${SERVERS:-"natter ngircd inspircd"}
# clients:senders:rate: the rooms of issue 7's targets, then the idle-memory run (idle:clients),
# then rooms:clients:rooms:rate, the clients spread over that many rooms (channels #r0.. on IRC),
# one sender each, rate in total: the rooms issue's 10,000 clients in 1,000 rooms of 10.
WORKLOADS=${WORKLOADS:-"200:20:5000 200:20:10000 200:20:30000 2000:20:500 10000:20:50 idle:10000 rooms:10000:1000:2000"}
PORT=${PORT:-6810}
# natter-server keeps every message in its SQLite store (fsync per batch) unless NATTER_STORE=0.
NATTER_STORE=${NATTER_STORE:-1}
# Connections opening at once, for ngircd only: its listen backlog is 10, and a fuller one drops
# handshakes. (InspIRCd holds each registration about a second, so a window would only slow it.)
NGIRCD_CONNECT_WINDOW=${NGIRCD_CONNECT_WINDOW:-10}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v ngircd > /dev/null || [ -x /usr/sbin/ngircd ] || missing+=(ngircd)
command -v inspircd > /dev/null || [ -x /usr/sbin/inspircd ] || missing+=(inspircd)
command -v taskset > /dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    echo "compare.sh: installing ${missing[*]}" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}" > /dev/null
fi
[ -x "$BUILD/tests/bench/natter-bench" ] && [ -x "$BUILD/server/natter-server" ] || ./natter.sh build

work=$(mktemp -d)
server_pid=
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2> /dev/null; then
        kill "$server_pid" 2> /dev/null || true
        wait "$server_pid" 2> /dev/null || true
    fi
    server_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT

write_configs() {
    cat > "$work/ngircd.conf" <<EOF
[Global]
    Name = bench.natter.local
    Info = natter-bench anchor
    Listen = 127.0.0.1
    Ports = $PORT
    PidFile = $work/ngircd.pid
    MotdPhrase = bench
[Limits]
    MaxConnections = 0
    MaxConnectionsIP = 0
    MaxJoins = 0
    MaxNickLength = 16
    MaxPenaltyTime = 0
    PingTimeout = 600
    PongTimeout = 600
[Options]
    DNS = no
    Ident = no
    PAM = no
EOF
    cat > "$work/inspircd.conf" <<EOF
<server name="bench.natter.local" description="natter-bench anchor" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$PORT" type="clients">
<connect name="bench" allow="*" timeout="60" pingfreq="600" threshold="1000000"
         commandrate="1000000000" fakelag="off" hardsendq="1048576" softsendq="1048576"
         recvq="1048576" localmax="100000" globalmax="100000" maxconnwarn="off"
         resolvehostnames="no" useident="no" limit="100000">
<performance netbuffersize="65536" somaxconn="1024" softlimit="20000" clonesonconnect="no"
             quietbursts="yes" nouserdns="yes">
<channels users="100" opers="100">
<limits maxnick="30">
<pid file="$work/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="sparse" target="$work/inspircd.log">
EOF
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then return 0; fi
        sleep 0.1
    done
    echo "compare.sh: $1 did not open port $PORT" >&2
    return 1
}

start_server() {
    case $1 in
    natter)
        rm -rf "$work/natter-data"
        local store=(--no-store)
        [ "$NATTER_STORE" = 1 ] && store=(--data-dir "$work/natter-data")
        taskset -c 0 "$BUILD/server/natter-server" --port "$PORT" --rate 0 "${store[@]}" \
            --max-clients 20000 --max-per-ip 100000 > "$work/natter.log" 2>&1 &
        ;;
    ngircd)
        taskset -c 0 ngircd --nodaemon --config "$work/ngircd.conf" > "$work/ngircd.log" 2>&1 &
        ;;
    inspircd)
        taskset -c 0 inspircd --config="$work/inspircd.conf" --nofork --runasroot \
            > "$work/inspircd.out" 2>&1 &
        ;;
    esac
    server_pid=$!
    wait_for_port "$1"
}

field() { # field NAME JSON -> the number after "NAME":
    sed -n "s/.*\"$1\":\([-0-9.]*\).*/\1/p" <<< "$2"
}

ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
write_configs
results=()
for server in $SERVERS; do
    proto=natter
    [ "$server" = natter ] || proto=irc
    window=0
    [ "$server" = ngircd ] && window=$NGIRCD_CONNECT_WINDOW
    for workload in $WORKLOADS; do
        IFS=: read -r clients senders rate room_rate <<< "$workload"
        start_server "$server"
        if [ "$clients" = idle ]; then
            args=(--idle "$senders")
            label="idle $senders"
        elif [ "$clients" = rooms ]; then
            args=(--clients "$senders" --rooms "$rate" --rate "$room_rate" --duration "$DURATION")
            label="$senders in $rate rooms, R=$room_rate"
        else
            args=(--clients "$clients" --senders "$senders" --rate "$rate" --duration "$DURATION")
            label="room $clients, R=$rate"
        fi
        line=$(taskset -c 1 "$BUILD/tests/bench/natter-bench" --port "$PORT" --proto "$proto" \
                   --connect-window "$window" --server-pid "$server_pid" "${args[@]}" \
                   2> "$work/bench.err" || true)
        stop_server
        echo "$server $label: ${line:-(no result: $(tail -1 "$work/bench.err"))}" >&2
        results+=("$server|$label|$line")
    done
done

# lost / dup / ooo: --rooms only (a room's messages a reader never got, got twice, got late).
printf '\n| server | workload | joined | connect s | delivered | deliveries/s | p50 ms | p99 ms | max ms | RSS after MiB | KiB/conn | bench CPU | lost / dup / ooo |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for entry in "${results[@]}"; do
    IFS='|' read -r server label line <<< "$entry"
    if [ -z "$line" ]; then
        printf '| %s | %s | failed | | | | | | | | | | |\n' "$server" "$label"
        continue
    fi
    joined=$(field joined "$line")
    before=$(sed -n 's/.*"before":\([-0-9]*\).*/\1/p' <<< "$line")
    after=$(sed -n 's/.*"after":\([-0-9]*\).*/\1/p' <<< "$line")
    per_conn=$(awk -v b="$before" -v a="$after" -v n="$joined" \
                   'BEGIN { if (n > 0 && b > 0) printf "%.2f", (a - b) / n }')
    checks=—
    [ -n "$(field lost "$line")" ] &&
        checks="$(field lost "$line") / $(field duplicated "$line") / $(field out_of_order "$line")"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$server" "$label" "$joined" "$(field connect_s "$line")" \
        "$(field delivery_ratio "$line")" "$(field deliveries_per_s "$line")" \
        "$(field p50 "$line")" "$(field p99 "$line")" "$(field max "$line")" \
        "$(awk -v a="$after" 'BEGIN { printf "%.0f", a / 1024 }')" "$per_conn" \
        "$(field bench_cpu "$line")" "$checks"
done
