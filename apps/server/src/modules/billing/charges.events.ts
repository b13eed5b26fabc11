import type { ChargeItemDefinition } from '@medplum/fhirtypes';
import type { BillingCaller } from './billing.context';
import type { CatalogService } from './catalog';
import type { ChargesService } from './charges';

/** What the billing module needs of the event bus (modules/events). */
export interface EventSubscriber {
  subscribe(
    name: string,
    types: string[],
    handler: (event: { type: string; data: Record<string, unknown> }, tenantId: string) => Promise<void>,
  ): void;
}

/**
 * A booked appointment gets a provisional charge for its visit type (the catalog entry whose code is the
 * visit type's code); a cancelled or missed one has it voided. Delivery is at least once: a second
 * delivery finds the charge already there (or already voided) and does nothing.
 */
export function subscribeToAppointments(
  events: EventSubscriber,
  catalog: CatalogService,
  charges: ChargesService,
  now: () => Date,
): void {
  events.subscribe(
    'billing-provisional-charges',
    ['appointment.booked', 'appointment.cancelled', 'appointment.no-show'],
    async (event, tenantId) => {
      const appointment = typeof event.data.appointment === 'string' ? event.data.appointment : undefined;
      const patient = typeof event.data.patient === 'string' ? event.data.patient : undefined;
      if (!appointment) return;
      const system: BillingCaller = { ctx: { tenantId }, actor: {} };
      const existing = await charges.forAppointment(system.ctx, appointment);
      if (event.type === 'appointment.booked') {
        const visitType = typeof event.data.visitType === 'string' ? event.data.visitType : undefined;
        if (existing.length || !visitType || !patient) return;
        const start = typeof event.data.start === 'string' ? event.data.start : now().toISOString();
        const definition = (await catalog.list(system.ctx, { code: visitType })).find(
          (entry: ChargeItemDefinition) => entry.status === 'active',
        );
        if (!definition?.id) return;
        await charges.create(
          system,
          {
            patient: patient.startsWith('Patient/') ? patient : `Patient/${patient}`,
            service: definition.id,
            quantity: 1,
            diagnoses: [],
            modifiers: [],
            occurrence: start,
            priceList: 'self-pay',
            provisional: true,
          },
          { appointment },
        );
        return;
      }
      for (const charge of existing) {
        if (charge.status === 'planned') await charges.void(system, charge.id!, `appointment ${event.type.slice(12)}`);
      }
    },
  );
}
