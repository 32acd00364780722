#!/usr/bin/env bash
# Checks the REST surface against its own OpenAPI document: starts the built
# server on a fresh embedded database with the demo data, makes an admin API
# token, and runs schemathesis against the live /api/openapi.json with it.
# Needs `scripts/setup.sh --test` and `cargo leptos build` first.
set -euo pipefail
cd "$(dirname "$0")/.."

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${API_CHECK_PORT:-3300}
while listening "$port"; do port=$((port + 1)); done
url="http://127.0.0.1:$port"
data=target/api-check-data
rm -rf "$data" && mkdir -p "$data"

LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$data/vitalboard.db" RUST_LOG=warn \
  target/debug/vitalboard --demo >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
until curl -fs "$url/healthz" >/dev/null; do
  kill -0 $server 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.5
done

jar="$data/cookies"
curl -fs -c "$jar" -H "Origin: $url" -d 'username=admin&password=vitalboard-admin' \
  "$url/api/auth/login" >/dev/null
token=$(curl -fs -b "$jar" -H "Origin: $url" -H 'Content-Type: application/json' \
  -d '{"name":"API check","role":"admin","all_wards":true}' "$url/api/tokens/create" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[[ -n "$token" ]] || { echo "no API token"; exit 1; }

# Every check schemathesis has: schema-valid requests must be accepted and
# schema-invalid ones refused, so the document states every rule the
# services check that a schema can state.
target/tools/st --config-file scripts/schemathesis.toml run "$url/api/openapi.json" \
  -H "Authorization: Bearer $token" \
  --max-examples "${API_CHECK_EXAMPLES:-20}" --seed "${API_CHECK_SEED:-20261201}" \
  --workers 2 --no-color
