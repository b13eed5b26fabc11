import type { Composition, Encounter, Reference } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, readReferenced, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import {
  isSigned,
  type NoteContent,
  type NoteView,
  newComposition,
  noteView,
  signedComposition,
  templateOf,
  withContent,
} from './note.composition';
import { noteErrors } from './note.errors';
import { ADDENDUM_TEMPLATE, type NoteTemplate, templateById } from './note.templates';

/** Who writes or signs: `reference` is how the note names them (author, attester). */
/** The caller as author or signer. */
export type NoteActor = ClinicalActor;

export interface NoteServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  now?: () => Date;
}

export interface CreateNoteInput extends NoteContent {
  template: string;
  patient: string;
  encounter?: string | undefined;
}

function sameActor(a: Reference | undefined, b: Reference | undefined): boolean {
  return Boolean(
    a?.identifier?.value &&
      a.identifier.system === b?.identifier?.system &&
      a.identifier.value === b?.identifier?.value,
  );
}

/**
 * Clinical notes as FHIR Compositions: drafts (preliminary) edited by their author, signed (final, with a
 * legal attester) by their author and then read-only, corrected by signed addenda (relatesTo appends).
 */
export class NoteService {
  private readonly now: () => Date;

  constructor(private readonly deps: NoteServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(ctx: FhirContext, actor: NoteActor, input: CreateNoteInput): Promise<NoteView> {
    const author = this.authorOf(actor);
    const template = templateById(input.template);
    if (!template || template === ADDENDUM_TEMPLATE) {
      throw noteErrors.invalidRequest(`template: no template '${input.template}'`, 'template');
    }
    this.checkSections(template, input.sections);
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.mustExist(inTx, 'patient', input.patient);
      if (input.encounter) {
        const encounter = (await this.mustExist(inTx, 'encounter', input.encounter)) as Encounter;
        if (encounter.subject?.reference !== input.patient) {
          throw noteErrors.referenceMismatch('encounter', 'the encounter is of another patient');
        }
      }
      const composition = (await this.deps.repository.create(
        inTx,
        newComposition(template, input, author, this.now().toISOString()),
      )) as Composition;
      await this.audit(tx, ctx.tenantId, actor, composition, 'note-create');
      return noteView(composition);
    });
  }

  async get(ctx: FhirContext, actor: NoteActor, id: string): Promise<NoteView> {
    const composition = await this.read(ctx, id);
    const view = noteView(composition, await this.addendaOf(ctx, id));
    await this.deps.audit.recordAccess(this.auditInput(ctx.tenantId, actor, composition, 'read'));
    return view;
  }

  async list(
    ctx: FhirContext,
    actor: NoteActor,
    filter: { patient?: string; encounter?: string },
  ): Promise<NoteView[]> {
    const params: [string, string][] = [];
    if (filter.patient) params.push(['subject', filter.patient]);
    if (filter.encounter) params.push(['encounter', filter.encounter]);
    const ids = await this.deps.search.findIds(ctx, 'Composition', params, 200);
    const notes = await Promise.all(ids.map((id) => this.read(ctx, id)));
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      action: 'search',
      outcome: 'success',
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      patientId: (filter.patient ?? notes[0]?.subject?.reference)?.split('/')[1],
      resourceType: 'Composition',
    });
    return notes
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
      .map((composition) => noteView(composition));
  }

  /** Changes a draft's sections or title; a signed note answers NOTE_SIGNED. */
  async edit(ctx: FhirContext, actor: NoteActor, id: string, change: Partial<NoteContent>): Promise<NoteView> {
    const author = this.authorOf(actor);
    return this.change(ctx, actor, id, 'note-update', (composition) => {
      if (isSigned(composition)) throw noteErrors.signed(id);
      if (!composition.author.some((entry) => sameActor(entry, author))) throw noteErrors.notAuthor('edit');
      const template = templateOf(composition) ?? ADDENDUM_TEMPLATE;
      this.checkSections(template, change.sections ?? {});
      return withContent(composition, template, change, this.now().toISOString());
    });
  }

  /** The author signs: the note becomes final and read-only, with who signed and when. */
  async sign(ctx: FhirContext, actor: NoteActor, id: string): Promise<NoteView> {
    const signer = this.authorOf(actor);
    return this.change(ctx, actor, id, 'note-sign', (composition) => {
      if (isSigned(composition)) throw noteErrors.signed(id);
      if (!composition.author.some((entry) => sameActor(entry, signer))) throw noteErrors.notAuthor('sign');
      if (!composition.section?.length) throw noteErrors.empty();
      return signedComposition(composition, signer, this.now().toISOString());
    });
  }

  /** A correction of a signed note: a new draft that appends to it, signed in turn by its author. */
  async addendum(
    ctx: FhirContext,
    actor: NoteActor,
    id: string,
    input: { text: string; title?: string | undefined },
  ): Promise<NoteView> {
    const author = this.authorOf(actor);
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const original = await this.read(inTx, id);
      if (!isSigned(original)) throw noteErrors.notSigned(id);
      const template: NoteTemplate = {
        ...ADDENDUM_TEMPLATE,
        type: original.type.coding?.[0] ?? ADDENDUM_TEMPLATE.type,
      };
      const composition = (await this.deps.repository.create(
        inTx,
        newComposition(
          template,
          {
            patient: original.subject?.reference ?? '',
            encounter: original.encounter?.reference,
            relatesTo: `Composition/${id}`,
            title: input.title ?? `Addendum to ${original.title}`,
            sections: { addendum: input.text },
          },
          author,
          this.now().toISOString(),
        ),
      )) as Composition;
      await this.audit(tx, ctx.tenantId, actor, composition, 'note-addendum');
      return noteView(composition);
    });
  }

  private checkSections(template: NoteTemplate, sections: Record<string, string>): void {
    for (const key of Object.keys(sections)) {
      if (!template.sections.some((section) => section.key === key)) {
        throw noteErrors.invalidRequest(
          `sections.${key}: the ${template.id} template has no such section (${template.sections.map((s) => s.key).join(', ')})`,
          `sections.${key}`,
        );
      }
    }
  }

  private authorOf(actor: NoteActor): Reference {
    if (!actor.reference) throw noteErrors.signerRequired();
    return actor.reference;
  }

  private async read(ctx: FhirContext, id: string): Promise<Composition> {
    try {
      return (await this.deps.repository.read(ctx, 'Composition', id)) as Composition;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) throw noteErrors.notFound(id);
      throw error;
    }
  }

  private async addendaOf(ctx: FhirContext, id: string): Promise<string[]> {
    return this.deps.search.findIds(ctx, 'Composition', [['related-ref', `Composition/${id}`]], 100);
  }

  private async change(
    ctx: FhirContext,
    actor: NoteActor,
    id: string,
    action: string,
    make: (composition: Composition) => Composition,
  ): Promise<NoteView> {
    try {
      return await this.deps.repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        const composition = await this.read(inTx, id);
        const { resource } = await this.deps.repository.update(inTx, 'Composition', id, make(composition), {
          ifMatch: `W/"${composition.meta?.versionId}"`,
        });
        await this.audit(tx, ctx.tenantId, actor, resource as Composition, action);
        return noteView(resource as Composition, await this.addendaOf(inTx, id));
      });
    } catch (error) {
      if (error instanceof FhirError && (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE')) {
        throw noteErrors.conflict();
      }
      // The guard on signed Compositions: a signature that landed between our read and our write.
      if (error instanceof FhirError && error.errorCode === 'FHIR_BUSINESS_RULE') throw noteErrors.signed(id);
      throw error;
    }
  }

  private mustExist(ctx: FhirContext, path: string, reference: string) {
    return readReferenced(this.deps.repository, ctx, reference, () => noteErrors.referenceNotFound(path, reference));
  }

  private async audit(
    tx: Queryable,
    tenantId: string,
    actor: NoteActor,
    composition: Composition,
    action: string,
  ): Promise<void> {
    await this.deps.audit.append(tx, this.auditInput(tenantId, actor, composition, action));
  }

  private auditInput(tenantId: string, actor: NoteActor, composition: Composition, action: string) {
    return {
      tenantId,
      action,
      outcome: 'success' as const,
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      patientId: composition.subject?.reference?.split('/')[1],
      resourceType: 'Composition',
      resourceId: composition.id,
    };
  }
}
