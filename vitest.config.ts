import { defineConfig } from 'vitest/config';

// One suite for the whole repository: each app or package with tests has its own project config.
export default defineConfig({
  test: {
    // Two cores: two test files at a time keeps PGlite instances and servers from starving each other.
    maxWorkers: 2,
    projects: ['apps/*/vitest.config.ts', 'packages/*/vitest.config.ts'],
  },
});
