#!/usr/bin/env bash
# Installs what Eightfold needs on Debian 12 and is missing: Debian packages (with sudo when
# not root) and the frontend's npm packages. Usage: deps.sh run|test
set -euo pipefail
cd "$(dirname "$0")/../.."

run_pkgs=(git pkg-config gcc libgtk-3-dev libwebkit2gtk-4.1-dev)
test_pkgs=(xvfb imagemagick xdotool chromium python3-pytest openssh-server openssh-client shellcheck)

case "${1:-run}" in
  run) want=("${run_pkgs[@]}") ;;
  test) want=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

fail() { echo "eightfold setup: $*" >&2; exit 1; }

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and apt-get is not here: install them with your package manager"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || fail "missing ${missing[*]}: run as root or install sudo"
    sudo=(sudo)
  fi
  echo "eightfold setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

command -v go >/dev/null || fail "Go is not on PATH: install Go 1.26 or newer from the Go project (Debian's golang is too old) and add it to PATH"
gov=$(go env GOVERSION | sed 's/^go//')
[ "$(printf '%s\n' 1.26 "$gov" | sort -V | head -n1)" = 1.26 ] || fail "Go $gov is too old: Eightfold needs Go 1.26 or newer"
command -v npm >/dev/null || fail "Node.js and npm are not on PATH: install Node.js 20 or newer (with npm 11)"
nodev=$(node --version | sed 's/^v//')
[ "${nodev%%.*}" -ge 20 ] || fail "Node.js $nodev is too old: the frontend needs Node.js 20 or newer"

# npm packages: reinstall when the lock file is newer than the last install.
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  echo "eightfold setup: installing the frontend's npm packages"
  (cd frontend && npm ci --no-audit --no-fund)
fi
