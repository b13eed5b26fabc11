import type { OperationDefinition, Resource } from '@medplum/fhirtypes';
import type { FhirContext } from '../core/repository';
import type { FhirServices } from '../fhir-services';

export type OperationLevel = 'system' | 'type' | 'instance';

export interface OperationInput {
  ctx: FhirContext;
  services: FhirServices;
  level: OperationLevel;
  resourceType?: string;
  id?: string;
  method: 'GET' | 'POST';
  /** Query parameters, in order. */
  query: [string, string][];
  /** The parsed request body (usually a Parameters resource), for POST. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The FHIR base URL as the client sees it, e.g. http://localhost:8080/fhir/R4. */
  baseUrl: string;
}

export interface OperationResult {
  status?: number;
  resource?: Resource;
  headers?: Record<string, string>;
  /** A non-FHIR body (e.g. ndjson), with its content type. */
  raw?: { contentType: string; body: string | NodeJS.ReadableStream };
}

export interface FhirOperation {
  /** Without the `$`. */
  name: string;
  levels: OperationLevel[];
  /** For type and instance levels: the types it applies to; omitted means every type. */
  resourceTypes?: string[];
  methods: ('GET' | 'POST')[];
  /** Canonical URL of its OperationDefinition, for the CapabilityStatement. */
  definition: string;
  /** Whether it only reads (then GET is allowed). */
  affectsState: boolean;
  handle(input: OperationInput): Promise<OperationResult>;
  /** Optional OperationDefinition to publish. */
  operationDefinition?: OperationDefinition;
}

/** What a route handler gets: like an operation's input, with the path's named parameters. */
export interface OperationRouteInput {
  ctx: FhirContext;
  services: FhirServices;
  params: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
  baseUrl: string;
}

/**
 * A plain route an operation needs beside its `$name` entry point, e.g. the status and file URLs of an
 * asynchronous bulk export. Served under the FHIR base with the same access rule as the FHIR API.
 */
export interface OperationRoute {
  method: 'GET' | 'DELETE';
  /** Relative to the FHIR base, Fastify syntax: `$export-status/:jobId`. */
  path: string;
  handle(input: OperationRouteInput): Promise<OperationResult>;
}

/** Where background work reports failures it cannot hand to a caller. Never given patient data. */
export interface BackgroundLog {
  error(details: Record<string, unknown>, message: string): void;
}

/** Work an operation runs in the background of the process, started when the server is ready and stopped on close. */
export interface BackgroundWork {
  start(log?: BackgroundLog): Promise<void>;
  stop(): Promise<void>;
}

/** The operations this server offers. Each lives in its own file under fhir/operations/ and is registered in app wiring. */
export class OperationRegistry {
  private readonly operations = new Map<string, FhirOperation>();
  private readonly extraRoutes: OperationRoute[] = [];
  private readonly workers: BackgroundWork[] = [];

  register(operation: FhirOperation): this {
    if (this.operations.has(operation.name)) throw new Error(`Operation $${operation.name} registered twice`);
    this.operations.set(operation.name, operation);
    return this;
  }

  find(name: string, level: OperationLevel, resourceType?: string): FhirOperation | undefined {
    const operation = this.operations.get(name);
    if (!operation?.levels.includes(level)) return undefined;
    if (level !== 'system' && operation.resourceTypes && !operation.resourceTypes.includes(resourceType ?? '')) {
      return undefined;
    }
    return operation;
  }

  all(): FhirOperation[] {
    return [...this.operations.values()];
  }

  addRoute(route: OperationRoute): this {
    this.extraRoutes.push(route);
    return this;
  }

  routes(): OperationRoute[] {
    return [...this.extraRoutes];
  }

  addBackground(work: BackgroundWork): this {
    this.workers.push(work);
    return this;
  }

  async startBackground(log?: BackgroundLog): Promise<void> {
    for (const work of this.workers) await work.start(log);
  }

  async stopBackground(): Promise<void> {
    for (const work of this.workers) await work.stop();
  }
}
