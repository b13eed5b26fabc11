import { randomUUID } from 'node:crypto';
import type { Config } from '../../config';
import type { Database } from '../../platform/db';
import { identityErrors } from './identity.errors';
import { generatePassword, hashPassword, passwordProblems } from './identity.password';
import type { Role } from './identity.schemas';
import * as store from './identity.store';

export interface AccountServiceDeps {
  db: Database;
  config: Config;
}

/** Tenants, users and their memberships, and the password policy new passwords must meet. */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** On first start (no users at all), a super admin for the default tenant with a one-time password. */
  async bootstrap(): Promise<{ email: string; password: string } | undefined> {
    const users = await this.deps.db.asOwner((db) => store.countUsers(db));
    if (users > 0) return undefined;
    const created = await this.createUser(
      { tenant: this.deps.config.defaultTenant, email: this.deps.config.bootstrapAdminEmail, role: 'super_admin' },
      { generatedMustChange: true },
    );
    return { email: created.email, password: created.password! };
  }

  async createTenant(input: { name: string; slug?: string | undefined; id?: string | undefined }) {
    const tenant = {
      id: (input.id ?? randomUUID()).toLowerCase(),
      name: input.name,
      slug: input.slug ?? slugify(input.name),
    };
    await this.deps.db.asOwner(async (db) => {
      if (await store.findTenant(db, tenant.id)) throw identityErrors.tenantExists('id');
      if (tenant.slug && (await store.findTenant(db, tenant.slug))) throw identityErrors.tenantExists('slug');
      if (!(await store.insertTenant(db, tenant))) throw identityErrors.tenantExists('id or slug');
    });
    return tenant;
  }

  async resolveTenant(idOrSlug: string): Promise<store.TenantRow> {
    const tenant = await this.deps.db.asOwner((db) => store.findTenant(db, idOrSlug));
    if (!tenant) throw identityErrors.tenantNotFound(idOrSlug);
    return tenant;
  }

  /**
   * Creates a user with a role in a tenant, or gives an existing user (same email) that role. Without a
   * password one is generated, returned once, and must be changed at first sign-in.
   */
  async createUser(
    input: {
      tenant: string;
      email: string;
      role: Role;
      name?: string | undefined;
      password?: string | undefined;
      fhirUser?: string | undefined;
    },
    options: { generatedMustChange?: boolean } = {},
  ): Promise<{ id: string; email: string; tenantId: string; role: Role; password?: string; existing: boolean }> {
    const tenant = await this.resolveTenant(input.tenant);
    if (input.password !== undefined) this.checkPassword(input.password, input.email);
    const password = input.password ?? generatePassword();
    const passwordHash = await hashPassword(password);
    return this.deps.db.asOwner(async (db) => {
      const existing = await store.findUserByEmail(db, input.email);
      if (existing) {
        if (input.password !== undefined) throw identityErrors.userExists();
        await store.insertMembership(db, tenant.id, existing.id, input.role, input.fhirUser);
        return { id: existing.id, email: existing.email, tenantId: tenant.id, role: input.role, existing: true };
      }
      const id = randomUUID();
      const inserted = await store.insertUser(db, {
        id,
        email: input.email,
        displayName: input.name ?? input.email,
        passwordHash,
        mustChangePassword: input.password === undefined && (options.generatedMustChange ?? true),
      });
      if (!inserted) throw identityErrors.userExists();
      await store.insertMembership(db, tenant.id, id, input.role, input.fhirUser);
      return {
        id,
        email: input.email,
        tenantId: tenant.id,
        role: input.role,
        ...(input.password === undefined ? { password } : {}),
        existing: false,
      };
    });
  }

  checkPassword(password: string, email?: string): void {
    const problems = passwordProblems(password, { minLength: this.deps.config.passwordMinLength }, { email });
    if (problems.length) throw identityErrors.weakPassword(problems);
  }
}

function slugify(name: string): string | null {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug || null;
}
