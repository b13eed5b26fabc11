import { z } from 'zod';

/**
 * Every setting Meridian reads, declared once: its environment variable, default, description and
 * whether it is sensitive (never logged or echoed). The README's settings table is written from this list.
 */
interface Setting<T extends z.ZodType> {
  env: string;
  schema: T;
  description: string;
  sensitive?: boolean;
}

function setting<T extends z.ZodType>(env: string, schema: T, description: string, sensitive = false): Setting<T> {
  return { env, schema, description, sensitive };
}

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const SETTINGS = {
  host: setting('HOST', z.string().min(1).default('0.0.0.0'), 'Address the HTTP server listens on.'),
  port: setting('PORT', port.default(8080), 'Port the HTTP server listens on.'),
  baseUrl: setting(
    'PUBLIC_BASE_URL',
    z.url().optional(),
    'Public URL of this server, used in FHIR links (Bundle links, Location headers). Defaults to http://localhost:PORT.',
  ),
  dataDir: setting(
    'DATA_DIR',
    z.string().min(1).default('.data'),
    'Folder for the embedded database and exports when DATABASE_URL is not set.',
  ),
  databaseUrl: setting(
    'DATABASE_URL',
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    'PostgreSQL connection URL. When unset, Meridian runs on an embedded PostgreSQL (PGlite) in DATA_DIR.',
    true,
  ),
  databasePoolSize: setting(
    'DATABASE_POOL_SIZE',
    z.coerce.number().int().min(1).max(200).default(10),
    'Connections in the PostgreSQL pool.',
  ),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'Log level of the JSON logs.',
  ),
  defaultTenant: setting(
    'MERIDIAN_DEFAULT_TENANT',
    z.uuid().default('00000000-0000-4000-8000-000000000001'),
    'Tenant that requests without a tenant of their own are scoped to (the development tenant).',
  ),
  defaultTenantName: setting(
    'MERIDIAN_DEFAULT_TENANT_NAME',
    z.string().min(1).default('Development clinic'),
    'Name given to the development tenant when it is first created.',
  ),
  shutdownTimeoutMs: setting(
    'SHUTDOWN_TIMEOUT_MS',
    z.coerce.number().int().min(0).default(10_000),
    'How long a graceful shutdown waits for in-flight requests before closing anyway.',
  ),
  bodyLimitBytes: setting(
    'BODY_LIMIT_BYTES',
    z.coerce
      .number()
      .int()
      .min(1024)
      .default(50 * 1024 * 1024),
    'Largest request body accepted (transaction bundles can be large).',
  ),
  exportDir: setting(
    'EXPORT_DIR',
    z.string().optional(),
    'Folder for bulk export files. Defaults to DATA_DIR/exports.',
  ),
  tenantHeader: setting(
    'MERIDIAN_TENANT_HEADER',
    bool.default(false),
    'Let the X-Meridian-Tenant header choose the tenant (development and tests only, until sign-in exists).',
  ),
  requestLog: setting('REQUEST_LOG', bool.default(true), 'Log one line per request (method, route, status, time).'),
  authRequired: setting(
    'AUTH_REQUIRED',
    bool.default(true),
    'Require a signed-in caller (bearer token or session cookie) on the FHIR API; the tenant then comes from the token.',
  ),
  breakGlassMinutes: setting(
    'BREAK_GLASS_MINUTES',
    z.coerce.number().int().min(1).max(1440).default(60),
    'How long a break-the-glass grant lets a user see a patient despite care-team and Consent restrictions.',
  ),
  accessTokenTtlSeconds: setting(
    'ACCESS_TOKEN_TTL_SECONDS',
    z.coerce.number().int().min(30).max(3600).default(300),
    'Lifetime of access tokens (signed JWTs).',
  ),
  refreshTokenTtlSeconds: setting(
    'REFRESH_TOKEN_TTL_SECONDS',
    z.coerce
      .number()
      .int()
      .min(300)
      .default(30 * 24 * 3600),
    'Lifetime of a sign-in session: its refresh tokens stop working after this, rotation or not.',
  ),
  authSessionCacheMs: setting(
    'AUTH_SESSION_CACHE_MS',
    z.coerce.number().int().min(0).max(60_000).default(2000),
    'How long a server remembers that a session is still valid; revocations on another server take effect within this.',
  ),
  signingKeyRotationDays: setting(
    'SIGNING_KEY_ROTATION_DAYS',
    z.coerce.number().int().min(1).default(30),
    'Age at which the token signing key is replaced at boot; older keys keep verifying until their tokens expire.',
  ),
  secretsEncryptionKey: setting(
    'SECRETS_ENCRYPTION_KEY',
    z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?$/, 'must be 32 random bytes in base64')
      .optional(),
    'Key (32 bytes, base64) that seals token signing keys and TOTP secrets in the database. Unset: they are stored readable by the schema owner only.',
    true,
  ),
  passwordMinLength: setting(
    'PASSWORD_MIN_LENGTH',
    z.coerce.number().int().min(8).max(128).default(12),
    'Shortest password accepted.',
  ),
  loginMaxFailures: setting(
    'LOGIN_MAX_FAILURES',
    z.coerce.number().int().min(1).default(5),
    'Failed sign-ins in a row after which an account is locked for a while.',
  ),
  loginLockoutSeconds: setting(
    'LOGIN_LOCKOUT_SECONDS',
    z.coerce.number().int().min(1).default(60),
    'Length of the first lockout; each further failure doubles it, up to an hour.',
  ),
  vaultAddr: setting(
    'VAULT_ADDR',
    z.url().default('http://127.0.0.1:8200'),
    'Address of Meridian Vault; the server forwards /vault/v1/* there so the web app reaches the vault on its own origin.',
  ),
  bootstrapAdmin: setting(
    'BOOTSTRAP_ADMIN',
    bool.default(true),
    'On first start (no users yet) create a super admin in the default tenant and print its one-time password.',
  ),
  bootstrapAdminEmail: setting(
    'BOOTSTRAP_ADMIN_EMAIL',
    z.string().min(3).default('admin@meridian.local'),
    'Sign-in name of the super admin created on first start.',
  ),
  auditHmacKey: setting(
    'AUDIT_HMAC_KEY',
    z.string().min(32, 'must be at least 32 characters (e.g. 32 random bytes in base64)').optional(),
    'Key of the audit chain (HMAC-SHA-256), so database rights alone cannot recompute it. Production should supply it (e.g. from Meridian Vault) and share it across servers. Unset: generated once into DATA_DIR/audit-hmac.key (mode 0600).',
    true,
  ),
  auditRetentionDays: setting(
    'AUDIT_RETENTION_DAYS',
    z.coerce.number().int().min(1).default(2555),
    'Days an audit record is kept; a daily purge removes older ones and leaves a keyed checkpoint (default 7 years).',
  ),
  rateLimitPerMinute: setting(
    'RATE_LIMIT_PER_MINUTE',
    z.coerce.number().int().min(0).default(600),
    'Requests per minute per signed-in user or service client (per address for anonymous callers); 0 turns rate limits off.',
  ),
  rateLimitLoginPerMinute: setting(
    'RATE_LIMIT_LOGIN_PER_MINUTE',
    z.coerce.number().int().min(1).default(20),
    'Sign-in attempts per minute per address (login, token, two-factor check, OAuth posts).',
  ),
  redisUrl: setting(
    'REDIS_URL',
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    'Redis for rate-limit counters shared by every server. Unset: counters live in each process.',
    true,
  ),
  rateLimitRedisPrefix: setting(
    'RATE_LIMIT_REDIS_PREFIX',
    z.string().min(1).default('meridian:rate-limit:'),
    'Prefix of the rate-limit keys in Redis.',
  ),
  corsOrigins: setting(
    'CORS_ORIGINS',
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(z.string().regex(/^https?:\/\/[^/\s*]+$/, 'each origin must be scheme://host[:port], no paths or *')),
      ),
    'Comma-separated browser origins allowed to call the API cross-origin (e.g. a SMART app). Unset: none.',
  ),
  corsAllowCredentials: setting(
    'CORS_ALLOW_CREDENTIALS',
    bool.default(false),
    'Let the CORS origins send cookies; apps using bearer tokens do not need it.',
  ),
  natsUrl: setting(
    'NATS_URL',
    z
      .string()
      .regex(/^(nats|tls):\/\//, 'must be a nats:// or tls:// URL')
      .optional(),
    'NATS server with JetStream; each domain event is also published to the MERIDIAN_EVENTS stream. Unset: off.',
    true,
  ),
  eventsDispatch: setting(
    'EVENTS_DISPATCH',
    bool.default(true),
    'Deliver domain events from the outbox to their subscribers in this process (false: only write them).',
  ),
  eventsPollMs: setting(
    'EVENTS_POLL_MS',
    z.coerce.number().int().min(10).default(500),
    'How soon the event dispatcher looks again at a tenant with deliveries in progress (idle tenants: every 5 s; commits wake it).',
  ),
  eventsMaxAttempts: setting(
    'EVENTS_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).default(8),
    'Deliveries of an event to a subscriber before it becomes a dead letter.',
  ),
  eventsRetryBaseMs: setting(
    'EVENTS_RETRY_BASE_MS',
    z.coerce.number().int().min(1).default(1000),
    'First retry delay of a failed delivery; each further attempt doubles it, up to 5 minutes.',
  ),
  eventsRetentionDays: setting(
    'EVENTS_RETENTION_DAYS',
    z.coerce.number().int().min(0).default(30),
    'Days delivered domain events are kept in the outbox; a daily purge removes older ones (0: keep them).',
  ),
  smartLaunchTtlSeconds: setting(
    'SMART_LAUNCH_TTL_SECONDS',
    z.coerce.number().int().min(30).max(3600).default(300),
    'How long an EHR launch id (POST /smart/launch) can be used to start an app.',
  ),
  oidcIssuerUrl: setting(
    'OIDC_ISSUER_URL',
    z.url().optional(),
    'Issuer of an external OpenID Connect provider (Keycloak, Auth0, Entra ID) users may sign in with; found by discovery. Unset: off.',
  ),
  oidcClientId: setting(
    'OIDC_CLIENT_ID',
    z.string().min(1).optional(),
    'Client id Meridian has at the external provider.',
  ),
  oidcClientSecret: setting(
    'OIDC_CLIENT_SECRET',
    z.string().min(1).optional(),
    'Client secret Meridian has at the external provider.',
    true,
  ),
  oidcRoleClaim: setting(
    'OIDC_ROLE_CLAIM',
    z.string().min(1).default('roles'),
    'Claim of the external provider that carries roles or groups (a dotted path such as realm_access.roles works).',
  ),
  oidcRoleMap: setting(
    'OIDC_ROLE_MAP',
    z.string().default(''),
    'How claim values become Meridian roles: `value=role` pairs separated by commas (e.g. `doctors=physician,it-admins=tenant_admin`). A user with no mapped role is refused.',
  ),
  oidcProviderName: setting(
    'OIDC_PROVIDER_NAME',
    z.string().min(1).default('your organization'),
    'Name shown on the sign-in button of the external provider.',
  ),
  smtpUrl: setting(
    'SMTP_URL',
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    'SMTP server for notification emails (smtp://user:pass@host:587, smtps://…). Unset: emails are written as .eml files to DATA_DIR/mailbox.',
    true,
  ),
  mailFrom: setting(
    'MAIL_FROM',
    z.string().min(3).default('Meridian <no-reply@meridian.local>'),
    'Sender of notification emails.',
  ),
  smsProviderUrl: setting(
    'SMS_PROVIDER_URL',
    z.url().optional(),
    'HTTP endpoint of the SMS provider; Meridian POSTs {to, from, body} as JSON. Unset: text messages are written to DATA_DIR/sms-outbox.',
    true,
  ),
  smsProviderToken: setting(
    'SMS_PROVIDER_TOKEN',
    z.string().min(1).optional(),
    'Bearer token sent to the SMS provider.',
    true,
  ),
  smsFrom: setting('SMS_FROM', z.string().min(1).optional(), 'Sender name or number of text messages.'),
  notifyReminderHours: setting(
    'NOTIFY_REMINDER_HOURS',
    z
      .string()
      .default('24')
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map(Number),
      )
      .pipe(
        z.array(
          z
            .number()
            .positive()
            .max(24 * 60),
        ),
      ),
    'Hours before an appointment at which reminders are sent, comma-separated (e.g. 24,2).',
  ),
  notifyTimeZone: setting(
    'NOTIFY_TIME_ZONE',
    z
      .string()
      .default('UTC')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Madrid'),
    'Time zone appointment times are written in when the schedule names none.',
  ),
  notifyMaxAttempts: setting(
    'NOTIFY_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).max(50).default(8),
    'Attempts to send an email or text message before it is marked failed.',
  ),
  notifyRetryBaseSeconds: setting(
    'NOTIFY_RETRY_BASE_SECONDS',
    z.coerce.number().int().min(1).default(30),
    'Delay before the first retry of a failed notification or webhook; each further retry doubles it, up to an hour.',
  ),
  notifyWorkerIntervalMs: setting(
    'NOTIFY_WORKER_INTERVAL_MS',
    z.coerce.number().int().min(0).default(5000),
    'How often due notifications, webhook deliveries and FHIR Subscription notifications are sent (0: not by this process).',
  ),
  webhookTimeoutMs: setting(
    'WEBHOOK_TIMEOUT_MS',
    z.coerce.number().int().min(100).max(60_000).default(10_000),
    'How long a webhook or FHIR rest-hook endpoint has to answer before the attempt counts as failed.',
  ),
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses every setting from the environment at once, so one boot names every bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(SETTINGS)) {
    const raw = env[definition.env];
    const result = (definition.schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (result.success) {
      config[key] = result.data;
    } else {
      const shown = definition.sensitive ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${definition.env}=${shown}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config as Config;
}

/** Config for tests and tools: the defaults with the given overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    logLevel: 'silent',
    requestLog: false,
    // The FHIR suites call the API without tokens; tests that sign in turn these on.
    authRequired: false,
    bootstrapAdmin: false,
    // Suites make many calls from one address; the rate-limit tests turn limits on.
    rateLimitPerMinute: 0,
    // A fixed key instead of a file in DATA_DIR.
    auditHmacKey: 'meridian-test-audit-key-0123456789abcdef',
    ...overrides,
  };
}

export function publicBaseUrl(config: Config): string {
  return (config.baseUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
}
