#!/usr/bin/env bash
# Builds vitalboard (release) and serves it at http://127.0.0.1:3000 on the
# embedded SQLite database under ./data. With --demo it adds the demo
# accounts and patients and records simulated rounds every few seconds
# (set VITALBOARD_SIMULATE=0 to keep the values still).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo leptos build --release
bin=target/release/vitalboard

if [[ " $* " != *" --demo "* || "${VITALBOARD_SIMULATE:-1}" == "0" ]]; then
  exec "$bin" "$@"
fi

"$bin" "$@" &
server=$!
trap 'kill $server 2>/dev/null; kill $simulator 2>/dev/null; wait' EXIT INT TERM
addr="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
url="http://$addr"
until curl -fs "$url/healthz" >/dev/null; do
  kill -0 $server 2>/dev/null || exit 1
  sleep 0.5
done
jar=$(mktemp)
curl -fs -c "$jar" -d 'username=admin&password=vitalboard-admin' "$url/api/auth/login" >/dev/null
token=$(curl -fs -b "$jar" -H 'Content-Type: application/json' \
  -d '{"name":"Ward simulator","role":"clinician","all_wards":true}' "$url/api/tokens/create" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
rm -f "$jar"
VITALBOARD_TOKEN="$token" "$bin" simulate --url "$url" --every "${VITALBOARD_SIMULATE_EVERY:-5}" &
simulator=$!
wait $server
