// For `pnpm vitest` across the whole repository (watch mode while developing). CI and `pnpm test` run each
// package's own `vitest run` through turbo instead, so results are cached per package.
// Packages import each other through their built dist: run `pnpm build` first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
