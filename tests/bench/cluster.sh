#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The room of 200 (20 senders, 5 s) against one node without a store, one node of a cluster and
# two nodes of a cluster (clients split between them), with a Redis of its own (AOF, everysec)
# in a temporary folder. Prints one line per run; docs/benchmarks.md, run K.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
S=$here/build/server/natter-server B=$here/build/tests/bench/natter-bench
dir=$(mktemp -d)
redis-server --port 0 --unixsocket "$dir/redis.sock" --dir "$dir" --save '' --appendonly yes \
    --appendfsync "${APPENDFSYNC:-everysec}" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log"
trap 'kill "$(cat "$dir/redis.pid")"; sleep 0.5; rm -rf "$dir"' EXIT
for _ in $(seq 50); do [ -S "$dir/redis.sock" ] && break; sleep 0.1; done
R="redis-cli -s $dir/redis.sock"
opts="--rate 0 --max-per-ip 100000 --max-clients 20000"
pick='"sent":[0-9]*|"delivery_ratio":[0-9.]*|"p50":[0-9.]*|"p99":[0-9.]*|"cross_node":\{[^}]*\}'
for rate in ${RATES:-2000 5000}; do
  $S --port 6811 $opts --no-store > /dev/null 2>&1 & P=$!; sleep 0.5
  echo "alone R=$rate: $($B --port 6811 --clients 200 --senders 20 --rate $rate --duration 5 2>/dev/null | grep -oE "$pick" | tr '\n' ' ')"
  kill $P; wait $P 2>/dev/null
  $R flushall > /dev/null
  $S --port 6812 $opts --redis unix:$dir/redis.sock --node-id one > /dev/null 2>&1 & P=$!; sleep 0.5
  echo "1 node  R=$rate: $($B --port 6812 --clients 200 --senders 20 --rate $rate --duration 5 2>/dev/null | grep -oE "$pick" | tr '\n' ' ')"
  kill $P; wait $P 2>/dev/null
  $R flushall > /dev/null
  $S --port 6813 $opts --redis unix:$dir/redis.sock --node-id a > /dev/null 2>&1 & P=$!
  $S --port 6814 $opts --redis unix:$dir/redis.sock --node-id b > /dev/null 2>&1 & Q=$!; sleep 0.7
  echo "2 nodes R=$rate: $($B --ports 6813,6814 --clients 200 --senders 20 --rate $rate --duration 5 2>/dev/null | grep -oE "$pick" | tr '\n' ' ')"
  kill $P $Q; wait $P $Q 2>/dev/null
done
uptime
