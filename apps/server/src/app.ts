import { join } from 'node:path';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type Config, publicBaseUrl } from './config';
import { createFhirServices, type FhirServices, loadDefinitions, registerFhirRoutes } from './fhir';
import { registerAccessModule } from './modules/access';
import { type AuditService, auditFhirWrites, loadAuditKey, registerAuditModule } from './modules/audit';
import { registerAuditVerifyRoutes } from './modules/audit/audit.verify-routes';
import { registerBedsModule } from './modules/beds';
import { registerBillingModule } from './modules/billing';
import { registerClinicalListsModule, terminologyValidator } from './modules/clinical-lists';
import { registerEncountersModule } from './modules/encounters';
import { type EventsModule, registerEventsModule } from './modules/events';
import { registerIdentityModule, trackRoutes } from './modules/identity';
import { registerNotesModule } from './modules/notes';
import { registerNotificationsModule } from './modules/notifications';
import { registerOrdersModule, withOrderWriteHooks } from './modules/orders';
import { patientWriteHooks, registerPatientsModule } from './modules/patients';
import { registerSchedulingModule } from './modules/scheduling';
import { registerSmartModule } from './modules/smart';
import { registerSubscriptionsModule } from './modules/subscriptions';
import { registerTerminologyModule } from './modules/terminology';
import { registerVitalsModule } from './modules/vitals';
import { type Broadcast, createBroadcast } from './platform/broadcast';
import type { Database } from './platform/db';
import { deliveryQueueStatus, loadMigrations, migrate } from './platform/db';
import {
  createMetrics,
  registerErrorHandler,
  registerHealthRoutes,
  registerMetricsHooks,
  registerQueueMetrics,
  registerRequestContext,
  requestIdFrom,
} from './platform/http';
import { registerCors } from './platform/http/cors';
import { registerRateLimit } from './platform/http/rate-limit';
import { registerSecurityHeaders } from './platform/http/security-headers';
import { registerVaultProxy } from './platform/http/vault-proxy';
import { registerWebApp } from './platform/http/web-app';
import { newLocalAdminToken, registerLocalAdmin } from './platform/local-admin';
import { createLogger } from './platform/logging';
import { TenantStore } from './platform/tenants';

export interface AppDeps {
  /** An open, migrated database. */
  db: Database;
  /** Clock, replaceable in tests. */
  now?: () => Date;
  /** What every process hears (live updates, Subscription pings); chosen from the config when absent. */
  broadcast?: Broadcast;
}

export interface MeridianApp {
  app: FastifyInstance;
  fhir: FhirServices;
  /** Domain events: publish to the outbox, subscribe durably. */
  events: EventsModule;
  tenants: TenantStore;
  /** The audit trail (tests wait on its background chaining). */
  audit: AuditService;
  /** Secret the local CLI presents to /admin/local routes (written to DATA_DIR/server.json by main). */
  localAdminToken: string;
}

/** The one place Meridian is wired together. It builds; it never listens (main.ts does). */
export async function buildApp(config: Config, deps: AppDeps): Promise<MeridianApp> {
  loadDefinitions();
  const app = Fastify({
    loggerInstance: createLogger(config) as FastifyBaseLogger,
    genReqId: (request) => requestIdFrom(request),
    // Fastify's own request lines would log URLs (which can carry patient data); ours log route patterns.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  });
  app.decorate('routeTable', trackRoutes(app));
  const metrics = createMetrics();
  const tenants = new TenantStore(deps.db);
  await tenants.ensure(config.defaultTenant, config.defaultTenantName);

  // Graceful shutdown: once closing starts, answers to in-flight requests end their keep-alive
  // connections, so close() finishes as soon as the last request is answered.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  registerErrorHandler(app);
  registerRequestContext(app, config);
  app.addHook('preHandler', async (request) => {
    if (request.tenantId !== config.defaultTenant) await tenants.ensure(request.tenantId, `Tenant ${request.tenantId}`);
  });
  await registerSecurityHeaders(app, { tls: publicBaseUrl(config).startsWith('https:') });
  await registerCors(app, { origins: config.corsOrigins, credentials: config.corsAllowCredentials });
  await registerRateLimit(app, {
    perMinute: config.rateLimitPerMinute,
    loginPerMinute: config.rateLimitLoginPerMinute,
    redisUrl: config.redisUrl,
    redisPrefix: config.rateLimitRedisPrefix,
  });
  const audit = await registerAuditModule(app, {
    db: deps.db,
    now: deps.now,
    localAdminToken: () => localAdminToken,
    key: loadAuditKey(config.auditHmacKey, config.dataDir),
    retentionDays: config.auditRetentionDays,
  });
  registerAuditVerifyRoutes(app, audit, deps.now);
  const identity = await registerIdentityModule(app, {
    config,
    db: deps.db,
    audit,
    now: deps.now,
    localAdminToken: () => localAdminToken,
  });
  // Before the FHIR routes and the modules that call the FHIR services: it gives each request its guard.
  const access = registerAccessModule(app, {
    db: deps.db,
    audit,
    breakGlassMinutes: config.breakGlassMinutes,
    now: deps.now,
  });
  registerMetricsHooks(app, metrics);
  if (config.requestLog) {
    app.addHook('onResponse', async (request, reply) => {
      // Route pattern only: URLs and bodies can carry patient data and never reach the logs.
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    });
  }

  // Before the docs plugin registers its routes, so they are marked public as they are added.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Meridian platform API',
        version: '0.1.0',
        description: 'Non-FHIR APIs of Meridian. The FHIR API is described by /fhir/R4/metadata.',
      },
    },
    hideUntagged: true,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  registerHealthRoutes(app, { db: deps.db, metrics });
  const broadcast =
    deps.broadcast ??
    createBroadcast({ natsUrl: config.natsUrl, databaseUrl: config.databaseUrl, engine: deps.db.engine, log: app.log });
  app.addHook('onReady', async () => {
    // Without it this process still serves its own sockets; the transport keeps trying to connect.
    await broadcast.start().catch((error: Error) => {
      app.log.warn({ err: { message: error.message }, transport: broadcast.transport }, 'broadcast not connected yet');
    });
  });
  app.addHook('onClose', async () => {
    if (!deps.broadcast) await broadcast.close();
  });
  // Before the modules that publish domain events: each receives it as its `events` publisher.
  const events = registerEventsModule(app, {
    db: deps.db,
    audit,
    now: deps.now,
    dispatch: config.eventsDispatch,
    pollMs: config.eventsPollMs,
    maxAttempts: config.eventsMaxAttempts,
    retryBaseMs: config.eventsRetryBaseMs,
    databaseUrl: config.databaseUrl,
    natsUrl: config.natsUrl,
    retentionDays: config.eventsRetentionDays,
  });
  registerQueueMetrics(metrics.registry, async () => {
    const now = deps.now?.() ?? new Date();
    const [eventsStatus, deliveries] = await Promise.all([
      events.status(),
      deps.db.asOwner((owner) => deliveryQueueStatus(owner, now)),
    ]);
    return {
      events: eventsStatus,
      deliveries,
      broadcast: { transport: broadcast.transport, connected: broadcast.connected },
    };
  });
  const fhir = createFhirServices({
    db: deps.db,
    exportDir: config.exportDir ?? join(config.dataDir, 'exports'),
    ...(deps.now ? { now: deps.now } : {}),
    hooks: withOrderWriteHooks(patientWriteHooks(), deps.now),
  });
  registerPatientsModule(app, { db: deps.db, fhir, audit, now: deps.now });
  // Every FHIR write stages its audit record inside its own transaction.
  auditFhirWrites(fhir.repository, audit);
  // patient.registered and encounter.finished, in the write's own transaction.
  events.watch(fhir.repository);
  // Consent and care-team changes reach the access layer's shared facts at once.
  access.watch(fhir.repository);
  registerFhirRoutes(app, fhir, publicBaseUrl(config));
  await registerSmartModule(app, { config, db: deps.db, audit, identity, fhir, now: deps.now });
  const encounters = registerEncountersModule(app, { fhir, audit, now: deps.now });
  registerNotesModule(app, { fhir, audit, now: deps.now });
  registerVitalsModule(app, { fhir, audit, now: deps.now });
  registerOrdersModule(app, { fhir, audit, events, now: deps.now });
  registerNotificationsModule(app, { config, db: deps.db, fhir, audit, events, access, now: deps.now });
  await registerSubscriptionsModule(app, { config, db: deps.db, fhir, events, broadcast, now: deps.now });
  const terminology = await registerTerminologyModule(app, {
    db: deps.db,
    fhir,
    localAdminToken: () => localAdminToken,
  });
  registerClinicalListsModule(app, { fhir, audit, validateCode: terminologyValidator(terminology), now: deps.now });
  registerSchedulingModule(app, { db: deps.db, fhir, audit, encounters, events, now: deps.now });
  registerBedsModule(app, { fhir, audit, events, now: deps.now });
  registerBillingModule(app, { db: deps.db, fhir, audit, events, now: deps.now });
  await registerVaultProxy(app, { vaultAddr: config.vaultAddr });
  await registerWebApp(app);

  const localAdminToken = newLocalAdminToken();
  registerLocalAdmin(
    app,
    () => localAdminToken,
    (admin) => {
      admin.post('/migrate', { config: { access: 'local-admin' } }, async () => {
        const migrations = loadMigrations();
        const report = await migrate(deps.db, migrations);
        return {
          engine: deps.db.engine,
          current: report.current,
          latest: migrations.length,
          applied: report.applied.map(({ version, name }) => ({ version, name })),
        };
      });
    },
  );

  return { app, fhir, events, tenants, audit, localAdminToken };
}
