import type { DiagnosticReport, Encounter, Observation, ServiceRequest } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import { type ClinicalActor, USER_IDENTIFIER_SYSTEM } from '../identity';
import { DEFAULT_OVERDUE_AFTER, kindOf, type Priority } from './orders.catalog';
import { ordersErrors } from './orders.errors';
import { actorFields, idOf, orderView, resourcesOf } from './orders.service';
import { readAcks, writeAck } from './orders.store';
import { isCritical } from './results.interpret';

export interface ResultsInboxDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  /** How long an order of each priority may wait for a result before it is overdue (ms). */
  overdueAfter?: Partial<Record<Priority, number>>;
  now?: () => Date;
}

/** Orders read per search; a clinician's inbox looks at their latest ones. */
const ORDERS_WINDOW = 500;
const CHUNK = 50;
const PRIORITY_RANK: Record<string, number> = { stat: 0, asap: 1, urgent: 2, routine: 3 };

function accountOf(actor: ClinicalActor): string {
  return actor.userId ?? actor.clientId ?? 'anonymous';
}

function summaryOf(observation: Observation) {
  return {
    id: observation.id,
    code: observation.code.coding?.[0]?.code,
    display: observation.code.coding?.[0]?.display ?? observation.code.text,
    status: observation.status,
    ...(observation.valueQuantity
      ? {
          value: observation.valueQuantity.value,
          unit: observation.valueQuantity.code ?? observation.valueQuantity.unit,
        }
      : {}),
    ...(observation.valueString ? { text: observation.valueString } : {}),
    interpretation: observation.interpretation?.[0]?.coding?.[0]?.code,
    critical: isCritical(observation),
  };
}

/** A clinician's results inbox: new results of their orders, critical first; overdue orders. */
export class ResultsInbox {
  private readonly now: () => Date;
  private readonly overdueAfter: Record<Priority, number>;

  constructor(private readonly deps: ResultsInboxDeps) {
    this.now = deps.now ?? (() => new Date());
    this.overdueAfter = { ...DEFAULT_OVERDUE_AFTER, ...(deps.overdueAfter ?? {}) };
  }

  private async searchAll<T extends ServiceRequest | DiagnosticReport | Encounter | Observation>(
    ctx: FhirContext,
    type: T['resourceType'],
    params: [string, string][],
  ) {
    const bundle = await this.deps.search.search(ctx, { resourceType: type, params, handling: 'strict' }, '');
    return { bundle, more: Boolean(bundle.link?.some((link) => link.relation === 'next')) };
  }

  /**
   * The caller's orders: those they requested (by account or FHIR identity), those they perform, and
   * those of the encounters they attend.
   */
  private async ordersOf(ctx: FhirContext, actor: ClinicalActor) {
    const statuses: [string, string] = ['status', 'active,on-hold,completed'];
    const window: [string, string][] = [
      ['_sort', '-authored'],
      ['_count', String(ORDERS_WINDOW)],
    ];
    const searches: [string, string][][] = [];
    if (actor.userId) searches.push([['requester:identifier', `${USER_IDENTIFIER_SYSTEM}|${actor.userId}`]]);
    const fhirUser = actor.reference?.reference;
    if (fhirUser) searches.push([['requester', fhirUser]], [['performer', fhirUser]]);
    if (fhirUser?.startsWith('Practitioner/')) {
      const { bundle } = await this.searchAll<Encounter>(ctx, 'Encounter', [
        ['participant', fhirUser],
        ['participant-type', 'ATND'],
        ['_sort', '-date'],
        ['_count', '100'],
      ]);
      const encounters = resourcesOf<Encounter>(bundle, 'Encounter').map((e) => `Encounter/${e.id}`);
      for (let i = 0; i < encounters.length; i += CHUNK) {
        searches.push([['encounter', encounters.slice(i, i + CHUNK).join(',')]]);
      }
    }
    const orders = new Map<string, ServiceRequest>();
    let truncated = false;
    for (const params of searches) {
      const { bundle, more } = await this.searchAll<ServiceRequest>(ctx, 'ServiceRequest', [
        ...params,
        statuses,
        ...window,
      ]);
      truncated ||= more;
      for (const order of resourcesOf<ServiceRequest>(bundle, 'ServiceRequest')) orders.set(order.id!, order);
    }
    return { orders, truncated };
  }

  async list(ctx: FhirContext, actor: ClinicalActor, query: { status: 'new' | 'all' }) {
    const { orders, truncated } = await this.ordersOf(ctx, actor);
    const ids = [...orders.keys()];
    const reports: DiagnosticReport[] = [];
    const observations = new Map<string, Observation>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const { bundle } = await this.searchAll<DiagnosticReport>(ctx, 'DiagnosticReport', [
        [
          'based-on',
          ids
            .slice(i, i + CHUNK)
            .map((id) => `ServiceRequest/${id}`)
            .join(','),
        ],
        ['status', 'partial,preliminary,final,amended,corrected'],
        ['_include', 'DiagnosticReport:result'],
        ['_count', '1000'],
      ]);
      reports.push(...resourcesOf<DiagnosticReport>(bundle, 'DiagnosticReport'));
      for (const o of resourcesOf<Observation>(bundle, 'Observation')) observations.set(`Observation/${o.id}`, o);
    }
    const acks = await this.deps.repository.reading(ctx, (db) =>
      readAcks(
        db,
        ctx.tenantId,
        accountOf(actor),
        reports.map((report) => report.id!),
      ),
    );
    const items = reports.map((report) => {
      const order = orders.get(idOf(report.basedOn?.[0]?.reference) ?? '');
      const results = (report.result ?? []).flatMap((ref) => {
        const found = observations.get(ref.reference ?? '');
        return found ? [found] : [];
      });
      const ack = acks.get(report.id!);
      const acknowledged = Boolean(ack && ack.reportIssued === (report.issued ?? ''));
      return {
        reportId: report.id!,
        status: report.status,
        issued: report.issued,
        patient: report.subject?.reference,
        order: order
          ? {
              id: order.id,
              accessionNumber: orderView(order).accessionNumber,
              kind: kindOf(order.category),
              code: order.code?.coding?.[0]?.code,
              display: order.code?.coding?.[0]?.display ?? order.code?.text,
              priority: order.priority,
            }
          : undefined,
        critical: results.some(isCritical),
        acknowledged,
        ...(acknowledged ? { acknowledgedAt: ack!.acknowledgedAt } : {}),
        observations: results.map(summaryOf),
      };
    });
    items.sort(
      (a, b) =>
        Number(a.acknowledged) - Number(b.acknowledged) ||
        Number(b.critical) - Number(a.critical) ||
        (b.issued ?? '').localeCompare(a.issued ?? ''),
    );
    const shown = query.status === 'new' ? items.filter((item) => !item.acknowledged) : items;
    const resulted = new Set(reports.map((report) => idOf(report.basedOn?.[0]?.reference)));
    const overdue = this.overdue([...orders.values()].filter((order) => !resulted.has(order.id)));
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      ...actorFields(actor),
      action: 'search',
      outcome: 'success',
      resourceType: 'DiagnosticReport',
      detail: 'results-inbox',
    });
    return {
      results: shown,
      newCount: items.filter((item) => !item.acknowledged).length,
      criticalCount: items.filter((item) => !item.acknowledged && item.critical).length,
      overdue,
      truncated,
    };
  }

  /** Active orders without any result past their priority's wait, most pressing first. */
  private overdue(orders: ServiceRequest[]) {
    const now = this.now().getTime();
    return orders
      .filter((order) => order.status === 'active' && order.authoredOn)
      .map((order) => {
        const priority = (order.priority ?? 'routine') as Priority;
        const due = Date.parse(order.authoredOn!) + (this.overdueAfter[priority] ?? this.overdueAfter.routine);
        return { order, priority, due };
      })
      .filter(({ due }) => due < now)
      .sort((a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) || a.due - b.due)
      .map(({ order, priority, due }) => ({
        orderId: order.id,
        accessionNumber: orderView(order).accessionNumber,
        kind: kindOf(order.category),
        code: order.code?.coding?.[0]?.code,
        display: order.code?.coding?.[0]?.display ?? order.code?.text,
        priority,
        patient: order.subject?.reference,
        authoredOn: order.authoredOn,
        dueAt: new Date(due).toISOString(),
        overdueMinutes: Math.floor((now - due) / 60000),
      }));
  }

  /** The caller has seen this result (as issued now); recorded with its audit record in one transaction. */
  async acknowledge(ctx: FhirContext, actor: ClinicalActor, reportId: string) {
    const { repository } = this.deps;
    let report: DiagnosticReport;
    try {
      report = (await repository.read(ctx, 'DiagnosticReport', reportId)) as DiagnosticReport;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw ordersErrors.reportNotFound(reportId);
      }
      throw error;
    }
    const at = this.now().toISOString();
    const issued = report.issued ?? '';
    await repository.inTransaction(ctx, async (tx) => {
      await writeAck(tx, ctx.tenantId, accountOf(actor), reportId, issued, at);
      await this.deps.audit.append(tx, {
        tenantId: ctx.tenantId,
        ...actorFields(actor),
        action: 'result-acknowledge',
        outcome: 'success',
        patientId: idOf(report.subject?.reference),
        resourceType: 'DiagnosticReport',
        resourceId: reportId,
        detail: `${report.status} issued ${issued}`,
      });
    });
    return { reportId, status: report.status, reportIssued: report.issued, acknowledgedAt: at };
  }
}
