import type { Composition, CompositionSection, Reference } from '@medplum/fhirtypes';
import { type NoteTemplate, templateById } from './note.templates';

/** Which template a note was written from (Composition.extension). */
export const TEMPLATE_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/note-template';
const XHTML = 'http://www.w3.org/1999/xhtml';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const UNESCAPES: Record<string, string> = Object.fromEntries(Object.entries(ESCAPES).map(([raw, esc]) => [esc, raw]));

/** The section's text as FHIR narrative: the author's words, escaped, whitespace kept. */
export function narrativeOf(text: string): string {
  return `<div xmlns="${XHTML}"><pre>${text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)}</pre></div>`;
}

/** The words back from a section's narrative (written by `narrativeOf`, or by any FHIR client). */
export function textOfNarrative(div: string | undefined): string {
  if (!div) return '';
  const inner = /^<div[^>]*><pre>([\s\S]*)<\/pre><\/div>$/.exec(div)?.[1] ?? div.replace(/<[^>]+>/g, '');
  return inner.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => UNESCAPES[entity] ?? entity);
}

export interface NoteContent {
  /** By section key; empty text leaves the section out. */
  sections: Record<string, string>;
  title?: string | undefined;
}

function sectionsOf(template: NoteTemplate, texts: Record<string, string>): CompositionSection[] {
  return template.sections.flatMap((section) => {
    const text = texts[section.key]?.trim() ? texts[section.key]! : undefined;
    if (!text) return [];
    return [
      {
        id: section.key,
        title: section.title,
        ...(section.code ? { code: { coding: [section.code] } } : {}),
        text: { status: 'generated' as const, div: narrativeOf(text) },
      },
    ];
  });
}

export function templateOf(composition: Composition): NoteTemplate | undefined {
  const id = composition.extension?.find((extension) => extension.url === TEMPLATE_EXTENSION)?.valueCode;
  return id ? templateById(id) : undefined;
}

/** A draft note: a preliminary Composition by its author. */
export function newComposition(
  template: NoteTemplate,
  input: NoteContent & { patient: string; encounter?: string | undefined; relatesTo?: string | undefined },
  author: Reference,
  at: string,
): Composition {
  return {
    resourceType: 'Composition',
    extension: [{ url: TEMPLATE_EXTENSION, valueCode: template.id }],
    status: 'preliminary',
    type: { coding: [template.type], text: template.title },
    subject: { reference: input.patient },
    ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
    date: at,
    author: [author as Composition['author'][number]],
    title: input.title ?? template.title,
    ...(input.relatesTo ? { relatesTo: [{ code: 'appends', targetReference: { reference: input.relatesTo } }] } : {}),
    ...(Object.keys(input.sections).length ? { section: sectionsOf(template, input.sections) } : {}),
  };
}

export function sectionTexts(composition: Composition): Record<string, string> {
  return Object.fromEntries(
    (composition.section ?? []).map((section, index) => [
      section.id ?? `section-${index + 1}`,
      textOfNarrative(section.text?.div),
    ]),
  );
}

/** The draft with some sections (and maybe the title) changed; `''` clears a section. */
export function withContent(
  composition: Composition,
  template: NoteTemplate,
  change: Partial<NoteContent>,
  at: string,
) {
  const texts = { ...sectionTexts(composition), ...(change.sections ?? {}) };
  const section = sectionsOf(template, texts);
  const { section: _old, ...rest } = composition;
  return {
    ...rest,
    date: at,
    ...(change.title ? { title: change.title } : {}),
    ...(section.length ? { section } : {}),
  } as Composition;
}

/** Signed: final, attested by its author with legal mode at `at`. */
export function signedComposition(composition: Composition, party: Reference, at: string): Composition {
  return {
    ...composition,
    status: 'final',
    date: at,
    attester: [{ mode: 'legal', time: at, party: party as NonNullable<Composition['attester']>[number]['party'] }],
  };
}

export type NoteStatus = 'draft' | 'signed' | 'entered-in-error';

export function noteStatusOf(composition: Composition): NoteStatus {
  if (composition.status === 'preliminary') return 'draft';
  if (composition.status === 'entered-in-error') return 'entered-in-error';
  return 'signed';
}

export function isSigned(composition: Composition): boolean {
  return composition.status !== 'preliminary';
}

/** The note as the task API shows it. */
export function noteView(composition: Composition, addenda: string[] = []) {
  const template = templateOf(composition);
  const texts = sectionTexts(composition);
  const legal = composition.attester?.find((attester) => attester.mode === 'legal');
  const appends = composition.relatesTo?.find((relation) => relation.code === 'appends')?.targetReference?.reference;
  const keys = template ? template.sections.map((section) => section.key) : Object.keys(texts);
  return {
    id: composition.id,
    version: composition.meta?.versionId,
    status: noteStatusOf(composition),
    template: template?.id,
    title: composition.title,
    patient: composition.subject?.reference,
    encounter: composition.encounter?.reference,
    author: composition.author[0],
    date: composition.date,
    sections: keys.map((key) => ({
      key,
      title: template?.sections.find((section) => section.key === key)?.title ?? key,
      text: texts[key] ?? '',
    })),
    ...(legal ? { signed: { by: legal.party, at: legal.time } } : {}),
    ...(appends ? { addendumTo: appends.replace(/^Composition\//, '') } : {}),
    addenda,
  };
}
export type NoteView = ReturnType<typeof noteView>;
