import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { conditionalCreate, conditionalDelete, conditionalUpdate } from '../bundle';
import { fhirErrors } from '../core/outcome';
import type { FhirServices } from '../fhir-services';
import type { OperationLevel, OperationResult } from '../operations/operation-registry';
import { shapeStored } from '../search';
import { buildCapabilityStatement } from './capability';
import { fhirContextOf } from './fhir-context';
import {
  checkAcceptable,
  FHIR_JSON,
  handlingPreference,
  returnPreference,
  sendWritten,
  versionHeaders,
} from './fhir-reply';
import { historyBundle, parseHistoryParams } from './history';

export const FHIR_BASE_PATH = '/fhir/R4';

/** Operations only a policy that names them grants (no falling back to read access of the type). */
const GRANTED_BY_NAME = new Set(['everything', 'export']);

interface Params {
  type?: string;
  id?: string;
  vid?: string;
  op?: string;
}

function queryPairs(request: FastifyRequest): [string, string][] {
  const index = request.url.indexOf('?');
  if (index < 0) return [];
  return [...new URLSearchParams(request.url.slice(index + 1)).entries()];
}

function formPairs(request: FastifyRequest): [string, string][] {
  const body = request.body;
  if (typeof body === 'string') return [...new URLSearchParams(body).entries()];
  return [];
}

function sendOperationResult(reply: FastifyReply, result: OperationResult) {
  for (const [key, value] of Object.entries(result.headers ?? {})) reply.header(key, value);
  reply.code(result.status ?? 200);
  if (result.raw) return reply.type(result.raw.contentType).send(result.raw.body);
  if (result.resource) return reply.type(FHIR_JSON).send(result.resource);
  return reply.send();
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The FHIR REST API, a thin adapter: it parses the HTTP request, calls the FHIR services with the
 * request's tenant, and writes their answer back. No storage or search logic lives here.
 */
export function registerFhirRoutes(app: FastifyInstance, services: FhirServices, publicBase: string): void {
  const baseUrl = `${publicBase}${FHIR_BASE_PATH}`;
  const { repository } = services;
  app.addHook('onReady', async () => services.operations.startBackground(app.log));
  app.addHook('onClose', async () => services.operations.stopBackground());
  const ctxOf = fhirContextOf;
  const access = { access: 'fhir' };

  app.register(
    async (fhir) => {
      for (const type of ['application/fhir+json', 'application/json', 'application/json-patch+json']) {
        fhir.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => {
          try {
            done(null, body === '' ? undefined : JSON.parse(body as string));
          } catch (error) {
            done(fhirErrors.invalid(`The body is not valid JSON: ${(error as Error).message}`), undefined);
          }
        });
      }
      fhir.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
        done(null, body),
      );
      fhir.addContentTypeParser('*', { parseAs: 'string' }, (request, _body, done) =>
        done(fhirErrors.unsupportedMediaType(String(request.headers['content-type'])), undefined),
      );
      fhir.addHook('onRequest', async (request) => checkAcceptable(request));

      const operation = async (
        request: FastifyRequest,
        reply: FastifyReply,
        level: OperationLevel,
        name: string,
        resourceType?: string,
        id?: string,
      ) => {
        if (resourceType) repository.checkType(resourceType);
        const found = services.operations.find(name, level, resourceType);
        if (!found) throw fhirErrors.notSupported(`Operation $${name} is not supported at the ${level} level here`);
        const method = request.method as 'GET' | 'POST';
        if (!found.methods.includes(method)) throw fhirErrors.methodNotAllowed(`$${name} does not accept ${method}`);
        const ctx = ctxOf(request);
        const fallback = GRANTED_BY_NAME.has(name) ? undefined : found.affectsState ? 'update' : 'read';
        await repository.authorizeOperation(ctx, name, resourceType ?? 'System', fallback);
        const result = await found.handle({
          ctx,
          services,
          level,
          ...(resourceType ? { resourceType } : {}),
          ...(id ? { id } : {}),
          method,
          query: queryPairs(request),
          body: request.body,
          headers: request.headers,
          baseUrl,
        });
        return sendOperationResult(reply, result);
      };

      // Plain routes some operations need beside their $name (e.g. bulk export status and files).
      for (const route of services.operations.routes()) {
        fhir.route({
          method: route.method,
          url: `/${route.path}`,
          config: access,
          handler: async (request, reply) => {
            const result = await route.handle({
              ctx: ctxOf(request),
              services,
              params: request.params as Record<string, string>,
              query: queryPairs(request),
              headers: request.headers,
              baseUrl,
            });
            return sendOperationResult(reply, result);
          },
        });
      }

      const search = async (request: FastifyRequest, reply: FastifyReply, resourceType?: string) => {
        if (resourceType) repository.checkType(resourceType);
        const params = [...queryPairs(request), ...formPairs(request)];
        const bundle = await services.search.search(
          ctxOf(request),
          { ...(resourceType ? { resourceType } : {}), params, handling: handlingPreference(request) },
          baseUrl,
        );
        return reply.type(FHIR_JSON).send(bundle);
      };

      const conditionalParams = (request: FastifyRequest) => {
        const params = queryPairs(request);
        if (!params.length) throw fhirErrors.invalid('A conditional interaction needs search criteria in the URL');
        return params;
      };

      // System level
      fhir.get('/metadata', { config: { access: 'public' } }, async (_request, reply) =>
        reply.type(FHIR_JSON).send(buildCapabilityStatement(services, baseUrl)),
      );
      fhir.get('/', { config: access }, async (request, reply) => search(request, reply));
      fhir.post('/', { config: access }, async (request, reply) => {
        const bundle = await services.bundles.process(ctxOf(request), request.body, baseUrl, {
          prefer: returnPreference(request),
        });
        return reply.type(FHIR_JSON).send(bundle);
      });
      fhir.get('/_history', { config: access }, async (request, reply) => {
        const query = parseHistoryParams(queryPairs(request));
        const versions = await repository.history(ctxOf(request), query);
        return reply.type(FHIR_JSON).send(await historyBundle(versions, query, `${baseUrl}/_history`, baseUrl));
      });

      // Type level (and system-level operations, which share the first path segment)
      fhir.get<{ Params: Params }>('/:type', { config: access }, async (request, reply) => {
        const { type } = request.params as Required<Params>;
        if (type.startsWith('$')) return operation(request, reply, 'system', type.slice(1));
        return search(request, reply, type);
      });
      fhir.post<{ Params: Params }>('/:type', { config: access }, async (request, reply) => {
        const { type } = request.params as Required<Params>;
        if (type.startsWith('$')) return operation(request, reply, 'system', type.slice(1));
        repository.checkType(type);
        const body = request.body as Resource;
        if (body && typeof body === 'object' && body.resourceType && body.resourceType !== type) {
          throw fhirErrors.invalid(
            `resourceType '${body.resourceType}' does not match the URL's '${type}'`,
            'resourceType',
          );
        }
        const ifNoneExist = header(request, 'if-none-exist');
        if (ifNoneExist !== undefined) {
          const criteria = [...new URLSearchParams(ifNoneExist.replace(/^[^?]*\?/, '')).entries()];
          if (!criteria.length) throw fhirErrors.invalid('If-None-Exist needs search criteria');
          const result = await conditionalCreate(services, ctxOf(request), type, body, criteria);
          const { resource } = result;
          const location = `${baseUrl}/${type}/${resource.id}/_history/${resource.meta?.versionId}`;
          return result.created
            ? sendWritten(request, reply, resource, 201, location, `Created ${type}/${resource.id}`)
            : sendWritten(request, reply, resource, 200, undefined, `${type}/${resource.id} already exists`);
        }
        const created = await repository.create(ctxOf(request), body);
        const location = `${baseUrl}/${type}/${created.id}/_history/${created.meta?.versionId}`;
        return sendWritten(request, reply, created, 201, location, `Created ${type}/${created.id}`);
      });
      fhir.put<{ Params: Params }>('/:type', { config: access }, async (request, reply) => {
        const { type } = request.params as Required<Params>;
        repository.checkType(type);
        const ifMatch = header(request, 'if-match');
        const result = await conditionalUpdate(
          services,
          ctxOf(request),
          type,
          conditionalParams(request),
          request.body as Resource,
          ifMatch ? { ifMatch } : {},
        );
        const { resource } = result;
        const location = `${baseUrl}/${type}/${resource.id}/_history/${resource.meta?.versionId}`;
        return sendWritten(
          request,
          reply,
          resource,
          result.created ? 201 : 200,
          location,
          `${result.created ? 'Created' : 'Updated'} ${type}/${resource.id}`,
        );
      });
      fhir.delete<{ Params: Params }>('/:type', { config: access }, async (request, reply) => {
        const { type } = request.params as Required<Params>;
        repository.checkType(type);
        await conditionalDelete(services, ctxOf(request), type, conditionalParams(request));
        return reply.code(204).send();
      });
      fhir.post<{ Params: Params }>('/:type/_search', { config: access }, async (request, reply) =>
        search(request, reply, (request.params as Required<Params>).type),
      );
      fhir.get<{ Params: Params }>('/:type/_history', { config: access }, async (request, reply) => {
        const { type } = request.params as Required<Params>;
        const query = { ...parseHistoryParams(queryPairs(request)), resourceType: type };
        const versions = await repository.history(ctxOf(request), query);
        return reply.type(FHIR_JSON).send(await historyBundle(versions, query, `${baseUrl}/${type}/_history`, baseUrl));
      });

      // Instance level (and type-level operations)
      fhir.get<{ Params: Params }>('/:type/:id', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        if (id.startsWith('$')) return operation(request, reply, 'type', id.slice(1), type);
        const stored = await repository.readRaw(ctxOf(request), type, id);
        versionHeaders(reply, { meta: { versionId: String(stored.versionId), lastUpdated: stored.lastUpdated } });
        return reply.type(FHIR_JSON).send(shapeStored(stored.content ?? '{}', queryPairs(request)));
      });
      fhir.post<{ Params: Params }>('/:type/:id', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        if (id.startsWith('$')) return operation(request, reply, 'type', id.slice(1), type);
        throw fhirErrors.methodNotAllowed(`POST is not allowed on ${type}/${id}; use PUT to update`);
      });
      fhir.put<{ Params: Params }>('/:type/:id', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        const ifMatch = header(request, 'if-match');
        const result = await repository.update(ctxOf(request), type, id, request.body as Resource, {
          ...(ifMatch ? { ifMatch } : {}),
        });
        const location = `${baseUrl}/${type}/${id}/_history/${result.resource.meta?.versionId}`;
        return sendWritten(
          request,
          reply,
          result.resource,
          result.created ? 201 : 200,
          location,
          `Updated ${type}/${id}`,
        );
      });
      fhir.patch<{ Params: Params }>('/:type/:id', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        const contentType = header(request, 'content-type') ?? '';
        if (!contentType.startsWith('application/json-patch+json')) {
          throw fhirErrors.unsupportedMediaType(contentType || '(none)');
        }
        const ifMatch = header(request, 'if-match');
        const patched = await repository.patch(ctxOf(request), type, id, request.body, {
          ...(ifMatch ? { ifMatch } : {}),
        });
        return sendWritten(request, reply, patched, 200, undefined, `Patched ${type}/${id}`);
      });
      fhir.delete<{ Params: Params }>('/:type/:id', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        const ifMatch = header(request, 'if-match');
        await repository.delete(ctxOf(request), type, id, { ...(ifMatch ? { ifMatch } : {}) });
        return reply.code(204).send();
      });
      fhir.get<{ Params: Params }>('/:type/:id/_history', { config: access }, async (request, reply) => {
        const { type, id } = request.params as Required<Params>;
        const query = { ...parseHistoryParams(queryPairs(request)), resourceType: type, id };
        const versions = await repository.history(ctxOf(request), query);
        if (!versions.length && !query.before && !query.since) throw fhirErrors.notFound(type, id);
        return reply
          .type(FHIR_JSON)
          .send(await historyBundle(versions, query, `${baseUrl}/${type}/${id}/_history`, baseUrl));
      });
      fhir.get<{ Params: Params }>('/:type/:id/:op', { config: access }, async (request, reply) => {
        const { type, id, op } = request.params as Required<Params>;
        if (!op.startsWith('$')) throw fhirErrors.notSupported(`Unknown path segment '${op}'`);
        return operation(request, reply, 'instance', op.slice(1), type, id);
      });
      fhir.post<{ Params: Params }>('/:type/:id/:op', { config: access }, async (request, reply) => {
        const { type, id, op } = request.params as Required<Params>;
        if (!op.startsWith('$')) throw fhirErrors.notSupported(`Unknown path segment '${op}'`);
        return operation(request, reply, 'instance', op.slice(1), type, id);
      });
      fhir.get<{ Params: Params }>('/:type/:id/_history/:vid', { config: access }, async (request, reply) => {
        const { type, id, vid } = request.params as Required<Params>;
        const stored = await repository.vread(ctxOf(request), type, id, vid);
        versionHeaders(reply, { meta: { versionId: String(stored.versionId), lastUpdated: stored.lastUpdated } });
        return reply.type(FHIR_JSON).send(stored.content);
      });
    },
    { prefix: FHIR_BASE_PATH },
  );
}
