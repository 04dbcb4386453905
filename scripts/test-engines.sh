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

# A test that fails on Node >= 24 today (issue 14), on a quiet machine too: (Node 26) the registry
# does not destroy a stream past its shutdown deadline within 5 s. On those versions it runs on its
# own and must still fail: if it passes, this script fails, so its entry goes as soon as it is fixed.
known_files=(packages/server/test/createStreamRegistry.test.ts)
known_names="destroys a stream that cannot finish by the deadline"

cache="node_modules/.cache/sse-rx-node"
status=0
for version in "${versions[@]}"; do
  dir="$cache/$version"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$version"
  fi
  bin="$(cd "$dir/node_modules/node/bin" && pwd)"
  echo "unit suites on Node $("$bin/node" --version)"
  # The JSON reporter is left out: .vitest-report.json stays the one of `pnpm test`.
  vitest=("$bin/node" node_modules/vitest/vitest.mjs run --reporter=dot)
  if [ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
    PATH="$bin:$PATH" "${vitest[@]}" packages/ || status=1
    continue
  fi
  PATH="$bin:$PATH" "${vitest[@]}" packages/ -t "^(?!.*($known_names))" || status=1
  echo "known failures on Node $version (issue 14), expected to fail:"
  if PATH="$bin:$PATH" "${vitest[@]}" "${known_files[@]}" -t "($known_names)"; then
    echo "a known failure now passes on Node $version: remove it from scripts/test-engines.sh" >&2
    status=1
  fi
done
exit $status
