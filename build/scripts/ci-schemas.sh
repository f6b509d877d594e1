#!/usr/bin/env bash
# Refreshes the engines' published JSON Schemas that backend/ciexport's tests validate exported
# workflows against. Only the npm registry is reached: the schemas ship inside two npm packages.
#   GitHub Actions: SchemaStore's github-workflow.json, embedded in @action-validator/core's wasm.
#   GitLab CI:      GitLab's own ci.json ($id https://gitlab.com/.gitlab-ci.yml), bundled in gitlab-ci-local.
# Usage: build/scripts/ci-schemas.sh   (writes backend/ciexport/testdata/schemas/*.json)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$here/backend/ciexport/testdata/schemas
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @action-validator/core@0.6.0 gitlab-ci-local@4.75.1 >/dev/null
mkdir gh gl
tar xzf action-validator-core-0.6.0.tgz -C gh
tar xzf gitlab-ci-local-4.75.1.tgz -C gl
OUT=$out node "$here/build/scripts/ci-schemas-extract.cjs" gh/package/action_validator_bg.wasm gl/package/dist/index.js
echo "wrote $out/github-workflow.json and $out/gitlab-ci.json"
