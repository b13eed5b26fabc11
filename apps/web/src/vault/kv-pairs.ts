/** One row of the key/value editor. JSON rows hold values that are not plain strings (numbers, objects). */
export interface KvPair {
  id: string;
  key: string;
  value: string;
  json: boolean;
}

let nextId = 0;
export function newPairId(): string {
  nextId += 1;
  return `pair-${nextId}`;
}

export function emptyPair(): KvPair {
  return { id: newPairId(), key: '', value: '', json: false };
}

/** Rows for a secret's data, in the vault's key order; non-string values are shown as JSON. */
export function pairsFromData(data: Record<string, unknown> | null | undefined): KvPair[] {
  const entries = Object.entries(data ?? {});
  if (!entries.length) return [emptyPair()];
  return entries.map(([key, value]) =>
    typeof value === 'string'
      ? { id: newPairId(), key, value, json: false }
      : { id: newPairId(), key, value: JSON.stringify(value, null, 2), json: true },
  );
}

export type PairProblems = Record<string, { key?: string; value?: string }>;

/** The secret's data from the rows, or the problems of each row (by id) that stop it from being saved. */
export function dataFromPairs(
  pairs: KvPair[],
): { ok: true; data: Record<string, unknown> } | { ok: false; problems: PairProblems; message: string } {
  const problems: PairProblems = {};
  const seen = new Set<string>();
  const data: Record<string, unknown> = {};
  const filled = pairs.filter((pair) => pair.key.trim() !== '' || pair.value !== '');
  for (const pair of filled) {
    const key = pair.key.trim();
    if (!key) {
      problems[pair.id] = { key: 'Enter a key for this value.' };
      continue;
    }
    if (seen.has(key)) {
      problems[pair.id] = { key: `"${key}" is already used above.` };
      continue;
    }
    seen.add(key);
    if (pair.json) {
      try {
        data[key] = JSON.parse(pair.value);
      } catch {
        problems[pair.id] = { value: 'Not valid JSON.' };
      }
    } else {
      data[key] = pair.value;
    }
  }
  if (Object.keys(problems).length) {
    return { ok: false, problems, message: 'Fix the marked rows before saving.' };
  }
  if (!filled.length) return { ok: false, problems, message: 'Add at least one key and value.' };
  return { ok: true, data };
}
