#!/usr/bin/env bash
# The presenter's size where a maintainer feels it: the five largest files, the five longest
# functions (a function is a body from a line "{" to a line "}" at column 0, the clang-format
# layout of this repository; its name is the last line before it that starts at column 0; class
# and namespace bodies are not counted), the `duplicates` pair count (when that
# tool is on PATH) and the words a newcomer reads before the code (README.md, context.md and the
# presenter's README). Prints; asserts nothing.
set -eu # no pipefail: each list is cut with head
cd "$(dirname "$0")/../.."
echo "== five largest files in desktop/ (lines)"
find desktop -name '*.cpp' -o -name '*.h' | xargs wc -l | grep -v ' total$' | sort -rn | head -5
echo "== five longest functions in desktop/ (lines)"
find desktop -name '*.cpp' | while read -r f; do
    awk -v file="$f" '
        /^\{$/ { start = NR; name = top; next }
        /^\}/ { if (start && name !~ /^(class|struct|namespace|enum) /) { printf "%d %s:%d %s\n", NR - start + 1, file, start, name }; start = 0; next }
        /^[A-Za-z~]/ { top = $0 }' "$f"
done | sort -rn | head -5
if command -v duplicates >/dev/null; then
    echo "== duplicates in desktop/"
    (cd desktop && duplicates --seconds 120 > /tmp/structure-duplicates.txt || true; head -1 /tmp/structure-duplicates.txt)
fi
echo "== words a newcomer reads before the code"
wc -w README.md context.md desktop/README.md 2>/dev/null
