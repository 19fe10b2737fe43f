#!/usr/bin/env bash
# Installs every Debian package listed in .ci/debian-packages.txt, plus the npm tools
# the manifest/diagram/web tests use. Idempotent: safe to run again; does nothing heavy when
# everything is already present.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

mapfile -t pkgs < <(grep -Ev '^\s*(#|$)' "$here/debian-packages.txt")
# kubectl and Node.js are on the project's machine image; install them from Debian only if absent.
command -v kubectl >/dev/null 2>&1 || pkgs+=(kubectl)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "install-deps: all Debian packages present"
fi

# npm tools (mermaid-cli, kubernetes-models, playwright-core ...) pinned by tests/node/package-lock.json.
# Keyed on the lock file's content, not on modification times: a fresh checkout (or a git worktree
# sharing node_modules) has new files but needs no reinstall, and npm ci empties node_modules first.
if [ -f "$root/tests/node/package.json" ]; then
    want=$(sha256sum "$root/tests/node/package-lock.json" | cut -d' ' -f1)
    stamp="$root/tests/node/node_modules/.package-lock.sha256"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        (cd "$root/tests/node" && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
        echo "$want" >"$stamp"
    fi
fi
