#!/usr/bin/env bash
# Checks the production Node, Node 24, on this machine:
# - the parts of the suite that never load uWebSockets.js (graphs, tools, models, both stores,
#   eval scorers, server units) run on Node 24;
# - the server type-checks against the uWebSockets.js build that production runs (20.57.0);
# - on Debian-like x64 machines, the production install (Node 24, uWS 20.57) serves a whole
#   mission (test/deploy/production-pair.test.ts). The uWS 20.57 binaries need glibc >= 2.38, which
#   Debian 12 lacks, so Node 24 runs there on Debian 13's C library, fetched with apt-get and loaded
#   by its own dynamic loader; the system is left as it was.
#
# Node 24 comes from the npm package node-<platform>-<arch>. better-sqlite3's addon in node_modules
# is built for the Node that installed it, so it is compiled once for Node 24 (about a minute) from
# the installed sources, and scripts/node24/better-sqlite3-addon.mjs loads it in its place. Both
# are cached under $LEARNFORGE_CACHE (default ~/.cache/learnforge), keyed by their versions.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION=24.22.3
UWS_PRODUCTION_VERSION=20.57.0
# Test files (vitest filters): those that never start a server, and the production pair's.
NODE24_TESTS=(
  test/graphs/ test/tools/ test/models/ test/store/
  scorer.test.ts test/evals/case-format test/evals/baseline-diff
  test/server/auth test/server/protocol test/server/session-cookie test/server/stream-turn
  test/server/ttl-cache test/deploy/production-pair
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
loads_on_node24() { "$node24/bin/node" -e 'process.dlopen({ exports: {} }, process.argv[1])' "$1" 2>/dev/null; }
if [ ! -f "$addon" ] || ! loads_on_node24 "$addon"; then
  echo "Compiling better-sqlite3 $sqlite_version for Node $NODE24_VERSION (once, about a minute)…" >&2
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  work="$(mktemp -d)"
  cp -r node_modules/better-sqlite3/{binding.gyp,deps,src,package.json} "$work/"
  # node-gyp takes npm's settings from the environment over its own arguments (under `npm test`,
  # npm_config_nodedir names this Node's headers), so the Node 24 headers go in both.
  if ! (cd "$work" && npm_config_nodedir="$node24" "$node24/bin/node" "$gyp" rebuild --release \
    --nodedir="$node24" --jobs=2 >build.log 2>&1); then
    tail -30 "$work/build.log" >&2
    exit 1
  fi
  built="$work/build/Release/better_sqlite3.node"
  if ! loads_on_node24 "$built"; then
    echo "better-sqlite3 was compiled, but Node $NODE24_VERSION cannot load it" >&2
    exit 1
  fi
  cp "$built" "$addon.$$" && mv "$addon.$$" "$addon"
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

# Debian 13's libc6, libstdc++6 and libgcc-s1, unpacked (not installed) into the cache.
glibc=""
if [ "$platform" = linux-x64 ] && command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
  runtime="$cache/debian-trixie-runtime"
  if [ ! -e "$runtime/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]; then
    echo "Fetching Debian 13's C library with apt-get (once)…" >&2
    work="$(mktemp -d)"
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
      >"$work/sources.list"
    apt=(apt-get -qq -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
      -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=true)
    "${apt[@]}" update
    (cd "$work" && "${apt[@]}" download libc6:amd64 libstdc++6:amd64 libgcc-s1:amd64)
    for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/runtime"; done
    mkdir -p "$(dirname "$runtime")"
    [ -d "$runtime" ] || mv "$work/runtime" "$runtime"
    rm -rf "$work"
  fi
  glibc="$runtime/usr/lib/x86_64-linux-gnu"
else
  echo "The production pair's test is skipped: it needs an x64 Linux with apt-get" >&2
fi

echo "Running the uWS-free tests and the production pair on Node $NODE24_VERSION…" >&2
PATH="$node24/bin:$PATH" BETTER_SQLITE3_ADDON="$addon" LEARNFORGE_NODE24="$node24/bin/node" \
  LEARNFORGE_GLIBC_2_38_LIBS="$glibc" \
  NODE_OPTIONS="--import=$PWD/scripts/node24/better-sqlite3-addon.mjs" \
  "$node24/bin/node" node_modules/vitest/vitest.mjs run --project default --project firestore \
  "${NODE24_TESTS[@]}"
