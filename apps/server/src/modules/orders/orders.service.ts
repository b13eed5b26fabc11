import type { Bundle, DiagnosticReport, Observation, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, readReferenced, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { kindOf, ORDER_CATEGORY } from './orders.catalog';
import { fromFhirError, ordersErrors } from './orders.errors';
import type { EventPublisher } from './orders.events';
import { newServiceRequest, withOrderStatus } from './orders.resource';
import type { CreateOrderInput } from './orders.schemas';
import { allowedOrderTransitions, canOrderTransition, type OrderStatus } from './orders.state';

export interface OrdersServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  events: EventPublisher;
  now?: () => Date;
}

export function idOf(reference: string | undefined): string | undefined {
  return reference?.split('/')[1];
}

export function actorFields(actor: ClinicalActor) {
  return {
    userId: actor.userId,
    clientId: actor.clientId,
    roles: actor.roles,
    ip: actor.ip,
    requestId: actor.requestId,
  };
}

export function resourcesOf<T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] {
  return (bundle.entry ?? []).flatMap((entry) => (entry.resource?.resourceType === type ? [entry.resource as T] : []));
}

/** What the orders API answers for an order: the ServiceRequest with its accession number and kind. */
export function orderView(order: ServiceRequest) {
  const accession = order.identifier?.find((identifier) =>
    identifier.type?.coding?.some((c) => c.code === 'ACSN'),
  )?.value;
  return { id: order.id, status: order.status, kind: kindOf(order.category), accessionNumber: accession, order };
}

/** Reads the order (404 as ORDER_NOT_FOUND). */
export async function readOrder(repository: FhirRepository, ctx: FhirContext, id: string): Promise<ServiceRequest> {
  try {
    return (await repository.read(ctx, 'ServiceRequest', id)) as ServiceRequest;
  } catch (error) {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) throw ordersErrors.notFound(id);
    throw error;
  }
}

/** Lab and imaging orders: placing them (with an accession number), their lifecycle, reading them. */
export class OrdersService {
  private readonly now: () => Date;

  constructor(private readonly deps: OrdersServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: CreateOrderInput) {
    const { repository } = this.deps;
    const patient = `Patient/${patientId}`;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        await this.mustExist(inTx, 'patient', patient);
        if (input.encounter) {
          const encounter = await this.mustExist(inTx, 'encounter', input.encounter);
          if ((encounter as { subject?: { reference?: string } }).subject?.reference !== patient) {
            throw ordersErrors.referenceMismatch('encounter', 'the encounter belongs to another patient');
          }
        }
        for (const [index, reference] of (input.reasonReference ?? []).entries()) {
          await this.mustExist(inTx, `reasonReference.${index}`, reference);
        }
        if (input.performer) await this.mustExist(inTx, 'performer', input.performer);
        const order = (await repository.create(
          inTx,
          newServiceRequest(input, patient, actor.reference, this.now().toISOString()),
        )) as ServiceRequest;
        await this.audit(tx, ctx.tenantId, actor, order, 'order-create', `${input.kind} ${order.status}`);
        if (order.status === 'active') await this.placed(tx, ctx.tenantId, order);
        return orderView(order);
      });
    } catch (error) {
      throw fromFhirError(error);
    }
  }

  async list(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    query: { status?: string[] | undefined; kind?: 'lab' | 'imaging' | undefined },
  ) {
    await this.mustExist(ctx, 'patient', `Patient/${patientId}`);
    const params: [string, string][] = [
      ['subject', `Patient/${patientId}`],
      ['_sort', '-authored'],
      ['_count', '200'],
    ];
    if (query.status?.length) params.push(['status', query.status.join(',')]);
    if (query.kind)
      params.push(['category', `${ORDER_CATEGORY[query.kind].system}|${ORDER_CATEGORY[query.kind].code}`]);
    const bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'ServiceRequest', params, handling: 'strict' },
      '',
    );
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      ...actorFields(actor),
      action: 'search',
      outcome: 'success',
      patientId,
      resourceType: 'ServiceRequest',
    });
    return {
      orders: resourcesOf<ServiceRequest>(bundle, 'ServiceRequest').map(orderView),
      truncated: Boolean(bundle.link?.some((link) => link.relation === 'next')),
    };
  }

  /** The order with its reports and their observations. */
  async read(ctx: FhirContext, actor: ClinicalActor, id: string) {
    const order = await readOrder(this.deps.repository, ctx, id);
    const bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'DiagnosticReport',
        params: [
          ['based-on', `ServiceRequest/${id}`],
          ['_include', 'DiagnosticReport:result'],
          ['_sort', '-issued'],
          ['_count', '50'],
        ],
        handling: 'strict',
      },
      '',
    );
    const observations = new Map(
      resourcesOf<Observation>(bundle, 'Observation').map((observation) => [
        `Observation/${observation.id}`,
        observation,
      ]),
    );
    const reports = resourcesOf<DiagnosticReport>(bundle, 'DiagnosticReport').map((report) => ({
      report,
      observations: (report.result ?? []).flatMap((ref) => {
        const found = observations.get(ref.reference ?? '');
        return found ? [found] : [];
      }),
    }));
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      ...actorFields(actor),
      action: 'read',
      outcome: 'success',
      patientId: idOf(order.subject?.reference),
      resourceType: 'ServiceRequest',
      resourceId: id,
    });
    return { ...orderView(order), results: reports };
  }

  /** Moves the order along its lifecycle; refused with the allowed steps when it cannot go there. */
  async transition(ctx: FhirContext, actor: ClinicalActor, id: string, to: OrderStatus, reason?: string) {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        const order = await readOrder(repository, inTx, id);
        const from = order.status;
        if (!canOrderTransition(from, to))
          throw ordersErrors.invalidTransition(from, to, allowedOrderTransitions(from));
        const { resource } = await repository.update(
          inTx,
          'ServiceRequest',
          id,
          withOrderStatus(order, to, this.now().toISOString(), reason),
          { ifMatch: `W/"${order.meta?.versionId}"` },
        );
        const next = resource as ServiceRequest;
        await this.audit(tx, ctx.tenantId, actor, next, 'order-transition', `${from} -> ${to}`);
        if (to === 'active' && from === 'draft') await this.placed(tx, ctx.tenantId, next);
        if (to === 'revoked' || to === 'entered-in-error') {
          await this.deps.events.publish(tx, ctx.tenantId, {
            type: 'order.revoked',
            aggregate: { type: 'ServiceRequest', id },
            data: { orderId: id, patientId: idOf(next.subject?.reference), status: to },
          });
        }
        return orderView(next);
      });
    } catch (error) {
      throw fromFhirError(error);
    }
  }

  private async placed(tx: Queryable, tenantId: string, order: ServiceRequest): Promise<void> {
    await this.deps.events.publish(tx, tenantId, {
      type: 'order.placed',
      aggregate: { type: 'ServiceRequest', id: order.id! },
      data: {
        orderId: order.id,
        patientId: idOf(order.subject?.reference),
        kind: kindOf(order.category),
        code: order.code?.coding?.[0]?.code,
        priority: order.priority,
        accessionNumber: orderView(order).accessionNumber,
      },
    });
  }

  private mustExist(ctx: FhirContext, path: string, reference: string) {
    return readReferenced(this.deps.repository, ctx, reference, () => ordersErrors.referenceNotFound(path, reference));
  }

  private async audit(
    tx: Queryable,
    tenantId: string,
    actor: ClinicalActor,
    order: ServiceRequest,
    action: string,
    detail: string,
  ): Promise<void> {
    await this.deps.audit.append(tx, {
      tenantId,
      ...actorFields(actor),
      action,
      outcome: 'success',
      patientId: idOf(order.subject?.reference),
      resourceType: 'ServiceRequest',
      resourceId: order.id,
      detail,
    });
  }
}
