#!/usr/bin/env bash
# Natter's one entry point: installs what the build needs, builds into build/, and then
#   ./natter.sh demo            starts a server on 127.0.0.1:6789 and two chat windows (aa, bb)
#   ./natter.sh test            runs the whole test suite (GUI tests offscreen)
#   ./natter.sh server [args]   runs natter-server with the given options
#   ./natter.sh build           only builds
#   ./natter.sh sanitize        builds into build-sanitize with ASan+UBSan and runs the tests
#   ./natter.sh package         builds the Debian packages into build/packages and checks them
#   ./natter.sh format          checks the formatting of the sources (tools/check-format.sh)
# NATTER_WERROR=ON makes compiler warnings errors (.ci/run sets it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build_dir="$here/build"
demo_host=127.0.0.1
demo_port=6789

packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    # Debian's CMake files of Qt HTTP Server (--metrics) need Qt WebSockets' without saying so.
    qt6-httpserver-dev qt6-websockets-dev
    libqt6svg6 libqt6sql6-sqlite qt6-qpa-plugins libgl-dev fonts-dejavu-core
    weechat-headless irssi bsdutils libhiredis-dev redis-server
    # Spell checking in the input (optional for the build) and a dictionary for its tests.
    libhunspell-dev hunspell-en-us
    # Qt's own strings (Cancel, the text context menus) in the window's languages.
    qt6-translations-l10n
)
# Only for ./natter.sh package: dpkg-shlibdeps computes Depends, the rest check the result.
package_tools=(dpkg-dev lintian systemd appstream desktop-file-utils)
# Only for ./natter.sh format: the style is clang-format 14's, Debian 12's.
format_tools=(clang-format)
# CI turns warnings into errors; the option is passed whenever it is set, so that it also
# reaches a build directory configured before.
cmake_options=()
[ -n "${NATTER_WERROR:-}" ] && cmake_options+=("-DNATTER_WERROR=$NATTER_WERROR")

say() { printf 'natter: %s\n' "$*" >&2; }

install_dependencies() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing build dependencies: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

build() {
    install_dependencies
    if [ ! -f "$build_dir/build.ninja" ] || [ ${#cmake_options[@]} -gt 0 ]; then
        cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            "${cmake_options[@]}" "$@" >/dev/null
    fi
    cmake --build "$build_dir" --parallel "$(nproc)"
}

has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }

demo() {
    build
    local server="$build_dir/server/natter-server"
    local client="$build_dir/client-gui/natter"
    if ! has_display; then
        say "no display found (DISPLAY and WAYLAND_DISPLAY are unset): starting only the server."
        say "chat from a terminal with: nc $demo_host $demo_port   (first line is your nickname)"
        exec "$server" --host "$demo_host" --port "$demo_port"
    fi
    "$server" --host "$demo_host" --port "$demo_port" &
    local server_pid=$!
    trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
    "$client" --host "$demo_host" --port "$demo_port" --nick aa &
    local first=$!
    "$client" --host "$demo_host" --port "$demo_port" --nick bb &
    local second=$!
    say "server on $demo_host:$demo_port with windows aa and bb; close both windows to stop."
    say "others can join with: nc $demo_host $demo_port   (first line is the nickname)"
    wait "$first" "$second" || true
}

# Three nodes of one cluster around a local Redis (append-only, in a temporary folder), and
# two windows on different nodes: what one says the other sees through Redis.
cluster() {
    build
    local server="$build_dir/server/natter-server"
    local client="$build_dir/client-gui/natter"
    local redis_dir
    redis_dir=$(mktemp -d)
    redis-server --port 0 --unixsocket "$redis_dir/redis.sock" --dir "$redis_dir" --save '' \
        --appendonly yes --appendfsync everysec --daemonize yes \
        --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
    local pids=()
    # shellcheck disable=SC2317 # run by the trap
    stop_cluster() {
        kill "${pids[@]}" 2>/dev/null
        wait "${pids[@]}" 2>/dev/null
        kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null
        rm -rf "$redis_dir"
    }
    trap stop_cluster EXIT
    for _ in $(seq 50); do [ -S "$redis_dir/redis.sock" ] && break; sleep 0.1; done
    local port
    for port in 6789 6790 6791; do
        "$server" --host "$demo_host" --port "$port" --redis "unix:$redis_dir/redis.sock" \
            --node-id "node-$port" &
        pids+=($!)
    done
    sleep 1
    if ! has_display; then
        say "no display: nodes on $demo_host:6789-6791 (Redis in $redis_dir); Ctrl-C stops them."
        say "chat from terminals on different nodes: nc $demo_host 6789 / nc $demo_host 6790"
        wait "${pids[@]}"
        return
    fi
    # Each window knows every node and starts on its own: stop a node and it moves on.
    local a="$demo_host:6789" b="$demo_host:6790" c="$demo_host:6791"
    "$client" --host "$a,$b,$c" --nick aa &
    local first=$!
    "$client" --host "$b,$c,$a" --nick bb &
    local second=$!
    say "cluster of three nodes on $demo_host:6789-6791 through Redis; aa on 6789, bb on 6790."
    say "stop a node (kill PID) and its window moves to the next; close both windows to stop."
    wait "$first" "$second" || true
}

run_tests() {
    build "$@"
    QT_QPA_PLATFORM=offscreen ctest --test-dir "$build_dir" --output-on-failure \
        --timeout 300 --parallel "$(nproc)"
}

build_packages() {
    packages+=("${package_tools[@]}")
    install_dependencies
    # Debian's paths: /usr/bin, /usr/lib/systemd/system, /etc/natter.
    cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_INSTALL_PREFIX=/usr "${cmake_options[@]}" >/dev/null
    build
    rm -f "$build_dir"/packages/*.deb
    (cd "$build_dir" && cpack --config CPackConfig.cmake >/dev/null)
    ls "$build_dir"/packages/*.deb
    QT_QPA_PLATFORM=offscreen ctest --test-dir "$build_dir" --output-on-failure \
        --timeout 300 -L package
}

check_format() {
    packages=("${format_tools[@]}")
    install_dependencies
    "$here/tools/check-format.sh"
}

run_sanitized_tests() {
    build_dir="$here/build-sanitize"
    # Qt's own libraries are not instrumented; what they keep until exit is not ours to report.
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_tests -DNATTER_SANITIZE=ON
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    demo) demo ;;
    cluster) cluster ;;
    test) run_tests ;;
    build) build ;;
    sanitize) run_sanitized_tests ;;
    package) build_packages ;;
    format) check_format ;;
    server) build >&2 && exec "$build_dir/server/natter-server" "$@" ;;
    *)
        echo "usage: ./natter.sh demo | cluster | test | sanitize | package | format | build" \
            "| server [natter-server options]" >&2
        exit 2
        ;;
esac
