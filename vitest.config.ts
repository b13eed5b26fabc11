import { defineConfig } from 'vitest/config';

// One suite for the whole repository: each app or package with tests has its own project config.
export default defineConfig({
  test: {
    projects: ['apps/*/vitest.config.ts', 'packages/*/vitest.config.ts'],
  },
});
