import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import type { Principal } from '../identity';
import type { NotificationsApi } from './notifications.api';
import { notificationsErrors } from './notifications.errors';
import {
  deliveriesQuery,
  inboxQuery,
  notificationId,
  parseInput,
  patientId,
  preferencesBody,
  templateBody,
  templateKey,
} from './notifications.schemas';

const tags = ['notifications'];

function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw notificationsErrors.forbidden('Sign in to read notifications');
  return principal;
}

export function registerNotificationsRoutes(app: FastifyInstance, api: NotificationsApi): void {
  app.get(
    '/notifications',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Your in-app notifications, newest first' } },
    async (request) => {
      const query = parseInput(inboxQuery, request.query);
      return {
        notifications: await api.inbox(principalOf(request), {
          unreadOnly: query.unread === 'true',
          limit: query.limit,
          before: query.before,
        }),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/notifications/:id/read',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Mark one of your notifications read' } },
    async (request, reply) => {
      await api.markRead(principalOf(request), parseInput(notificationId, request.params.id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/notifications/deliveries',
    {
      config: { access: 'tenant-admin' },
      schema: { tags, summary: 'Delivery state of email, SMS and in-app messages (no content)' },
    },
    async (request) => ({
      deliveries: await api.deliveries(request.tenantId, parseInput(deliveriesQuery, request.query)),
    }),
  );

  app.get(
    '/notifications/templates',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Shipped templates, the tenant’s overrides' } },
    async (request) => api.templates(request.tenantId),
  );

  type TemplateParams = { Params: { kind: string; channel: string; language: string } };
  app.put<TemplateParams>(
    '/notifications/templates/:kind/:channel/:language',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Set the tenant’s wording of a template' } },
    async (request, reply) => {
      const key = parseInput(templateKey, request.params);
      await api.putTemplate(principalOf(request), key, parseInput(templateBody, request.body));
      return reply.code(204).send();
    },
  );

  app.delete<TemplateParams>(
    '/notifications/templates/:kind/:channel/:language',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Go back to the shipped wording' } },
    async (request, reply) => {
      await api.deleteTemplate(request.tenantId, parseInput(templateKey, request.params));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/patients/:id/notification-preferences',
    { config: { access: 'fhir' }, schema: { tags, summary: 'Channels a patient accepts messages on' } },
    async (request) => api.preferences(fhirContextOf(request), parseInput(patientId, request.params.id)),
  );

  app.put<{ Params: { id: string } }>(
    '/patients/:id/notification-preferences',
    {
      config: { access: 'fhir' },
      schema: { tags, summary: 'Allow (true) or opt out of (false) a channel, per patient' },
    },
    async (request) =>
      api.setPreferences(
        fhirContextOf(request),
        request.principal,
        parseInput(patientId, request.params.id),
        parseInput(preferencesBody, request.body),
      ),
  );
}
