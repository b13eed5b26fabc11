import { z } from 'zod';

const schema = z.object({
  VAULT_PORT: z.coerce.number().int().min(0).max(65535).default(8200),
  VAULT_HOST: z.string().min(1).default('127.0.0.1'),
  VAULT_STORAGE_PATH: z.string().min(1).default('.data/vault'),
  VAULT_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  VAULT_AUDIT_FILE: z.string().min(1).optional(),
});

export interface VaultConfig {
  port: number;
  host: string;
  storagePath: string;
  databaseUrl?: string;
  auditFile?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the settings once; a bad setting throws an error that names it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): VaultConfig {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.VAULT_PORT,
    host: c.VAULT_HOST,
    storagePath: c.VAULT_STORAGE_PATH,
    ...(c.VAULT_DATABASE_URL ? { databaseUrl: c.VAULT_DATABASE_URL } : {}),
    ...(c.VAULT_AUDIT_FILE ? { auditFile: c.VAULT_AUDIT_FILE } : {}),
  };
}
