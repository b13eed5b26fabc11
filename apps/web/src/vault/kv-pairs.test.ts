import { describe, expect, it } from 'vitest';
import { dataFromPairs, type KvPair, pairsFromData } from './kv-pairs';

const pair = (key: string, value: string, json = false): KvPair => ({ id: `${key}-${value}`, key, value, json });

describe('pairsFromData', () => {
  it('shows strings as they are and other values as JSON', () => {
    const pairs = pairsFromData({ user: 'smtp', port: 587, tls: { on: true } });
    expect(pairs.map(({ key, value, json }) => [key, value, json])).toEqual([
      ['user', 'smtp', false],
      ['port', '587', true],
      ['tls', '{\n  "on": true\n}', true],
    ]);
  });
  it('starts an empty secret with one empty row', () => {
    expect(pairsFromData({})).toHaveLength(1);
  });
});

describe('dataFromPairs', () => {
  it('builds the data, parsing JSON rows and skipping blank rows', () => {
    expect(dataFromPairs([pair('user', 'smtp'), pair('port', '587', true), pair('', '')])).toEqual({
      ok: true,
      data: { user: 'smtp', port: 587 },
    });
  });
  it('keeps values as typed, spaces included', () => {
    expect(dataFromPairs([pair(' user ', ' a b ')])).toEqual({ ok: true, data: { user: ' a b ' } });
  });
  it('marks a value without a key, a repeated key and bad JSON', () => {
    const result = dataFromPairs([pair('a', '1'), pair('a', '2'), pair('', 'orphan'), pair('j', '{', true)]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual({
      'a-2': { key: '"a" is already used above.' },
      '-orphan': { key: 'Enter a key for this value.' },
      'j-{': { value: 'Not valid JSON.' },
    });
  });
  it('asks for at least one pair', () => {
    const result = dataFromPairs([pair('', '')]);
    expect(result).toMatchObject({ ok: false, message: 'Add at least one key and value.' });
  });
});
