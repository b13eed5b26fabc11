import type { CodeableConcept, Coding, Reference, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import {
  DICOM,
  LATERALITY,
  LATERALITY_EXTENSION,
  LOINC,
  MODALITIES,
  ORDER_CATEGORY,
  SNOMED,
  SPECIMEN_TYPES,
} from './orders.catalog';
import type { CreateOrderInput } from './orders.schemas';

type CodeInput = string | { system: string; code: string; display?: string | undefined };

export function codingOf(input: CodeInput, system: string, display?: string): Coding {
  if (typeof input === 'string') return { system, code: input, ...(display ? { display } : {}) };
  const shown = input.display ?? display;
  return { system: input.system, code: input.code, ...(shown ? { display: shown } : {}) };
}

function conceptOf(coding: Coding): CodeableConcept {
  return { coding: [coding], ...(coding.display ? { text: coding.display } : {}) };
}

function bodySiteOf(input: CreateOrderInput): CodeableConcept[] | undefined {
  if (!input.bodySite) return undefined;
  const site = conceptOf(codingOf(input.bodySite, SNOMED));
  if (!input.laterality) return [site];
  return [
    {
      ...site,
      extension: [{ url: LATERALITY_EXTENSION, valueCodeableConcept: conceptOf(LATERALITY[input.laterality]!) }],
    },
  ];
}

/** A new lab or imaging order as a ServiceRequest (the accession number is added by the write hook). */
export function newServiceRequest(
  input: CreateOrderInput,
  patient: string,
  requester: Reference | undefined,
  now: string,
): ServiceRequest {
  const reasons = input.reason === undefined ? [] : Array.isArray(input.reason) ? input.reason : [input.reason];
  const specimenType = input.specimen
    ? typeof input.specimen.type === 'string'
      ? SPECIMEN_TYPES[input.specimen.type]!
      : codingOf(input.specimen.type, SNOMED)
    : undefined;
  // The specimen to collect travels with the order (contained): there is no specimen yet, only what to take.
  const specimen: Specimen | undefined = specimenType
    ? {
        resourceType: 'Specimen',
        id: 'specimen',
        type: conceptOf(specimenType),
        subject: { reference: patient },
        ...(input.specimen?.note ? { note: [{ text: input.specimen.note }] } : {}),
      }
    : undefined;
  const modality = input.modality
    ? { coding: [{ system: DICOM, code: input.modality, display: MODALITIES[input.modality]! }], text: input.modality }
    : undefined;
  const status = input.activate ? 'active' : 'draft';
  const bodySite = bodySiteOf(input);
  return {
    resourceType: 'ServiceRequest',
    ...(specimen ? { contained: [specimen] } : {}),
    status,
    intent: 'order',
    category: [conceptOf(ORDER_CATEGORY[input.kind])],
    priority: input.priority,
    code: conceptOf(codingOf(input.code, LOINC, input.display)),
    ...(modality ? { orderDetail: [modality] } : {}),
    subject: { reference: patient },
    ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
    ...(input.occurrence ? { occurrenceDateTime: input.occurrence } : {}),
    // When the order became actionable: set again when a draft is activated.
    authoredOn: now,
    ...(requester ? { requester: requester as ServiceRequest['requester'] } : {}),
    ...(input.performer ? { performer: [{ reference: input.performer }] } : {}),
    ...(reasons.length ? { reasonCode: reasons } : {}),
    ...(input.reasonReference?.length
      ? { reasonReference: input.reasonReference.map((reference) => ({ reference })) }
      : {}),
    ...(specimen ? { specimen: [{ reference: '#specimen' }] } : {}),
    ...(bodySite ? { bodySite } : {}),
    ...(input.note ? { note: [{ text: input.note, time: now }] } : {}),
  };
}

/** The order with its next status; activation restamps authoredOn, revocation and errors keep why. */
export function withOrderStatus(
  order: ServiceRequest,
  status: ServiceRequest['status'],
  now: string,
  reason?: string,
): ServiceRequest {
  const note = reason ? [...(order.note ?? []), { text: `${status}: ${reason}`, time: now }] : order.note;
  return {
    ...order,
    status,
    ...(status === 'active' && order.status === 'draft' ? { authoredOn: now } : {}),
    ...(note ? { note } : {}),
  };
}
