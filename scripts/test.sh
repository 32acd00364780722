#!/usr/bin/env bash
# Runs every check and test of vitalboard: formatting, lints of both sides,
# Rust unit and integration tests (SQLite, and PostgreSQL when 127.0.0.1:5432
# answers), then the Playwright suite in the system's Chromium against a
# freshly started server on a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

step() { printf '\n== %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

step "formatting"
cargo fmt --all -- --check

step "lints (server and browser)"
cargo clippy --workspace --all-targets --features ssr -- -D warnings
cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "build (server binary and browser bundle)"
cargo leptos build

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || listening 5432; then
  export VITALBOARD_TEST_POSTGRES="${VITALBOARD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
  step "Rust tests on SQLite and PostgreSQL ($VITALBOARD_TEST_POSTGRES)"
else
  step "Rust tests on SQLite (no PostgreSQL at 127.0.0.1:5432)"
fi
if listening 6379; then
  export VITALBOARD_TEST_REDIS="${VITALBOARD_TEST_REDIS:-redis://127.0.0.1:6379}"
  echo "two-server tests use Redis at $VITALBOARD_TEST_REDIS"
fi
# Each test starts servers with their own connection pools; four at a time
# stay well inside PostgreSQL's default limit of 100 connections.
cargo test --workspace --features ssr -- --test-threads=4

step "the REST surface against its OpenAPI document (schemathesis)"
scripts/api-check.sh

step "browser tests (Playwright, system Chromium)"
rm -rf target/e2e-data
# The suite starts its servers on E2E_PORT and E2E_PORT+7; take the first pair
# of ports nothing else on this machine listens on.
if [ -z "${E2E_PORT:-}" ]; then
  E2E_PORT=3100
  while listening "$E2E_PORT" || listening "$((E2E_PORT + 7))"; do
    E2E_PORT=$((E2E_PORT + 10))
  done
  export E2E_PORT
fi
echo "servers under test listen on 127.0.0.1:$E2E_PORT and :$((E2E_PORT + 7))"
(cd end2end && npx playwright test)
