import type { Bundle, Communication, DiagnosticReport, Observation, ServiceRequest } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import { USER_IDENTIFIER_SYSTEM } from '../identity';
import type { EventPublisher } from './orders.events';
import { idOf } from './orders.service';
import { isFinalReport } from './orders.state';
import { isCritical } from './results.interpret';
import { criticalAlertOf } from './results.resource';

/** Identifies the alert about one issue of one report, so writing the same report again alerts once. */
export const CRITICAL_ALERT_SYSTEM = 'https://meridian.health/fhir/identifier/critical-alert';

export function alertKey(report: DiagnosticReport): string {
  return `${report.id}/${report.issued ?? report.meta?.versionId ?? ''}`;
}

const REACTING = new Set(['preliminary', 'final', 'amended', 'corrected']);

interface ReactionDeps {
  repository: FhirRepository;
  search: SearchService;
  events: EventPublisher;
  now: () => Date;
}

async function readOrNothing<T>(repository: FhirRepository, ctx: FhirContext, type: string, id: string) {
  try {
    return (await repository.read(ctx, type, id)) as T;
  } catch (error) {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  }
}

async function existingAlert(search: SearchService, ctx: FhirContext, key: string): Promise<Communication | undefined> {
  const bundle: Bundle = await search.search(
    ctx,
    { resourceType: 'Communication', params: [['identifier', `${CRITICAL_ALERT_SYSTEM}|${key}`]], handling: 'strict' },
    '',
  );
  return bundle.entry?.[0]?.resource as Communication | undefined;
}

/**
 * What a result report does when it is written by any path (the results API, FHIR REST, Bundles,
 * imports), inside the write's transaction: a released report completes its active order; critical
 * observations alert the order's requester once per issue of the report; `result.available` and
 * `result.critical` are published.
 */
async function react(deps: ReactionDeps, tx: Queryable, ctx: FhirContext, report: DiagnosticReport): Promise<void> {
  const { repository, search, events } = deps;
  const inTx = { ...ctx, tx };
  const orderRef = report.basedOn?.find((ref) => ref.reference?.startsWith('ServiceRequest/'))?.reference;
  // Reports of no order (imported histories) are left alone: nobody waits for them.
  if (!orderRef) return;
  const order = await readOrNothing<ServiceRequest>(repository, inTx, 'ServiceRequest', idOf(orderRef)!);
  if (order && isFinalReport(report.status) && order.status === 'active') {
    await repository.update(inTx, 'ServiceRequest', order.id!, { ...order, status: 'completed' });
  }
  const observations: Observation[] = [];
  for (const ref of report.result ?? []) {
    const id = ref.reference?.startsWith('Observation/') ? idOf(ref.reference) : undefined;
    const observation = id ? await readOrNothing<Observation>(repository, inTx, 'Observation', id) : undefined;
    if (observation) observations.push(observation);
  }
  const patientId = idOf(report.subject?.reference);
  const data = {
    reportId: report.id,
    orderId: order?.id,
    patientId,
    status: report.status,
    codes: observations.map((observation) => observation.code.coding?.[0]?.code),
  };
  await events.publish(tx, ctx.tenantId, {
    type: 'result.available',
    aggregate: { type: 'DiagnosticReport', id: report.id! },
    data,
  });
  const critical = observations.filter(isCritical);
  if (!critical.length || !order) return;
  const key = alertKey(report);
  if (await existingAlert(search, inTx, key)) return;
  const alert = (await repository.create(inTx, {
    ...criticalAlertOf(order, report, critical, deps.now().toISOString(), senderOf(report)),
    identifier: [{ system: CRITICAL_ALERT_SYSTEM, value: key }],
  })) as Communication;
  await events.publish(tx, ctx.tenantId, {
    type: 'result.critical',
    aggregate: { type: 'DiagnosticReport', id: report.id! },
    data: {
      ...data,
      communicationId: alert.id,
      critical: critical.map((observation) => ({
        code: observation.code.coding?.[0]?.code,
        interpretation: observation.interpretation?.[0]?.coding?.[0]?.code,
      })),
      // The requester's FHIR identity when the order names one, and their account (ids only).
      ...(order.requester?.reference ? { requester: order.requester.reference } : {}),
      ...(order.requester?.identifier?.system === USER_IDENTIFIER_SYSTEM
        ? { requesterUserId: order.requester.identifier.value }
        : {}),
    },
  });
}

/** The report's first performer as the alert's sender (a care team cannot send a Communication). */
function senderOf(report: DiagnosticReport) {
  const performer = report.performer?.[0];
  return performer && !performer.reference?.startsWith('CareTeam/') ? performer : undefined;
}

/** Listens to every DiagnosticReport write (see react). */
export function watchResults(deps: ReactionDeps): void {
  deps.repository.onWrite(async (tx, writes, ctx) => {
    for (const write of writes) {
      if (write.resourceType !== 'DiagnosticReport' || write.action === 'delete' || write.action === 'meta') continue;
      const report = write.resource as DiagnosticReport | undefined;
      if (!report || !REACTING.has(report.status)) continue;
      await react(deps, tx, ctx, report);
    }
  });
}

/** The alert raised about this issue of the report, if any (the results API answers with it). */
export async function alertFor(search: SearchService, ctx: FhirContext, report: DiagnosticReport) {
  return existingAlert(search, ctx, alertKey(report));
}
