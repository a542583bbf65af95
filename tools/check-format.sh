#!/usr/bin/env bash
# Checks that the tracked .cpp and .h files are formatted as .clang-format says, with
# clang-format 14 (Debian 12's clang-format package); lists the files that are not and fails.
#   tools/check-format.sh          check (what .ci/run does)
#   tools/check-format.sh --fix    reformat those files in place
#   tools/check-format.sh FILE...  only these files
set -euo pipefail
cd "$(dirname "$0")/.."

fix=false
if [ "${1:-}" = --fix ]; then
    fix=true
    shift
fi
clang_format=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$clang_format" ]; then
    echo "check-format: clang-format is not installed (apt install clang-format)" >&2
    exit 2
fi
version=$("$clang_format" --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
if [ "$version" != 14 ]; then
    # Another version formats some constructs differently: its verdict would not be CI's.
    echo "check-format: $clang_format is version $version; the style is checked with 14" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
fi
if $fix; then
    "$clang_format" -i --style=file "${files[@]}"
    exit 0
fi
unformatted=()
for file in "${files[@]}"; do
    "$clang_format" --dry-run --Werror --style=file "$file" 2>/dev/null || unformatted+=("$file")
done
if [ ${#unformatted[@]} -gt 0 ]; then
    printf 'check-format: not formatted as .clang-format says: %s\n' "${unformatted[@]}" >&2
    echo "check-format: tools/check-format.sh --fix reformats them (${#unformatted[@]} files)" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
