import { addressAllowed } from '../auth/cidr.js';
import { issueLoginToken } from '../auth/issue.js';
import { authBlock } from '../auth/token-format.js';
import type { Core } from '../core/core.js';
import { parseDuration } from '../core/durations.js';
import { uuid } from '../core/ids.js';
import type { Resolved } from '../core/mounts.js';
import { NamespaceStore, normaliseNamespace } from '../core/namespaces.js';
import type { Namespace, Operation, Request, Response, Route, TokenEntry } from '../core/types.js';
import { STATUS_PATHS, statusEndpoint } from '../sys/seal.js';
import { wrapResponse } from '../sys/wrapping-store.js';
import { envelope, isEmpty, type WrapInfo } from './envelope.js';
import { VaultError } from './errors.js';

export interface HttpInput {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
  remoteAddr: string;
}

export interface HttpOutput {
  status: number;
  body?: unknown;
}

const NAMESPACE_RESERVED = new Set(['sys', 'auth', 'cubbyhole', 'identity']);

function operationFor(method: string, query: Record<string, string>): Operation {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return query.list === 'true' || query.list === '1' ? 'list' : 'read';
    case 'POST':
    case 'PUT':
      return 'update';
    case 'DELETE':
      return 'delete';
    case 'PATCH':
      return 'patch';
    case 'LIST':
      return 'list';
    default:
      throw VaultError.unsupportedOperation();
  }
}

function clientToken(headers: Record<string, string | undefined>): string {
  const direct = headers['x-vault-token'];
  if (direct) return direct.trim();
  const authz = headers.authorization;
  if (authz && /^bearer\s+/i.test(authz)) return authz.replace(/^bearer\s+/i, '').trim();
  return '';
}

/** Resolves the namespace from the X-Vault-Namespace header plus any leading namespace segments of the path. */
function resolveNamespace(core: Core, header: string | undefined, path: string): { ns: Namespace; path: string } {
  const { namespaces } = core.services;
  let ns = namespaces.byFullPath(header ?? '');
  if (!ns) throw new VaultError(404, [`namespace not found: "${normaliseNamespace(header ?? '')}"`]);
  let rest = path;
  for (;;) {
    const slash = rest.indexOf('/');
    const segment = slash === -1 ? rest : rest.slice(0, slash);
    if (!segment || NAMESPACE_RESERVED.has(segment)) break;
    const child = namespaces.byFullPath(`${ns.path}${segment}`);
    if (!child) break;
    ns = child;
    rest = slash === -1 ? '' : rest.slice(slash + 1);
  }
  return { ns, path: rest };
}

function matchRoute(resolved: Resolved): { route: Route; params: Record<string, string> } | null {
  for (const route of resolved.backend.routes) {
    const m = route.pattern.exec(resolved.subPath);
    if (m) return { route, params: { ...(m.groups ?? {}) } };
  }
  return null;
}

function sudoRequired(route: Route | undefined, op: Operation): boolean {
  if (!route?.sudo) return false;
  return route.sudo === true || route.sudo.includes(op);
}

function dataOf(body: unknown, query: Record<string, string>, op: Operation): Record<string, unknown> {
  if (body === undefined || body === null || body === '') {
    // GET parameters are request data for reads, as in Vault.
    if (op === 'read' || op === 'list' || op === 'delete') {
      const { list: _list, ...rest } = query;
      return rest;
    }
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body))
    throw VaultError.badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Runs one API request through the whole pipeline: seal check, namespace, token, ACL, audit, handler, wrapping. */
export async function dispatch(core: Core, input: HttpInput): Promise<HttpOutput> {
  const requestId = uuid();
  const rawPath = input.path.replace(/^\/+/, '');
  const status = STATUS_PATHS.has(rawPath)
    ? await statusEndpoint(core, input.method, rawPath, input.query, dataOf(input.body, input.query, 'update'))
    : null;
  if (status) return status;
  if (core.sealed) throw VaultError.sealed();

  let op = operationFor(input.method, input.query);
  const { ns, path: nsPath } = resolveNamespace(core, input.headers['x-vault-namespace'], rawPath);
  let path = nsPath;
  if (op === 'list' && !path.endsWith('/')) path += '/';
  const data = dataOf(input.body, input.query, op);
  const { mounts, tokens, policies, audit } = core.services;

  const resolved = mounts.resolve(ns.id, path);
  const matched = resolved ? matchRoute(resolved) : null;
  const route = matched?.route;
  const tokenId = clientToken(input.headers);

  let token: TokenEntry | null = null;
  if (!route?.unauthenticated) {
    token = tokenId ? await tokens.lookup(tokenId) : null;
    if (!token) throw VaultError.permissionDenied();
    const tokenNs = core.services.namespaces.get(token.namespaceId);
    if (!tokenNs || !NamespaceStore.contains(tokenNs, ns)) throw VaultError.permissionDenied();
    if (!addressAllowed(input.remoteAddr, token.boundCidrs)) throw VaultError.permissionDenied();
  } else if (tokenId) {
    token = await tokens.lookup(tokenId);
  }

  const request: Request = {
    id: requestId,
    operation: op,
    path,
    mountPath: resolved?.mountPath ?? '',
    subPath: resolved?.subPath ?? path,
    params: matched?.params ?? {},
    data,
    query: input.query,
    namespace: ns,
    token,
    clientToken: token ? tokenId : '',
    remoteAddr: input.remoteAddr,
    mount: resolved?.entry ?? null,
    wrapTtl: input.headers['x-vault-wrap-ttl']
      ? parseDuration(input.headers['x-vault-wrap-ttl'], 'X-Vault-Wrap-TTL')
      : 0,
    headers: input.headers,
  };

  if (op === 'update' && route?.existence) {
    op = (await route.existence(request)) ? 'update' : 'create';
    request.operation = op;
  }

  let lastUse = false;
  if (!route?.unauthenticated && token) {
    const tokenNs = core.services.namespaces.get(token.namespaceId) as Namespace;
    const aclPath = ns.path.slice(tokenNs.path.length) + path;
    const acl = await policies.acl(token.namespaceId, token.policies);
    const result = acl.allowed(aclPath, op, data);
    if (!result.allowed || (sudoRequired(route, op) && !result.sudo)) throw VaultError.permissionDenied();
    const minWrap = result.minWrappingTtl ?? 0;
    const maxWrap = result.maxWrappingTtl ?? 0;
    if (minWrap > 0 || maxWrap > 0) {
      if (!request.wrapTtl) throw new VaultError(400, ['request must be wrapped: the policy sets a wrapping TTL']);
      if (minWrap > 0 && request.wrapTtl < minWrap) {
        throw VaultError.badRequest(`wrapping TTL is lower than the minimum allowed (${minWrap}s)`);
      }
      if (maxWrap > 0 && request.wrapTtl > maxWrap) {
        throw VaultError.badRequest(`wrapping TTL is higher than the maximum allowed (${maxWrap}s)`);
      }
    }
    const used = await tokens.use(token);
    if (!used) throw VaultError.permissionDenied();
    request.token = used.entry;
    lastUse = used.last;
  }

  const auditAuth = token ? auditAuthOf(token) : null;
  const auditRequest = {
    id: requestId,
    operation: op,
    mount_type: resolved?.entry.type ?? '',
    mount_accessor: resolved?.entry.accessor ?? '',
    client_token: request.clientToken,
    client_token_accessor: token?.accessor ?? '',
    namespace: { id: ns.id, path: ns.path },
    path: ns.path + path,
    data: Object.keys(data).length ? data : null,
    remote_address: input.remoteAddr,
    ...(request.wrapTtl ? { wrap_ttl: request.wrapTtl } : {}),
  };
  if (audit.enabled) await audit.log({ type: 'request', auth: auditAuth, request: auditRequest }, core.clock.now());

  let output: HttpOutput;
  let after: (() => void) | undefined;
  try {
    if (!resolved) throw VaultError.noHandler(path);
    if (!route) throw VaultError.unsupportedPath();
    const handler =
      route.operations[op] ??
      (op === 'create' ? route.operations.update : op === 'update' ? route.operations.create : undefined);
    if (!handler) throw VaultError.unsupportedOperation();
    const response = (await handler(request)) ?? {};
    after = response.after;
    output = await finish(core, request, response, resolved.entry.type);
  } catch (err) {
    const error = err instanceof VaultError ? err : VaultError.internal();
    if (!(err instanceof VaultError)) reportUnexpected(err);
    if (audit.enabled) {
      await audit.log(
        { type: 'response', auth: auditAuth, request: auditRequest, response: {}, error: error.errors.join('; ') },
        core.clock.now(),
      );
    }
    if (lastUse && token) await tokens.revokeTree(token.id);
    throw error;
  }
  if (audit.enabled) {
    const body = (output.body ?? {}) as Record<string, unknown>;
    const response = {
      mount_type: resolved.entry.type,
      data: body.data ?? (output.body && !('request_id' in body) ? body : null),
      auth: body.auth ?? null,
      wrap_info: body.wrap_info ?? null,
    };
    await audit.log({ type: 'response', auth: auditAuth, request: auditRequest, response }, core.clock.now());
  }
  if (lastUse && token) await tokens.revokeTree(token.id);
  after?.();
  return output;
}

async function finish(core: Core, req: Request, response: Response, mountType: string): Promise<HttpOutput> {
  if (response.raw !== undefined) return { status: response.status ?? 200, body: response.raw };
  let wrappedAccessor: string | undefined;
  if (response.login) {
    const entry = await issueLoginToken(core, req, response.login);
    response.auth = authBlock(entry);
    wrappedAccessor = entry.accessor;
  } else if (response.auth) {
    wrappedAccessor = response.auth.accessor as string | undefined;
  }
  const wrapTtl = response.forceWrapTtl || req.wrapTtl;
  if (wrapTtl > 0 && !isEmpty(response) && response.status === undefined) {
    const inner = envelope(req.id, response, mountType);
    const info: WrapInfo = await wrapResponse(core, req, inner, wrapTtl, wrappedAccessor);
    return { status: 200, body: envelope(req.id, { warnings: response.warnings }, mountType, info) };
  }
  if (isEmpty(response) && response.status === undefined) return { status: 204 };
  return { status: response.status ?? 200, body: envelope(req.id, response, mountType) };
}

function auditAuthOf(token: TokenEntry): Record<string, unknown> {
  return {
    client_token: token.id,
    accessor: token.accessor,
    display_name: token.displayName,
    policies: token.policies,
    token_policies: token.policies,
    metadata: token.meta,
    entity_id: '',
    token_type: 'service',
    token_ttl: token.ttl,
    token_issue_time: new Date(token.creationTime).toISOString(),
  };
}

function reportUnexpected(err: unknown): void {
  // Only the error's name and message: request data never reaches the log.
  const e = err as Error;
  process.stderr.write(`meridian-vault: internal error: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}\n`);
}
