import type { Database } from './database';

export interface StatisticsKeeperOptions {
  db: Database;
  /** Tables whose planner statistics matter for query plans. */
  tables: string[];
  /** Writes since the last ANALYZE that make a new one worth running. */
  threshold?: number;
  /** How often to check, in milliseconds. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps the query planner's statistics fresh. Search plans depend on them: right after a bulk load, a
 * table whose statistics still say "empty" gets nested-loop plans that are thousands of times slower.
 * PostgreSQL's autovacuum catches up within a minute or so, but the embedded PGlite has no autovacuum at
 * all, so the server counts its own writes and runs ANALYZE in the background when enough have
 * accumulated (and once at start, for data written by an earlier process).
 */
export class StatisticsKeeper {
  private writes = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly threshold: number;

  constructor(private readonly options: StatisticsKeeperOptions) {
    this.threshold = options.threshold ?? 1000;
    if (!options.tables.every((table) => /^[a-z_]+$/.test(table))) throw new Error('Table names must be plain');
  }

  noteWrites(count: number): void {
    this.writes += count;
  }

  start(): void {
    if (this.timer) return;
    this.writes = Math.max(this.writes, this.threshold);
    this.timer = setInterval(() => void this.runIfDue(), this.options.intervalMs ?? 5000);
    this.timer.unref();
    void this.runIfDue();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs ANALYZE now if enough writes happened since the last run; resolves when done. */
  async runIfDue(): Promise<void> {
    if (this.running || this.writes < this.threshold) return this.running;
    this.writes = 0;
    this.running = this.options.db
      .asOwner(async (db) => {
        await db.exec(`ANALYZE ${this.options.tables.join(', ')}`);
      })
      .catch((error) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
