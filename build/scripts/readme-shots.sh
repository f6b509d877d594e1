#!/usr/bin/env bash
# Copies the README's screenshots from the last `make test` (the browser e2e suite and the
# desktop demo write them to test-artifacts/) into docs/screenshots/, so that the README shows
# what the tests saw, never a mock-up. Run it after `make test`; commit what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
from="$root/test-artifacts"
to="$root/docs/screenshots"
mkdir -p "$to"
# source name in test-artifacts/ → name in docs/screenshots/
while read -r src dst; do
  [ -f "$from/$src" ] || { echo "readme-shots: $from/$src is missing: run make test first" >&2; exit 1; }
  cp "$from/$src" "$to/$dst"
  echo "readme-shots: $dst ← $src"
done <<'LIST'
desktop-demo-03-test-failed.png desktop-test-failed.png
desktop-demo-07-operate-incident.png desktop-incident.png
demo-incident-card.png browser-monitor-incident.png
demo-back-to-plan.png browser-board.png
projects-onboarding.png browser-onboarding.png
LIST
