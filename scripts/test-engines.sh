#!/usr/bin/env bash
# Runs the packages' unit suites (packages/*/test) on the oldest Node that `engines` declares and on
# the newest Node release line, with binaries from the npm registry's `node` package (its postinstall
# fetches the `node-<platform>-<arch>` package for that version). The rest of CI runs on the
# machine's own Node. Usage: bash scripts/test-engines.sh [version...]
set -euo pipefail
cd "$(dirname "$0")/.."

# The oldest: the lower bound of engines.node in package.json (">=20.19" -> 20.19.0).
oldest="$(node -p 'const [major, minor = 0, patch = 0] = require("./package.json").engines.node.replace(/^>=\s*/, "").split("."); [major, minor, patch].join(".")')"
# The newest release line (Current); raise it when a new major ships.
newest=26
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("$oldest" "$newest")

cache="node_modules/.cache/sse-rx-node"
rm -f .vitest-engines-*.json
status=0
for version in "${versions[@]}"; do
  dir="$cache/$version"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$version"
  fi
  bin="$(cd "$dir/node_modules/node/bin" && pwd)"
  echo "unit suites on Node $("$bin/node" --version)"
  # Each run writes its own JSON report (.vitest-engines-<version>.json): .vitest-report.json stays
  # the one of `pnpm test`, and .ci/run names the failed tests of every report at the very end.
  # These runs look for what another Node breaks, which fails every time; a test that fails once
  # and then passes is a timing flake on a loaded machine: it gets one more try here (never in
  # `pnpm test`), and scripts/ci-summary.mjs names it as FLAKY so that it is fixed all the same.
  vitest=("$bin/node" node_modules/vitest/vitest.mjs run --reporter=dot --reporter=json --retry=1
    --outputFile.json=".vitest-engines-$version.json")
  # sse-rx-angular's suite is an end-to-end run (the Angular compiler, Chromium) of browser code:
  # once, in `pnpm test`, is enough for CI's time budget.
  PATH="$bin:$PATH" "${vitest[@]}" packages/ --exclude 'packages/angular/test/**' || status=1
done
exit $status
