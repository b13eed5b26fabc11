import type { Database } from './db';

/** Tenants are platform rows (not tenant-scoped): created by the owner connection, cached once known. */
export class TenantStore {
  private readonly known = new Set<string>();

  constructor(private readonly db: Database) {}

  async ensure(id: string, name: string): Promise<void> {
    if (this.known.has(id)) return;
    await this.db.asOwner((q) =>
      q.query('INSERT INTO tenant (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]),
    );
    this.known.add(id);
  }

  async list(): Promise<{ id: string; name: string; createdAt: string }[]> {
    const result = await this.db.asOwner((q) =>
      q.query<{ id: string; name: string; created_at: string }>(
        'SELECT id, name, created_at FROM tenant ORDER BY created_at',
      ),
    );
    return result.rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }
}
