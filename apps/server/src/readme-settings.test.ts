import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './config';

describe('README', () => {
  it('documents every setting the server reads', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const missing = Object.values(SETTINGS)
      .map((setting) => setting.env)
      .filter((env) => !readme.includes(`| \`${env}\` |`));
    expect(missing).toEqual([]);
  });
});
