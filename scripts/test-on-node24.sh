#!/usr/bin/env bash
# Checks the production Node on this machine, as far as it can run here:
# - the parts of the suite that never load uWebSockets.js (graphs, tools, models, both stores,
#   eval scorers, server units) run on Node 24;
# - the server type-checks against the uWebSockets.js build that production runs (20.57.0).
# Our development uWS build has no Node 24 binary, and the production build needs glibc >= 2.38
# (this Debian 12 has 2.36), so nothing that opens a socket runs on Node 24 here; see the README.
#
# Node 24 comes from the npm package node-<platform>-<arch>. better-sqlite3's addon in node_modules
# is built for the Node that installed it, so it is compiled once for Node 24 (about a minute) from
# the installed sources, and scripts/node24/better-sqlite3-addon.mjs loads it in its place. Both
# are cached under $LEARNFORGE_CACHE (default ~/.cache/learnforge), keyed by their versions.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=24.22.3
UWS_PRODUCTION_VERSION=20.57.0
# Test files (vitest filters) that never start a server.
UWS_FREE_TESTS=(
  test/graphs/ test/tools/ test/models/ test/store/
  scorer.test.ts test/evals/case-format test/evals/baseline-diff
  test/server/auth test/server/protocol test/server/session-cookie test/server/stream-turn
  test/server/ttl-cache
)

cache="${LEARNFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/learnforge}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  *)
    echo "Node 24 checks skipped: no Node 24 package for $(uname -sm)" >&2
    exit 0
    ;;
esac

# Unpacks an npm package into a cache folder, once; concurrent runs do not see a half-written one.
unpack() {
  local spec=$1 dest=$2 work
  [ -d "$dest" ] && return
  work="$(mktemp -d)"
  npm pack "$spec" --pack-destination "$work" --silent >/dev/null
  mkdir "$work/package" && tar xzf "$work"/*.tgz -C "$work/package" --strip-components=1
  mkdir -p "$(dirname "$dest")"
  [ -d "$dest" ] || mv "$work/package" "$dest"
  rm -rf "$work"
}

node24="$cache/node-$NODE24_VERSION-$platform"
unpack "node-$platform@$NODE24_VERSION" "$node24"

sqlite_version="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
addon="$cache/better-sqlite3-$sqlite_version-node-$NODE24_VERSION-$platform.node"
if [ ! -f "$addon" ]; then
  echo "Compiling better-sqlite3 $sqlite_version for Node $NODE24_VERSION (once, about a minute)…" >&2
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  work="$(mktemp -d)"
  cp -r node_modules/better-sqlite3/{binding.gyp,deps,src,package.json} "$work/"
  if ! (cd "$work" && "$node24/bin/node" "$gyp" rebuild --release --nodedir="$node24" --jobs=2 \
    >build.log 2>&1); then
    tail -30 "$work/build.log" >&2
    exit 1
  fi
  cp "$work/build/Release/better_sqlite3.node" "$addon.$$" && mv "$addon.$$" "$addon"
  rm -rf "$work"
fi

echo "Type-checking the server against uWebSockets.js $UWS_PRODUCTION_VERSION…" >&2
uws="$cache/uwebsockets.js-$UWS_PRODUCTION_VERSION"
unpack "@btc-vision/uwebsockets.js@$UWS_PRODUCTION_VERSION" "$uws"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
tsconfig="$scratch/tsconfig.json"
cat >"$tsconfig" <<JSON
{
  "extends": "$PWD/tsconfig.build.json",
  "compilerOptions": {
    "noEmit": true,
    "typeRoots": ["$PWD/node_modules/@types"],
    "paths": { "uWebSockets.js": ["$uws/index.d.ts"] }
  },
  "include": ["$PWD/server/main.ts"]
}
JSON
node node_modules/typescript/bin/tsc -p "$tsconfig"

echo "Running the uWS-free tests on Node $NODE24_VERSION…" >&2
PATH="$node24/bin:$PATH" BETTER_SQLITE3_ADDON="$addon" \
  NODE_OPTIONS="--import=$PWD/scripts/node24/better-sqlite3-addon.mjs" \
  "$node24/bin/node" node_modules/vitest/vitest.mjs run --project default --project firestore \
  "${UWS_FREE_TESTS[@]}"
