import { defineConfig } from 'vitest/config';

// Browser tests: the built web app (apps/web/dist) served by a real Meridian, driven in headless Chromium.
// Run with `npx vitest run --config e2e/vitest.config.ts` after `npm run build -w apps/web`.
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    globalSetup: ['support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // What a person would wait for a screen on a busy two-core machine; a poll that passes returns at once.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    // One server and one browser at a time on a two-core machine.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
