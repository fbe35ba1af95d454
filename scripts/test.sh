#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs lint, type check, unit, integration (a real VS Code
# extension host in code-server) and e2e (real PostgreSQL clusters, real pg_waldump, and the real
# pg_probackup when PG_PROBACKUP names one). Every tier runs; the exit code is non-zero when any
# step fails. The last line adds the tiers up.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/prereqs.sh

results="$root/test-results"
mkdir -p "$results"
rm -f "$results"/*-summary.json
failed_steps=()

step() { # name command...
  local name=$1; shift
  printf '\n=== %s\n' "$name"
  if ! "$@"; then failed_steps+=("$name"); fi
}

tier() { # name dir mocha-args...
  local name=$1 dir=$2; shift 2
  printf '\n=== %s tests\n' "$name"
  # Without the shared fixtures, the files that read them are left out and reported as skipped.
  local ignores=()
  mapfile -t ignores < <(node "$root/out/test/support/fixtureHooks.js" --ignore-args "$root/out/test/$dir")
  PGBS_FIXTURE_TIER="$dir" PGBS_TEST_SUMMARY="$results/$name-summary.json" npx --no-install mocha --reporter "$root/out/test/support/reporter.js" \
    "${ignores[@]}" --file "$root/out/test/support/fixtureHooks.js" "$@"
  checked "$name" $?
}

checked() { # name exit-code: one entry per failed tier, saying when its runner did not finish
  local name=$1 rc=$2
  if [ ! -f "$results/$name-summary.json" ]; then failed_steps+=("$name (the runner did not finish)")
  elif [ "$rc" -ne 0 ]; then failed_steps+=("$name"); fi
}

ensure_node_modules
ensure_postgres_15

step lint npx --no-install eslint .
step "type check and compile" npx --no-install tsc -p tsconfig.json
step build node scripts/build.mjs

tier unit unit --config .mocharc.unit.json
printf '\n=== integration tests (VS Code extension host in code-server)\n'
node scripts/run-integration.mjs; checked integration $?
printf '\n=== integration tests in an untrusted workspace (workspace trust on)\n'
node scripts/run-integration.mjs --untrusted; checked integration-untrusted $?
if [ -z "${PG_PROBACKUP:-}" ]; then
  echo "note: PG_PROBACKUP is not set, so the pg_probackup e2e cases are reported as skipped"
fi
tier e2e e2e --config .mocharc.e2e.json

node -e '
  const fs = require("fs");
  let p = 0, f = 0, s = 0;
  for (const tier of ["unit", "integration", "integration-untrusted", "e2e"]) {
    const file = process.argv[1] + "/" + tier + "-summary.json";
    if (!fs.existsSync(file)) { console.log(`${tier}: no result (the runner did not finish; its output above says why)`); continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    console.log(`${tier}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    p += r.passed; f += r.failed; s += r.skipped;
  }
  console.log(`\nTests: ${p} passed, ${f} failed, ${s} skipped`);
' "$results"

if [ ${#failed_steps[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed_steps[*]}"
  exit 1
fi
echo "All steps passed."
