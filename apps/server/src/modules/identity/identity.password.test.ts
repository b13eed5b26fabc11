import { describe, expect, it } from 'vitest';
import { generatePassword, passwordProblems } from './identity.password';

describe('password policy', () => {
  const policy = { minLength: 12 };
  it('accepts a long passphrase and generated passwords', () => {
    expect(passwordProblems('correct horse battery staple', policy)).toEqual([]);
    expect(passwordProblems(generatePassword(), policy)).toEqual([]);
  });

  it('refuses short, common, repetitive and email-based passwords', () => {
    expect(passwordProblems('short', policy)).toContain('use at least 12 characters');
    expect(passwordProblems('Password1234', policy)).toContain('this password is too common');
    expect(passwordProblems('abababababab', policy)).toContain('use more than three different characters');
    expect(passwordProblems('jane.doe-2030!x', policy, { email: 'jane.doe@example.org' })).toContain(
      'do not include your email address',
    );
  });
});
