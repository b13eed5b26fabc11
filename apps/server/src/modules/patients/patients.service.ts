import type { Patient } from '@medplum/fhirtypes';
import type { FhirContext, FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import { lookupKeys, type MatchFeatures, type MatchResult, matchFeatures, scoreMatch } from './patient-matching';
import { fromFhirError, patientErrors } from './patients.errors';
import { checkSettings, mrnSystem, type PatientSettings, withDefaults } from './patients.settings';
import { findByMatchKeys, readSettings, writeSettings } from './patients.store';

/** Patients sharing blocking keys that are scored; the ones sharing most keys first. */
const MAX_BLOCK = 200;

export interface MatchCandidate extends MatchResult {
  patient: Patient;
}

export interface RegistrationResult {
  patient: Patient;
  mrn: string;
  /** The candidates the caller confirmed past (force), for the record. */
  acknowledged: { id: string; score: number; grade: string }[];
}

export interface PatientServiceDeps {
  db: Database;
  fhir: FhirServices;
}

/** Registration, the tenant's registration settings and duplicate detection. */
export class PatientService {
  constructor(private readonly deps: PatientServiceDeps) {}

  async settings(tenantId: string): Promise<PatientSettings> {
    return withDefaults(await this.deps.db.withTenant(tenantId, (db) => readSettings(db, tenantId)));
  }

  async saveSettings(tenantId: string, settings: PatientSettings): Promise<PatientSettings> {
    const merged = withDefaults(settings);
    checkSettings(merged);
    await this.deps.db.transaction(tenantId, (tx) => writeSettings(tx, tenantId, merged));
    return merged;
  }

  /**
   * Scored candidates for `patient` among the tenant's current patients, best first: blocking keys find
   * the few worth scoring, the FHIR search service reads them (so access rules apply), and each is scored.
   */
  async candidates(
    ctx: FhirContext,
    patient: Patient,
    options: { minScore?: number; count?: number; excludeId?: string } = {},
  ): Promise<MatchCandidate[]> {
    const settings = await this.settings(ctx.tenantId);
    const features = matchFeatures(patient);
    const keys = lookupKeys(features);
    const blocked = await this.deps.fhir.repository.reading(ctx, (db) =>
      findByMatchKeys(db, ctx.tenantId, keys, MAX_BLOCK),
    );
    const ids = blocked.map((row) => row.patientId).filter((id) => id !== options.excludeId);
    if (!ids.length) return [];
    const found = await this.deps.fhir.search.search(
      ctx,
      {
        resourceType: 'Patient',
        params: [
          ['_id', ids.join(',')],
          ['_count', String(ids.length)],
        ],
        handling: 'strict',
      },
      '',
    );
    const minScore = options.minScore ?? settings.matching.possible;
    const scored: MatchCandidate[] = [];
    for (const entry of found.entry ?? []) {
      const candidate = entry.resource as Patient;
      const result = scoreMatch(features, matchFeatures(candidate), settings.matching);
      if (result.score >= minScore) scored.push({ patient: candidate, ...result });
    }
    scored.sort((a, b) => b.score - a.score || (a.patient.id! < b.patient.id! ? -1 : 1));
    return options.count ? scored.slice(0, options.count) : scored;
  }

  /**
   * Registers a patient: demographics checked, likely duplicates shown (409) unless the caller confirms
   * with `force`, then stored through the FHIR repository, which assigns the medical record number.
   */
  async register(ctx: FhirContext, input: Patient, force: boolean): Promise<RegistrationResult> {
    checkDemographics(input);
    const candidates = await this.candidates(ctx, input);
    if (candidates.length && !force) throw patientErrors.duplicateSuspected(candidates.map(candidateSummary));
    let stored: Patient;
    try {
      stored = (await this.deps.fhir.repository.create(ctx, { ...input, resourceType: 'Patient' })) as Patient;
    } catch (error) {
      throw fromFhirError(error);
    }
    const settings = await this.settings(ctx.tenantId);
    const system = mrnSystem(ctx.tenantId, settings.mrn);
    const mrn = stored.identifier?.find((identifier) => identifier.system === system)?.value ?? '';
    return {
      patient: stored,
      mrn,
      acknowledged: candidates.map((c) => ({ id: c.patient.id!, score: c.score, grade: c.grade })),
    };
  }
}

/** What a registering user needs to recognise a candidate: identity and contact, not the clinical record. */
export function candidateSummary(candidate: MatchCandidate) {
  const { patient } = candidate;
  const name = patient.name?.[0];
  const mr = patient.identifier?.find((identifier) => identifier.type?.coding?.some((coding) => coding.code === 'MR'));
  const { resourceType, id, name: names, birthDate, gender, identifier, telecom, address } = patient;
  return {
    id: patient.id!,
    score: candidate.score,
    grade: candidate.grade,
    matched: candidate.matched,
    name: [name?.given?.join(' '), name?.family].filter(Boolean).join(' '),
    birthDate: patient.birthDate ?? null,
    gender: patient.gender ?? null,
    mrn: mr?.value ?? null,
    patient: { resourceType, id, name: names, birthDate, gender, identifier, telecom, address },
  };
}

function checkDemographics(patient: Patient): void {
  if (patient.resourceType !== undefined && patient.resourceType !== 'Patient') {
    throw patientErrors.invalidRequest('patient.resourceType must be Patient', 'patient.resourceType');
  }
  if (patient.id !== undefined) throw patientErrors.invalidRequest('A new patient has no id yet', 'patient.id');
  const name = patient.name?.[0];
  if (!name?.family?.trim()) throw patientErrors.invalidRequest('A family name is required', 'patient.name[0].family');
  if (!name.given?.some((given) => given.trim())) {
    throw patientErrors.invalidRequest('A given name is required', 'patient.name[0].given');
  }
  if (!patient.gender) throw patientErrors.invalidRequest('Administrative gender is required', 'patient.gender');
  const birthDate = patient.birthDate;
  if (!birthDate) throw patientErrors.invalidRequest('A birth date is required', 'patient.birthDate');
  const parsed = new Date(`${birthDate}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== birthDate
  ) {
    throw patientErrors.invalidRequest('The birth date must be a real date (YYYY-MM-DD)', 'patient.birthDate');
  }
  if (parsed.getTime() > Date.now())
    throw patientErrors.invalidRequest('The birth date is in the future', 'patient.birthDate');
  if (parsed.getUTCFullYear() < 1880)
    throw patientErrors.invalidRequest('The birth date is implausibly old', 'patient.birthDate');
  for (const [index, telecom] of (patient.telecom ?? []).entries()) {
    if (telecom.system === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(telecom.value ?? '')) {
      throw patientErrors.invalidRequest('Not an email address', `patient.telecom[${index}].value`);
    }
    if (telecom.system === 'phone' && (telecom.value ?? '').replace(/\D/g, '').length < 7) {
      throw patientErrors.invalidRequest('A phone number needs at least 7 digits', `patient.telecom[${index}].value`);
    }
  }
}

export type { MatchFeatures };
