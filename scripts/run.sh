#!/usr/bin/env bash
# Builds vitalboard (release) and serves it at http://127.0.0.1:3000 on the
# embedded SQLite database under ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo leptos build --release
exec target/release/vitalboard "$@"
