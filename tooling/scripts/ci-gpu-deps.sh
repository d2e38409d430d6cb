#!/usr/bin/env bash
# Installs what the GPU legs of @nn/backend-gpujs need, then builds the optional `gl`
# package (headless GL for gpu.js's 'headlessgl' mode) from source. Run from the repo root
# after `pnpm install` (it uses sudo itself when not root); then run the legs with NN_GPU_LEGS=1 (see
# packages/backend-gpujs/README.md):
#   - headlessgl: X11/GL headers to build `gl` (about 6 minutes on 2 cores), and a virtual
#     display with Mesa's software GL to run it (`xvfb-run -a`);
#   - browsers: Debian's Chromium (WebGL2/WebGL/WebGPU on SwiftShader), driven by playwright-core.
set -euo pipefail
# apt needs root: as root (CI containers, where sudo is often absent) run as is, otherwise through sudo.
if [ "$(id -u)" != 0 ]; then exec sudo bash "$0" "$@"; fi
root=$(cd "$(dirname "$0")/../.." && pwd)

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  chromium xvfb xauth libgl1-mesa-dri \
  libx11-dev libxi-dev libxext-dev libgl1-mesa-dev pkg-config python3 make g++

# pnpm-workspace.yaml keeps gl's install script off (allowBuilds: gl: false), so that a plain
# `pnpm install` never spends minutes compiling it; build it here. Node's headers come from
# the system (/usr/include/node), so node-gyp needs no download.
gl_dir=$(ls -d "$root"/node_modules/.pnpm/gl@*/node_modules/gl | head -n 1)
node_gyp=$(ls -d "$root"/node_modules/.pnpm/node-gyp@*/node_modules/node-gyp/bin/node-gyp.js | head -n 1)
nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -f "$gl_dir/build/Release/webgl.node" ]; then
  echo "gl already built in $gl_dir"
else
  echo "building gl in $gl_dir (about 6 minutes; log in $gl_dir/build.log)"
  if ! (cd "$gl_dir" && node "$node_gyp" rebuild --nodedir="$nodedir" -j "$(nproc)" >build.log 2>&1); then
    tail -n 60 "$gl_dir/build.log"
    echo "ci-gpu-deps: building gl failed (see above)" >&2
    exit 1
  fi
fi
test -f "$gl_dir/build/Release/webgl.node"
echo "gl built: $gl_dir/build/Release/webgl.node"
