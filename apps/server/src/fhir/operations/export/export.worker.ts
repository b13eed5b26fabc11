import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Group, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { Database } from '../../../platform/db';
import { rowVisible } from '../../core/access';
import { resourceTypes } from '../../core/definitions';
import { FhirError } from '../../core/outcome';
import type { FhirRepository } from '../../core/repository';
import type { BackgroundLog, BackgroundWork } from '../operation-registry';
import { compartmentPatients, patientCompartmentTypes, patientIdOf } from '../patient-compartment';
import {
  claimJob,
  type ExportJob,
  findClaimableJobs,
  finishJob,
  heartbeat,
  releaseJob,
  scanResources,
} from './export-job.store';
import { jobFolder } from './export-paths';

export interface ExportWorkerOptions {
  db: Database;
  repository: FhirRepository;
  exportDir: string;
  /** Resources read per page; memory stays bounded by one page. */
  pageSize?: number;
  /** Resources per output file before a new file is started. */
  fileLimit?: number;
  /** A job whose heartbeat is older than this is taken to be orphaned by a dead process. */
  staleAfterSeconds?: number;
  /** How often to look for orphaned jobs. */
  sweepIntervalMs?: number;
  /** Called with an unexpected failure (a bug, the database gone), besides the log given to start(). */
  onError?: (error: unknown) => void;
}

/** Stops after this many starts, so a job that kills its process cannot loop forever. */
const MAX_ATTEMPTS = 3;

class Interrupted extends Error {}
class Cancelled extends Error {}

/** One output file as stored with the job; its URL is made when the status is read, from the caller's base URL. */
export interface StoredOutput {
  type: string;
  file: string;
  count: number;
}

/**
 * Runs bulk export jobs one at a time in the background of this process. Each job streams resources
 * type by type in keyset pages into ndjson files, recording a heartbeat and progress after every page;
 * a DELETE of the job stops it at the next page. Jobs another process left behind (its heartbeat stopped)
 * or this process let go on shutdown are started again from the beginning.
 */
export class ExportWorker implements BackgroundWork {
  private readonly queue: { tenantId: string; id: string }[] = [];
  private running: Promise<void> | undefined;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly pageSize: number;
  private readonly fileLimit: number;
  private readonly staleAfterSeconds: number;
  private log: BackgroundLog | undefined;

  constructor(private readonly options: ExportWorkerOptions) {
    this.pageSize = options.pageSize ?? 1000;
    this.fileLimit = options.fileLimit ?? 100_000;
    this.staleAfterSeconds = options.staleAfterSeconds ?? 60;
  }

  async start(log?: BackgroundLog): Promise<void> {
    this.log = log;
    this.stopped = false;
    await this.sweep();
    this.timer = setInterval(
      () => {
        this.sweep().catch((error) => this.report(error));
      },
      this.options.sweepIntervalMs ?? (this.staleAfterSeconds * 1000) / 2,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.queue.length = 0;
    await this.running;
  }

  enqueue(tenantId: string, id: string): void {
    if (this.queue.some((job) => job.tenantId === tenantId && job.id === id)) return;
    this.queue.push({ tenantId, id });
    this.kick();
  }

  /** Resolves when nothing is queued or running (tests wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    const jobs = await this.options.db.asOwner((db) => findClaimableJobs(db, this.staleAfterSeconds));
    for (const job of jobs) this.enqueue(job.tenantId, job.id);
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.stopped) {
      const next = this.queue.shift()!;
      try {
        await this.run(next.tenantId, next.id);
      } catch (error) {
        this.report(error, next.id);
      }
    }
  }

  private async run(tenantId: string, id: string): Promise<void> {
    const { db } = this.options;
    const job = await db.transaction(tenantId, (tx) => claimJob(tx, tenantId, id, this.staleAfterSeconds));
    if (!job) return;
    const folder = jobFolder(this.options.exportDir, tenantId, id);
    if (job.attempts > MAX_ATTEMPTS) {
      await rm(folder, { recursive: true, force: true });
      await this.fail(job, `The export was interrupted ${MAX_ATTEMPTS} times and was given up; start a new one`);
      return;
    }
    try {
      // A restarted job begins again: files from an interrupted attempt may end mid-page.
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      const output = await this.export(job, folder);
      const manifest = {
        transactionTime: job.transactionTime,
        request: job.requestUrl,
        requiresAccessToken: true,
        output,
        error: [],
      };
      const finished = await db.transaction(tenantId, (tx) =>
        finishJob(tx, tenantId, id, { status: 'completed', manifest: JSON.stringify(manifest) }),
      );
      if (!finished) await rm(folder, { recursive: true, force: true });
    } catch (error) {
      if (error instanceof Interrupted) {
        await db.transaction(tenantId, (tx) => releaseJob(tx, tenantId, id));
        return;
      }
      await rm(folder, { recursive: true, force: true });
      if (error instanceof Cancelled) return;
      const message = error instanceof FhirError ? error.message : 'The export failed on the server';
      if (!(error instanceof FhirError)) this.report(error, id);
      await this.fail(job, message);
    }
  }

  /** Logs what went wrong by kind only: messages from the database can quote stored values. */
  private report(error: unknown, jobId?: string): void {
    this.options.onError?.(error);
    const failure = error as { name?: string; code?: string };
    this.log?.error({ jobId, error: failure?.name ?? 'Error', code: failure?.code }, 'Bulk export failed');
  }

  private async fail(job: ExportJob, diagnostics: string): Promise<void> {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics }],
    };
    await this.options.db.transaction(job.tenantId, (tx) =>
      finishJob(tx, job.tenantId, job.id, { status: 'failed', error: JSON.stringify(outcome) }),
    );
  }

  private async export(job: ExportJob, folder: string): Promise<StoredOutput[]> {
    const members = job.level === 'group' ? await this.groupMembers(job) : undefined;
    // Every type the level covers: an empty type costs one index probe, cheaper than finding which have data.
    const inScope = job.level === 'system' ? resourceTypes() : patientCompartmentTypes();
    const requested = job.types ? inScope.filter((type) => job.types!.includes(type)) : inScope;
    const access = job.accessScope;
    const types = access ? requested.filter((type) => access[type] !== undefined) : requested;
    const output: StoredOutput[] = [];
    let written = 0;
    for (const [index, type] of types.entries()) {
      const filter = access?.[type];
      const levelBelongs =
        job.level === 'system'
          ? undefined
          : (resource: Resource) => {
              const patients = compartmentPatients(resource);
              if (!members) return patients.size > 0;
              for (const patient of patients) if (members.has(patient)) return true;
              return false;
            };
      const belongs =
        filter && filter.kind !== 'all'
          ? (resource: Resource) => rowVisible(filter, resource) && (!levelBelongs || levelBelongs(resource))
          : levelBelongs;
      const files = await this.exportType(job, folder, type, belongs, (count) =>
        this.beat(job, `${type}: ${count} resources; ${index} of ${types.length} types done, ${written} resources`),
      );
      for (const file of files) {
        written += file.count;
        output.push({ type, file: file.name, count: file.count });
      }
    }
    return output;
  }

  private async exportType(
    job: ExportJob,
    folder: string,
    type: string,
    belongs: ((resource: Resource) => boolean) | undefined,
    progress: (count: number) => Promise<void>,
  ): Promise<{ name: string; count: number }[]> {
    const files: { name: string; count: number }[] = [];
    let current: { name: string; count: number } | undefined;
    let afterId = '';
    let total = 0;
    for (;;) {
      const page = await this.options.db.withTenant(job.tenantId, (tx) =>
        scanResources(tx, job.tenantId, {
          resourceType: type,
          since: job.since,
          until: job.transactionTime,
          afterId,
          limit: this.pageSize,
        }),
      );
      if (!page.length) break;
      afterId = page[page.length - 1]!.id;
      let chunk = '';
      for (const row of page) {
        if (belongs && !belongs(JSON.parse(row.content) as Resource)) continue;
        if (!current || current.count >= this.fileLimit) {
          if (chunk && current) await appendFile(join(folder, current.name), chunk);
          chunk = '';
          current = { name: `${type}-${files.length + 1}.ndjson`, count: 0 };
          files.push(current);
        }
        // Stored content is normally the resource's JSON on one line already; ndjson needs it to be.
        chunk += `${row.content.includes('\n') ? JSON.stringify(JSON.parse(row.content)) : row.content}\n`;
        current.count++;
        total++;
      }
      if (chunk && current) await appendFile(join(folder, current.name), chunk);
      await progress(total);
      if (page.length < this.pageSize) break;
    }
    return files;
  }

  private async beat(job: ExportJob, progress: string): Promise<void> {
    if (this.stopped) throw new Interrupted();
    const alive = await this.options.db.transaction(job.tenantId, (tx) =>
      heartbeat(tx, job.tenantId, job.id, progress),
    );
    if (!alive) throw new Cancelled();
  }

  private async groupMembers(job: ExportJob): Promise<Set<string>> {
    const group = (await this.options.repository.read({ tenantId: job.tenantId }, 'Group', job.groupId!)) as Group;
    const members = new Set<string>();
    for (const member of group.member ?? []) {
      if (member.inactive) continue;
      const id = patientIdOf(member.entity?.reference);
      if (id) members.add(id);
    }
    return members;
  }
}
