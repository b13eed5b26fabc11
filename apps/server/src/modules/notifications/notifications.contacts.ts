import type { ContactPoint, HumanName, Patient, Practitioner } from '@medplum/fhirtypes';
import { baseLanguage } from './notifications.templates';

/** Usable now: not `old`, and its period (if any) has not ended. */
function current(point: ContactPoint, now: Date): boolean {
  if (!point.value?.trim() || point.use === 'old') return false;
  return !point.period?.end || new Date(point.period.end).getTime() > now.getTime();
}

/** Lowest rank first (rank 1 is the most preferred; no rank comes last), then the order given. */
function byRank(points: ContactPoint[]): ContactPoint[] {
  return points
    .map((point, index) => ({ point, index }))
    .sort(
      (a, b) =>
        (a.point.rank ?? Number.MAX_SAFE_INTEGER) - (b.point.rank ?? Number.MAX_SAFE_INTEGER) || a.index - b.index,
    )
    .map(({ point }) => point);
}

/** The email address to write to: home or work (`preferWork` for clinicians), by rank. */
export function emailOf(telecom: ContactPoint[] | undefined, now: Date, preferWork = false): string | undefined {
  const emails = byRank((telecom ?? []).filter((point) => point.system === 'email' && current(point, now)));
  const preferred = emails.find((point) => point.use === (preferWork ? 'work' : 'home'));
  return (preferred ?? emails[0])?.value?.trim();
}

/** A number that takes text messages: system `sms`, or a phone whose use is `mobile`; by rank. */
export function mobileOf(telecom: ContactPoint[] | undefined, now: Date): string | undefined {
  const candidates = byRank(
    (telecom ?? []).filter(
      (point) =>
        current(point, now) && (point.system === 'sms' || (point.system === 'phone' && point.use === 'mobile')),
    ),
  );
  return candidates[0]?.value?.replace(/[^\d+]/g, '') || undefined;
}

/** The patient's preferred language (Patient.communication, `preferred` first), as a base code. */
export function languageOf(
  patient: Pick<Patient, 'communication'> | Pick<Practitioner, 'communication'>,
): string | undefined {
  // Patient.communication has a language and a preferred flag; Practitioner.communication is the language itself.
  const entries = (patient.communication ?? []).map((entry) =>
    'language' in entry
      ? { concept: entry.language, preferred: entry.preferred ?? false }
      : { concept: entry, preferred: false },
  );
  entries.sort((a, b) => Number(b.preferred) - Number(a.preferred));
  for (const entry of entries) {
    for (const coding of entry.concept?.coding ?? []) {
      const code = baseLanguage(coding.code);
      if (code) return code;
    }
  }
  return undefined;
}

/** A name to greet with: the official (or first) name's given names and family. */
export function displayName(resource: Patient | Practitioner): string {
  const names: HumanName[] = resource.name ?? [];
  const name =
    names.find((candidate) => candidate.use === 'official') ?? names.find((n) => n.use !== 'old') ?? names[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}
