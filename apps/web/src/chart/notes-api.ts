import type { HttpClient } from '../api/http-client';

export interface NoteTemplate {
  id: string;
  title: string;
  sections: { key: string; title: string }[];
}

/** Who wrote or signed: a FHIR reference to the practitioner and/or the Meridian account. */
export interface NoteActorReference {
  reference?: string;
  display?: string;
  identifier?: { system?: string; value?: string };
}

/** A note as the notes API shows it (a Composition underneath). */
export interface Note {
  id: string;
  version?: string;
  status: 'draft' | 'signed' | 'entered-in-error';
  template?: string;
  title: string;
  patient?: string;
  encounter?: string;
  author?: NoteActorReference;
  date: string;
  sections: { key: string; title: string; text: string }[];
  signed?: { by?: NoteActorReference; at?: string };
  addendumTo?: string;
  addenda: string[];
}

export function notesApi(http: HttpClient) {
  const json = async <T>(path: string, method: 'GET' | 'POST' | 'PATCH' = 'GET', body?: unknown) =>
    (await http.request<T>(path, { method, ...(body !== undefined ? { body } : {}) })).body;
  return {
    templates: () => json<NoteTemplate[]>('/notes/templates'),
    list: (patientId: string) => json<Note[]>(`/notes?${new URLSearchParams({ patient: `Patient/${patientId}` })}`),
    create: (input: { template: string; patient: string; encounter?: string }) => json<Note>('/notes', 'POST', input),
    edit: (id: string, sections: Record<string, string>) =>
      json<Note>(`/notes/${encodeURIComponent(id)}`, 'PATCH', { sections }),
    sign: (id: string) => json<Note>(`/notes/${encodeURIComponent(id)}/sign`, 'POST', {}),
    addendum: (id: string, text: string) => json<Note>(`/notes/${encodeURIComponent(id)}/addenda`, 'POST', { text }),
  };
}

/** Notes in reading order: originals newest first, each followed by its addenda oldest first. */
export function threadNotes(notes: Note[]): { note: Note; addenda: Note[] }[] {
  const byDateDesc = [...notes].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const ids = new Set(notes.map((note) => note.id));
  return byDateDesc
    .filter((note) => !note.addendumTo || !ids.has(note.addendumTo))
    .map((note) => ({
      note,
      addenda: byDateDesc.filter((other) => other.addendumTo === note.id).reverse(),
    }));
}

/** Whether `actor` is this account (the notes API names accounts by an identifier holding the user id). */
export function isActor(actor: NoteActorReference | undefined, userId: string | undefined): boolean {
  return Boolean(userId && actor?.identifier?.value === userId);
}

/** A signer or author in words: their display, "you" for the signed-in user, else their reference. */
export function actorName(actor: NoteActorReference | undefined, userId: string | undefined, you: string): string {
  if (actor?.display) return actor.display;
  if (isActor(actor, userId)) return you;
  return actor?.reference ?? (actor?.identifier?.value ? `user ${actor.identifier.value}` : 'unknown');
}
