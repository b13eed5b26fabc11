import type { StorageView } from '../barrier/barrier.js';
import type { Operation } from '../policy/acl.js';
import type { Clock } from './clock.js';

export type { Operation };

export interface Namespace {
  id: string;
  /** "" for the root namespace, otherwise "a/" or "a/b/". */
  path: string;
  customMetadata: Record<string, string>;
}

export const ROOT_NAMESPACE: Namespace = { id: 'root', path: '', customMetadata: {} };

export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  parent: string;
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  /** 0 unlimited; a positive count of remaining uses; -1 when the last use has been taken. */
  numUses: number;
  creationTime: number;
  /** TTL in seconds set at creation or last renewal (0: never expires). */
  ttl: number;
  creationTtl: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  orphan: boolean;
  /** Expiry in ms since the epoch, 0 when the token never expires. */
  expireTime: number;
  namespaceId: string;
  mountAccessor: string;
  boundCidrs: string[];
  wrapping: boolean;
  lastRenewal: number;
}

export interface MountEntry {
  path: string;
  type: string;
  description: string;
  uuid: string;
  accessor: string;
  config: { default_lease_ttl: number; max_lease_ttl: number; [key: string]: unknown };
  options: Record<string, string>;
  local: boolean;
  seal_wrap: boolean;
  namespaceId: string;
  /** Built-in mounts (sys/, token/, cubbyhole/) cannot be disabled. */
  builtin?: boolean;
}

export interface AuthInfo {
  policies: string[];
  tokenPolicies?: string[];
  metadata?: Record<string, string>;
  displayName: string;
  ttl?: number;
  maxTtl?: number;
  explicitMaxTtl?: number;
  period?: number;
  numUses?: number;
  renewable?: boolean;
  boundCidrs?: string[];
  noDefaultPolicy?: boolean;
}

export interface Request {
  id: string;
  operation: Operation;
  /** Path relative to the request namespace, e.g. "secret/data/foo". */
  path: string;
  mountPath: string;
  /** Path inside the mount. */
  subPath: string;
  params: Record<string, string>;
  data: Record<string, unknown>;
  query: Record<string, string>;
  namespace: Namespace;
  token: TokenEntry | null;
  clientToken: string;
  remoteAddr: string;
  mount: MountEntry | null;
  wrapTtl: number;
  headers: Record<string, string | undefined>;
}

export interface Response {
  status?: number;
  data?: Record<string, unknown> | null;
  /** Login responses: the core creates the token and fills the auth block. */
  login?: AuthInfo;
  auth?: Record<string, unknown>;
  warnings?: string[];
  leaseDuration?: number;
  renewable?: boolean;
  /** Send this JSON body as is, without Vault's envelope. */
  raw?: unknown;
  /** Also copy `data` keys to the top level of the body (Vault does this for many sys endpoints). */
  topLevel?: boolean;
  /** Wrap the response even without a wrap TTL header (seconds). */
  forceWrapTtl?: number;
  /** Runs once the response has been audited (used by sys/seal). */
  after?: () => void;
}

export type Handler = (req: Request) => Promise<Response | null>;

export interface Route {
  pattern: RegExp;
  operations: Partial<Record<Operation, Handler>>;
  /** Tells create from update for ACL checks; without it a write is an update. */
  existence?: (req: Request) => Promise<boolean>;
  unauthenticated?: boolean;
  sudo?: boolean | Operation[];
}

export interface Backend {
  routes: Route[];
}

export interface MountContext {
  entry: MountEntry;
  storage: StorageView;
  clock: Clock;
}
