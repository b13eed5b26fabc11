import { describe, expect, it } from 'vitest';
import { actorName, type Note, threadNotes } from './notes-api';

const note = (id: string, date: string, addendumTo?: string): Note => ({
  id,
  status: 'signed',
  title: id,
  date,
  sections: [],
  addenda: [],
  ...(addendumTo ? { addendumTo } : {}),
});

describe('threadNotes', () => {
  it('lists notes newest first with their addenda under them, oldest addendum first', () => {
    const threads = threadNotes([
      note('old', '2024-01-01T10:00:00Z'),
      note('addendum-2', '2024-03-01T10:00:00Z', 'old'),
      note('new', '2024-02-01T10:00:00Z'),
      note('addendum-1', '2024-01-02T10:00:00Z', 'old'),
    ]);
    expect(threads.map((thread) => [thread.note.id, thread.addenda.map((entry) => entry.id)])).toEqual([
      ['new', []],
      ['old', ['addendum-1', 'addendum-2']],
    ]);
  });

  it('shows an addendum whose note is not in the list on its own', () => {
    expect(threadNotes([note('orphan', '2024-01-01T10:00:00Z', 'gone')]).map((thread) => thread.note.id)).toEqual([
      'orphan',
    ]);
  });
});

it('names the signer: their display, "you", or their reference', () => {
  const me = { identifier: { system: 'https://meridian.health/fhir/sid/user', value: 'u1' } };
  expect(actorName(me, 'u1', 'Dr Who (you)')).toBe('Dr Who (you)');
  expect(actorName({ ...me, display: 'Dr A' }, 'u1', 'you')).toBe('Dr A');
  expect(actorName({ reference: 'Practitioner/p1' }, 'u1', 'you')).toBe('Practitioner/p1');
});
