import type { Subscription } from '@medplum/fhirtypes';
import { fhirClient, type TestApp } from '../../../test/test-app';

/**
 * A websocket-channel Subscription on `criteria`, created and activated through `writer`, and a socket
 * to `$subscription-websocket` on `listener` (the same server, or another one on the same database)
 * whose messages are collected in order. Binding is left to the test.
 */
export async function websocketSubscription(writer: TestApp, listener: TestApp, tenantId: string, criteria: string) {
  const fhir = fhirClient(writer, tenantId);
  const subscription = await fhir.create<Subscription>({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Chart refresh',
    criteria,
    channel: { type: 'websocket' },
  });
  await writer.app.subscriptions.runDue();
  const messages: string[] = [];
  const socket = await listener.app.injectWS('/fhir/R4/$subscription-websocket', {
    headers: { 'x-meridian-tenant': tenantId },
  });
  socket.on('message', (data: Buffer) => messages.push(data.toString()));
  return { fhir, subscription, socket, messages };
}
