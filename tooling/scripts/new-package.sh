#!/usr/bin/env bash
# Creates or refreshes the shared configuration files of a workspace package, so every package starts
# identical: tsconfig.json, tsup.config.ts, vitest.config.ts and eslint.config.js.
# Usage: tooling/scripts/new-package.sh <dir> [entry ...]   e.g. tooling/scripts/new-package.sh packages/foo
set -euo pipefail
dir=${1:?usage: new-package.sh <dir> [entry ...]}
shift || true
entries=("${@:-src/index.ts}")
mkdir -p "$dir/src"
entry_list=$(printf "'%s', " "${entries[@]}"); entry_list=${entry_list%, }

cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "@unified/tsconfig/library.json",
  "include": ["src", "test"]
}
JSON

cat > "$dir/tsup.config.ts" <<TS
import { defineLibraryConfig } from '@unified/tsup-config';

export default defineLibraryConfig({ entry: [${entry_list}] });
TS

cat > "$dir/vitest.config.ts" <<'TS'
import { definePackageConfig } from '@unified/vitest-config';
import pkg from './package.json' with { type: 'json' };

export default definePackageConfig(pkg);
TS

cat > "$dir/eslint.config.js" <<'JS'
import { definePackageLintConfig } from '@unified/eslint-config';

export default definePackageLintConfig(import.meta.dirname);
JS

echo "configured $dir"
