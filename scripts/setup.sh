#!/usr/bin/env bash
# Installs what building vitalboard needs, skipping what is already present.
# With --test it also installs what the tests need (Chromium, Playwright,
# and schemathesis in a Python virtual environment linked at target/tools/st).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in Cargo.toml
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132
SCHEMATHESIS_VERSION=4.32.5
# Tool installs do not need link-time optimisation; without it they build in a fraction of the time.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

step() { printf '\n== %s\n' "$*"; }

# The newest Python 3.13 or later on this machine (on PATH or under pyenv),
# else python3.
newer_python() {
  local candidate version
  for candidate in python3.14 python3.13; do
    if "$candidate" -c '' 2>/dev/null; then echo "$candidate"; return; fi
  done
  if command -v pyenv >/dev/null; then
    version=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[3-9])\.[0-9]+$' | sort -V | tail -1)
    if [[ -n "$version" ]]; then echo "$(pyenv root)/versions/$version/bin/python3"; return; fi
  fi
  echo python3
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --force
fi

if ! command -v wasm-opt >/dev/null; then
  step "installing wasm-opt (binaryen $BINARYEN_VERSION)"
  npm install --global "binaryen@$BINARYEN_VERSION"
fi

if [[ "${1:-}" == "--test" ]]; then
  if ! command -v chromium >/dev/null; then
    step "installing Chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
  installed=end2end/node_modules/.installed-from-package-lock.json
  if [[ ! -x end2end/node_modules/.bin/playwright ]] || ! cmp -s end2end/package-lock.json "$installed"; then
    step "installing Playwright (without browsers; the tests use the system's Chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp end2end/package-lock.json "$installed"
  fi
  # CPython before 3.12.2 can fail inside schemathesis' generator with
  # "AST constructor recursion depth mismatch"; a newer one is taken where
  # the machine has one.
  python=$(newer_python)
  tag=$("$python" -c 'import sys; print("py%d.%d" % sys.version_info[:2])')
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/vitalboard/schemathesis-$SCHEMATHESIS_VERSION-$tag"
  if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    step "installing schemathesis $SCHEMATHESIS_VERSION ($tag)"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  mkdir -p target/tools
  ln -sfn "$venv/bin/st" target/tools/st
fi
