import { patientErrors } from './patients.errors';

export const CHECK_DIGIT_SCHEMES = ['luhn', 'mod11-2', 'none'] as const;
export type CheckDigitScheme = (typeof CHECK_DIGIT_SCHEMES)[number];

/** How a tenant's medical record numbers look: prefix, zero-padded sequence of `digits`, check digit. */
export interface MrnFormat {
  prefix: string;
  digits: number;
  checkDigit: CheckDigitScheme;
  /** Identifier.system of the numbers; defaults to a URI naming the tenant. */
  system?: string;
}

/** Score thresholds (0..1) of the match grades; a candidate at or above `possible` is shown at registration. */
export interface MatchThresholds {
  certain: number;
  probable: number;
  possible: number;
}

export interface PatientSettings {
  mrn: MrnFormat;
  matching: MatchThresholds;
}

export const DEFAULT_PATIENT_SETTINGS: PatientSettings = {
  mrn: { prefix: 'MRN', digits: 7, checkDigit: 'luhn' },
  matching: { certain: 0.95, probable: 0.8, possible: 0.6 },
};

export function mrnSystem(tenantId: string, format: MrnFormat): string {
  return format.system ?? `https://meridian.health/fhir/identifier/mrn/${tenantId}`;
}

/** Stored settings over the defaults (older rows may lack newer keys). */
export function withDefaults(stored: Partial<PatientSettings> | undefined): PatientSettings {
  return {
    mrn: { ...DEFAULT_PATIENT_SETTINGS.mrn, ...(stored?.mrn ?? {}) },
    matching: { ...DEFAULT_PATIENT_SETTINGS.matching, ...(stored?.matching ?? {}) },
  };
}

/** Checks rules a JSON schema cannot say (threshold order, URI shape). */
export function checkSettings(settings: PatientSettings): void {
  const { certain, probable, possible } = settings.matching;
  if (!(possible <= probable && probable <= certain)) {
    throw patientErrors.invalidSettings('Thresholds must satisfy possible <= probable <= certain', 'matching');
  }
  if (settings.mrn.system !== undefined && !/^(urn:|https?:\/\/)\S+$/.test(settings.mrn.system)) {
    throw patientErrors.invalidSettings('mrn.system must be an absolute URI (http(s): or urn:)', 'mrn.system');
  }
}
