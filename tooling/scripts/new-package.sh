#!/usr/bin/env bash
# Scaffolds packages/<dir> as @nn/<dir> with the house tsconfig, eslint and vitest setup.
# usage: tooling/scripts/new-package.sh <dir> "<description>" [dep ...]
set -euo pipefail
dir=$1; desc=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
pkg="$root/packages/$dir"
mkdir -p "$pkg/src"
deps=""
for d in "$@"; do deps="$deps\"$d\": \"workspace:*\","; done
deps=${deps%,}
cat > "$pkg/package.json" <<JSON
{
  "name": "@nn/$dir",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "exports": {
    ".": {
      "@nn/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "files": ["dist", "README.md"],
  "engines": { "node": ">=20" },
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json",
    "lint": "eslint .",
    "test": "vitest run"
  },
  "dependencies": { $deps },
  "devDependencies": {
    "@nn/eslint-config": "workspace:*",
    "@nn/vitest-config": "workspace:*",
    "@types/node": "20.19.43",
    "eslint": "9.39.5",
    "typescript": "6.0.3",
    "vitest": "4.1.12"
  }
}
JSON
cat > "$pkg/tsconfig.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "customConditions": ["@nn/source"], "types": ["node"] },
  "include": ["src", "test", "bench", "*.ts"]
}
JSON
cat > "$pkg/tsconfig.build.json" <<'JSON'
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/test-utils/**"]
}
JSON
printf "import { config } from '@nn/eslint-config';\n\nexport default config(import.meta.dirname);\n" > "$pkg/eslint.config.js"
printf "import { config } from '@nn/vitest-config';\n\nexport default config();\n" > "$pkg/vitest.config.ts"
