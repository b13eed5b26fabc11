import type {
  Communication,
  DiagnosticReport,
  Observation,
  ObservationReferenceRange,
  Reference,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { COMMUNICATION_CATEGORY, kindOf, LOINC, OBSERVATION_CATEGORY, REPORT_CATEGORY } from './orders.catalog';
import { codingOf } from './orders.resource';
import type { AnalyteInput } from './orders.schemas';
import { interpret, interpretationConcept } from './results.interpret';

const UCUM = 'http://unitsofmeasure.org';

function rangeOf(analyte: AnalyteInput): ObservationReferenceRange[] | undefined {
  const range = analyte.range;
  if (!range) return undefined;
  const bound = (value: number | undefined) =>
    value === undefined
      ? undefined
      : { value, ...(analyte.unit ? { unit: analyte.unit, system: UCUM, code: analyte.unit } : {}) };
  const low = bound(range.low);
  const high = bound(range.high);
  return [{ ...(low ? { low } : {}), ...(high ? { high } : {}), ...(range.text ? { text: range.text } : {}) }];
}

export function analyteCode(analyte: AnalyteInput): { system: string; code: string } {
  const coding = codingOf(analyte.code, LOINC);
  return { system: coding.system!, code: coding.code! };
}

/**
 * One analyte as an Observation of the order's patient, based on the order; its range and
 * interpretation computed when the analyte does not bring them (the FHIR write hook would do the same).
 */
export function observationOf(
  analyte: AnalyteInput,
  order: ServiceRequest,
  status: Observation['status'],
  effective: string,
  issued: string,
  performer: Reference[] | undefined,
): Observation {
  const range = rangeOf(analyte);
  const observation: Observation = {
    resourceType: 'Observation',
    status,
    category: [
      {
        coding: [
          kindOf(order.category) === 'imaging'
            ? { system: OBSERVATION_CATEGORY, code: 'imaging', display: 'Imaging' }
            : { system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' },
        ],
      },
    ],
    code: {
      coding: [codingOf(analyte.code, LOINC, analyte.display)],
      ...(analyte.display ? { text: analyte.display } : {}),
    },
    subject: order.subject,
    ...(order.encounter ? { encounter: order.encounter } : {}),
    basedOn: [{ reference: `ServiceRequest/${order.id}` }],
    effectiveDateTime: effective,
    issued,
    ...(performer ? { performer: performer as Observation['performer'] } : {}),
    ...(analyte.value !== undefined
      ? {
          valueQuantity: {
            value: analyte.value,
            ...(analyte.unit ? { unit: analyte.unit, system: UCUM, code: analyte.unit } : {}),
          },
        }
      : { valueString: analyte.text! }),
    ...(range ? { referenceRange: range } : {}),
    ...(analyte.interpretation ? { interpretation: [interpretationConcept(analyte.interpretation)] } : {}),
  };
  return interpret(observation);
}

/** The report of an order's results: its category follows the order's kind, its code the order's. */
export function reportOf(
  order: ServiceRequest,
  status: DiagnosticReport['status'],
  effective: string,
  issued: string,
  results: string[],
  performer: Reference[] | undefined,
  conclusion: string | undefined,
): DiagnosticReport {
  const imaging = kindOf(order.category) === 'imaging';
  return {
    resourceType: 'DiagnosticReport',
    status,
    category: [
      {
        coding: [
          imaging
            ? { system: REPORT_CATEGORY, code: 'RAD', display: 'Radiology' }
            : { system: REPORT_CATEGORY, code: 'LAB', display: 'Laboratory' },
        ],
      },
    ],
    code: order.code ?? { text: 'Results' },
    subject: order.subject,
    ...(order.encounter ? { encounter: order.encounter } : {}),
    basedOn: [{ reference: `ServiceRequest/${order.id}` }],
    effectiveDateTime: effective,
    issued,
    ...(performer ? { performer: performer as DiagnosticReport['performer'] } : {}),
    ...(order.identifier?.length
      ? { identifier: order.identifier.filter((i) => i.type?.coding?.[0]?.code === 'ACSN') }
      : {}),
    result: results.map((reference) => ({ reference })),
    ...(conclusion ? { conclusion } : {}),
  };
}

/**
 * The alert to the ordering clinician about a critical result: a Communication (category alert,
 * priority stat) about the report. Its text names codes and flags only.
 */
export function criticalAlertOf(
  order: ServiceRequest,
  report: DiagnosticReport,
  critical: Observation[],
  sent: string,
  sender: Reference | undefined,
): Communication {
  const items = critical.map((observation) => {
    const code = observation.code.coding?.[0]?.code ?? observation.code.text ?? '?';
    const flag = observation.interpretation?.[0]?.coding?.[0]?.code ?? '';
    return `${code} ${flag}`.trim();
  });
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ system: COMMUNICATION_CATEGORY, code: 'alert', display: 'Alert' }] }],
    priority: 'stat',
    subject: order.subject as Communication['subject'],
    ...(order.encounter ? { encounter: order.encounter } : {}),
    basedOn: [{ reference: `ServiceRequest/${order.id}` }],
    about: [
      { reference: `DiagnosticReport/${report.id}` },
      ...critical.map((o) => ({ reference: `Observation/${o.id}` })),
    ],
    ...(order.requester ? { recipient: [order.requester] } : {}),
    ...(sender ? { sender: sender as Communication['sender'] } : {}),
    sent,
    payload: [{ contentString: `Critical result: ${items.join(', ')}` }],
  };
}
