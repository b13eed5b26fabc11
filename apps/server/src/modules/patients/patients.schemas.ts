import type { Patient } from '@medplum/fhirtypes';
import { CHECK_DIGIT_SCHEMES, type PatientSettings } from './patients.settings';

/** JSON schemas of the patients API: they document it in OpenAPI and are checked on every request. */

const fhirPatient = {
  type: 'object',
  description: 'A FHIR R4 Patient resource (resourceType may be left out); no id, no MRN (the server assigns it).',
  additionalProperties: true,
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } },
} as const;

export const mergeIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export interface RegisterBody {
  patient: Patient;
  force?: boolean;
}

export const registerBody = {
  type: 'object',
  required: ['patient'],
  additionalProperties: false,
  properties: {
    patient: fhirPatient,
    force: {
      type: 'boolean',
      description: 'Register even though likely duplicates exist (after the user reviewed them).',
    },
  },
} as const;

export const duplicateCheckBody = {
  type: 'object',
  required: ['patient'],
  additionalProperties: false,
  properties: { patient: fhirPatient },
} as const;

export interface MergeBody {
  source: string;
  target: string;
}

export const mergeBody = {
  type: 'object',
  required: ['source', 'target'],
  additionalProperties: false,
  properties: {
    source: { type: 'string', description: 'Id of the patient record that is merged away (becomes inactive).' },
    target: { type: 'string', description: 'Id of the surviving patient record.' },
  },
} as const;

export interface TimelineQuery {
  type?: string;
  count?: number;
  cursor?: string;
}

export const timelineQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', description: 'Comma-separated resource types to keep (default: every chart type).' },
    count: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', description: 'The `next` value of the previous page.' },
  },
} as const;

export type SettingsBody = PatientSettings;

const threshold = { type: 'number', minimum: 0, maximum: 1 } as const;

export const settingsBody = {
  type: 'object',
  required: ['mrn', 'matching'],
  additionalProperties: false,
  properties: {
    mrn: {
      type: 'object',
      required: ['prefix', 'digits', 'checkDigit'],
      additionalProperties: false,
      properties: {
        prefix: { type: 'string', pattern: '^[A-Z0-9-]{0,8}$', description: 'Letters, digits or - before the number.' },
        digits: { type: 'integer', minimum: 4, maximum: 15, description: 'Length of the zero-padded sequence number.' },
        checkDigit: {
          type: 'string',
          enum: [...CHECK_DIGIT_SCHEMES],
          description: 'Luhn (mod 10), ISO 7064 MOD 11-2, or none.',
        },
        system: { type: 'string', description: 'Identifier.system of the MRNs (default: a URI naming the tenant).' },
      },
    },
    matching: {
      type: 'object',
      required: ['certain', 'probable', 'possible'],
      additionalProperties: false,
      properties: { certain: threshold, probable: threshold, possible: threshold },
    },
  },
} as const;
