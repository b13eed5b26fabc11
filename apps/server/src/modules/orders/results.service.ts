import type { DiagnosticReport, Observation, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { FhirContext, FhirRepository, SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { fromFhirError, ordersErrors } from './orders.errors';
import type { AnalyteInput, PostResultsInput } from './orders.schemas';
import { actorFields, idOf, orderView, readOrder, resourcesOf } from './orders.service';
import { isFinalReport } from './orders.state';
import { isCritical } from './results.interpret';
import { alertFor } from './results.reactions';
import { analyteCode, observationOf, reportOf } from './results.resource';

export interface ResultsServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  now?: () => Date;
}

const PENDING = new Set(['registered', 'partial', 'preliminary']);

function codeKey(observation: Observation): string {
  const coding = observation.code.coding?.[0];
  return `${coding?.system ?? ''}|${coding?.code ?? ''}`;
}

/** Results of orders: a report with its observations, flags, critical alerts; completing the order. */
export class ResultsService {
  private readonly now: () => Date;

  constructor(private readonly deps: ResultsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Posts results for an order in one transaction. The first post makes the report (preliminary or
   * final); a final post replaces a preliminary report's observations; once released (final), the report
   * changes only as `corrected` or `amended`, which replaces the observations of the codes posted and
   * keeps the others. A released report completes an active order; critical values alert the requester.
   */
  async post(ctx: FhirContext, actor: ClinicalActor, orderId: string, input: PostResultsInput) {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        const order = await readOrder(repository, inTx, orderId);
        const existing = await this.currentReport(inTx, orderId);
        const correction = input.status === 'amended' || input.status === 'corrected';
        this.checkStatus(order, existing?.report, input.status);

        const now = this.now().toISOString();
        const issued = input.issued ?? now;
        const effective = input.effective ?? existing?.report.effectiveDateTime ?? now;
        const performer: Reference[] | undefined = input.performer
          ? [{ reference: input.performer }]
          : actor.reference
            ? [actor.reference]
            : undefined;
        const before = new Map(
          (existing?.observations ?? []).map((observation) => [codeKey(observation), observation]),
        );
        const written: Observation[] = [];
        for (const analyte of input.analytes) {
          written.push(
            await this.writeObservation(inTx, order, analyte, input.status, effective, issued, performer, before),
          );
        }
        const postedKeys = new Set(written.map(codeKey));
        // A final post replaces a preliminary report: what it no longer lists is withdrawn.
        const kept: Observation[] = [];
        for (const [key, observation] of before) {
          if (postedKeys.has(key)) continue;
          if (correction) kept.push(observation);
          else await repository.update(inTx, 'Observation', observation.id!, { ...observation, status: 'cancelled' });
        }
        const results = [...written, ...kept].map((observation) => `Observation/${observation.id}`);
        const next = reportOf(
          order,
          input.status,
          effective,
          issued,
          results,
          performer,
          input.conclusion ?? existing?.report.conclusion,
        );
        const report = (
          existing
            ? (
                await repository.update(inTx, 'DiagnosticReport', existing.report.id!, {
                  ...next,
                  id: existing.report.id,
                })
              ).resource
            : await repository.create(inTx, next)
        ) as DiagnosticReport;

        // Completing the order, alerting and the domain events follow every report write (results.reactions).
        const current = await readOrder(repository, inTx, orderId);
        const critical = [...written, ...kept].filter(isCritical);
        const alert = critical.length ? await alertFor(this.deps.search, inTx, report) : undefined;
        await this.deps.audit.append(tx, {
          tenantId: ctx.tenantId,
          ...actorFields(actor),
          action: 'result-post',
          outcome: 'success',
          patientId: idOf(order.subject?.reference),
          resourceType: 'DiagnosticReport',
          resourceId: report.id,
          detail: `${input.status}${critical.length ? ' critical' : ''}`,
        });
        return {
          ...orderView(current),
          report,
          observations: [...written, ...kept],
          critical: critical.length > 0,
          ...(alert ? { alert } : {}),
        };
      });
    } catch (error) {
      throw fromFhirError(error);
    }
  }

  private checkStatus(order: ServiceRequest, report: DiagnosticReport | undefined, status: PostResultsInput['status']) {
    const correction = status === 'amended' || status === 'corrected';
    if (correction) {
      if (!report || !isFinalReport(report.status)) {
        throw ordersErrors.reportStatus(
          `there is no released report to ${status === 'amended' ? 'amend' : 'correct'}; post final results first`,
        );
      }
      if (!['active', 'completed'].includes(order.status)) throw ordersErrors.notResultable(order.status);
      return;
    }
    if (report && !PENDING.has(report.status)) {
      throw ordersErrors.reportStatus(`the report is already ${report.status}: post corrected or amended results`);
    }
    if (order.status !== 'active') throw ordersErrors.notResultable(order.status);
  }

  private async writeObservation(
    ctx: FhirContext,
    order: ServiceRequest,
    analyte: AnalyteInput,
    status: PostResultsInput['status'],
    effective: string,
    issued: string,
    performer: Reference[] | undefined,
    before: Map<string, Observation>,
  ): Promise<Observation> {
    const { repository } = this.deps;
    const next = observationOf(analyte, order, status, effective, issued, performer);
    const { system, code } = analyteCode(analyte);
    const previous = before.get(`${system}|${code}`);
    if (!previous) return (await repository.create(ctx, next)) as Observation;
    return (await repository.update(ctx, 'Observation', previous.id!, { ...next, id: previous.id }))
      .resource as Observation;
  }

  /** The order's latest report (not in error) with its observations. */
  private async currentReport(ctx: FhirContext, orderId: string) {
    const bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'DiagnosticReport',
        params: [
          ['based-on', `ServiceRequest/${orderId}`],
          ['status:not', 'entered-in-error'],
          ['_include', 'DiagnosticReport:result'],
          ['_sort', '-issued'],
          ['_count', '1'],
        ],
        handling: 'strict',
      },
      '',
    );
    const report = resourcesOf<DiagnosticReport>(bundle, 'DiagnosticReport')[0];
    if (!report) return undefined;
    const included = new Map(resourcesOf<Observation>(bundle, 'Observation').map((o) => [`Observation/${o.id}`, o]));
    const observations = (report.result ?? []).flatMap((ref) => {
      const found = included.get(ref.reference ?? '');
      return found ? [found] : [];
    });
    return { report, observations };
  }
}
