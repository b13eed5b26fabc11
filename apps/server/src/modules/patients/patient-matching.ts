import type { Patient } from '@medplum/fhirtypes';
import damerauLevenshtein from 'talisman/metrics/damerau-levenshtein.js';
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import doubleMetaphone from 'talisman/phonetics/double-metaphone.js';
import type { MatchThresholds } from './patients.settings';

/** The grades of the FHIR match-grade extension. */
export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

/** What matching compares of a patient, normalised once. */
export interface MatchFeatures {
  names: { family: string; given: string; familyCodes: string[]; givenCodes: string[] }[];
  birthDate?: string;
  sex?: string;
  phones: string[];
  emails: string[];
  addresses: { line: string; postalCode: string; city: string }[];
  identifiers: string[];
}

/** Lower case, accents and anything but letters removed (Synthea's numbered names lose their digits). */
export function normaliseName(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function codes(name: string): string[] {
  if (!name) return [];
  return [...new Set(doubleMetaphone(name).filter(Boolean))];
}

/** The last ten digits (drops country and trunk prefixes). */
export function normalisePhone(text: string | undefined): string | undefined {
  const digits = (text ?? '').replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : undefined;
}

function normaliseAddressLine(text: string): string {
  return text
    .toLowerCase()
    .replace(/\bstreet\b/g, 'st')
    .replace(/\bavenue\b/g, 'ave')
    .replace(/\broad\b/g, 'rd')
    .replace(/[^a-z0-9]/g, '');
}

export function matchFeatures(patient: Patient): MatchFeatures {
  const names = (patient.name ?? [])
    .filter((name) => name.use !== 'old' || (patient.name?.length ?? 0) === 1)
    .map((name) => {
      const family = normaliseName(name.family);
      const given = normaliseName(name.given?.[0]);
      return { family, given, familyCodes: codes(family), givenCodes: codes(given) };
    })
    .filter((name) => name.family || name.given);
  const telecom = patient.telecom ?? [];
  const birthDate = /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate ?? '') ? patient.birthDate : undefined;
  const sex = patient.gender === 'male' || patient.gender === 'female' ? patient.gender : undefined;
  return {
    names,
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    phones: [
      ...new Set(
        telecom.filter((t) => t.system === 'phone' || t.system === 'sms').flatMap((t) => normalisePhone(t.value) ?? []),
      ),
    ],
    emails: [
      ...new Set(telecom.filter((t) => t.system === 'email' && t.value).map((t) => t.value!.trim().toLowerCase())),
    ],
    addresses: (patient.address ?? []).map((address) => ({
      line: normaliseAddressLine((address.line ?? []).join(' ')),
      postalCode: (address.postalCode ?? '').replace(/\s/g, '').toLowerCase().slice(0, 5),
      city: normaliseName(address.city),
    })),
    identifiers: (patient.identifier ?? [])
      .filter((identifier) => identifier.system && identifier.value)
      .map((identifier) => `${identifier.system}|${identifier.value}`),
  };
}

/** The day and month swapped, when that is still a date (03-12 and 12-03). */
export function transposedBirthDate(date: string): string | undefined {
  const [year, month, day] = date.split('-');
  if (!year || !month || !day || month === day || Number(day) > 12) return undefined;
  return `${year}-${day}-${month}`;
}

/**
 * Blocking keys: a candidate shares at least one with the patient it might duplicate. Phonetic family
 * code with the birth year, phonetic given and family codes, birth date, phone, email, identifier.
 */
export function blockingKeys(features: MatchFeatures): string[] {
  const keys = new Set<string>();
  const year = features.birthDate?.slice(0, 4);
  for (const name of features.names) {
    for (const family of name.familyCodes) {
      if (year) keys.add(`f:${family}:${year}`);
      for (const given of name.givenCodes) keys.add(`n:${given}:${family}`);
    }
  }
  if (features.birthDate) keys.add(`b:${features.birthDate}`);
  for (const phone of features.phones) keys.add(`t:${phone}`);
  for (const email of features.emails) keys.add(`e:${email}`);
  for (const identifier of features.identifiers) keys.add(`i:${identifier}`);
  return [...keys];
}

/** The keys to look candidates up by: the blocking keys, and the birth date with day and month swapped. */
export function lookupKeys(features: MatchFeatures): string[] {
  const keys = blockingKeys(features);
  const swapped = features.birthDate ? transposedBirthDate(features.birthDate) : undefined;
  if (swapped) keys.push(`b:${swapped}`);
  return keys;
}

function nameSimilarity(a: string, b: string, codesA: string[], codesB: string[]): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const phonetic = codesA.some((code) => codesB.includes(code)) ? 0.9 : 0;
  return Math.max(phonetic, jaroWinkler(a, b));
}

export interface MatchResult {
  score: number;
  grade: MatchGrade;
  /** Which fields agreed, for the reviewer. */
  matched: string[];
}

function birthDateScore(a: string, b: string): { points: number; label?: string } {
  if (a === b) return { points: 0.3, label: 'birthDate' };
  if (transposedBirthDate(a) === b) return { points: 0.22, label: 'birthDate (day and month swapped)' };
  if (damerauLevenshtein(a, b) === 1) return { points: 0.18, label: 'birthDate (one digit apart)' };
  return { points: -0.2 };
}

/**
 * How likely two patients are the same person, 0..1: weighted agreement of name (phonetic and
 * typo-tolerant), birth date (exact, swapped day and month, one digit off), sex, phone, email, address and
 * identifiers, with penalties for disagreement.
 */
export function scoreMatch(a: MatchFeatures, b: MatchFeatures, thresholds: MatchThresholds): MatchResult {
  let score = 0;
  const matched: string[] = [];
  let bestName = 0;
  for (const x of a.names) {
    for (const y of b.names) {
      const family = nameSimilarity(x.family, y.family, x.familyCodes, y.familyCodes);
      const given = nameSimilarity(x.given, y.given, x.givenCodes, y.givenCodes);
      const similarity = x.given && y.given ? 0.55 * family + 0.45 * given : family * 0.8;
      bestName = Math.max(bestName, similarity);
    }
  }
  if (a.names.length && b.names.length) {
    if (bestName >= 0.75) {
      score += 0.35 * bestName;
      matched.push('name');
    } else score -= 0.1;
  }
  if (a.birthDate && b.birthDate) {
    const birth = birthDateScore(a.birthDate, b.birthDate);
    score += birth.points;
    if (birth.label) matched.push(birth.label);
  }
  if (a.sex && b.sex) {
    if (a.sex === b.sex) {
      score += 0.05;
      matched.push('gender');
    } else score -= 0.15;
  }
  if (a.phones.some((phone) => b.phones.includes(phone))) {
    score += 0.1;
    matched.push('phone');
  }
  if (a.emails.some((email) => b.emails.includes(email))) {
    score += 0.1;
    matched.push('email');
  }
  const sameAddress = a.addresses.some((x) =>
    b.addresses.some((y) => x.line && x.line === y.line && (x.postalCode === y.postalCode || x.city === y.city)),
  );
  if (sameAddress) {
    score += 0.1;
    matched.push('address');
  }
  if (a.identifiers.some((identifier) => b.identifiers.includes(identifier))) {
    score += 0.3;
    matched.push('identifier');
  }
  const clamped = Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
  return { score: clamped, grade: gradeOf(clamped, thresholds), matched };
}

export function gradeOf(score: number, thresholds: MatchThresholds): MatchGrade {
  if (score >= thresholds.certain) return 'certain';
  if (score >= thresholds.probable) return 'probable';
  if (score >= thresholds.possible) return 'possible';
  return 'certainly-not';
}
