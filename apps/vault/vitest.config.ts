import { defineProject } from 'vitest/config';

export const vaultProject = defineProject({
  test: {
    name: 'vault',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

export default vaultProject;
