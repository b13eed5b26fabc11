import type { FastifyInstance } from 'fastify';
import { registerLocalAdmin } from '../../platform/local-admin';
import { terminologyErrors } from './terminology.errors';
import { importBody, parseTerminologyInput, searchQuery } from './terminology.schemas';
import type { TerminologyService } from './terminology.service';
import { resolveSystem } from './terminology.systems';

const TAGS = ['terminology'];

/**
 * The web app's type-ahead and the list of loaded code systems (any signed-in member: codes and their
 * names are reference data, not patient data), and the CLI's import.
 */
export function registerTerminologyRoutes(
  app: FastifyInstance,
  service: TerminologyService,
  localAdminToken: () => string | undefined,
): void {
  const config = { access: 'authenticated' };

  app.get(
    '/terminology/search',
    {
      config,
      schema: {
        tags: TAGS,
        summary: 'Type-ahead: codes of a system starting with q, or whose display has words starting with q',
      },
    },
    async (request) => {
      const query = parseTerminologyInput(searchQuery, request.query);
      const system = resolveSystem(query.system);
      const read = { tenantId: request.tenantId };
      const info = await service.system(system, read);
      if (!info) throw terminologyErrors.unknownSystem(system);
      const concepts = query.q ? await service.search(system, query.q, query.limit, read) : [];
      return {
        system,
        version: info.version,
        results: concepts.map((concept) => ({
          code: concept.code,
          display: concept.display,
          ...(concept.abstract ? { abstract: true } : {}),
          ...(concept.inactive ? { inactive: true } : {}),
        })),
      };
    },
  );

  app.get(
    '/terminology/systems',
    { config, schema: { tags: TAGS, summary: 'Code systems loaded on this server: version, source, size' } },
    async (request) => ({ systems: await service.systems({ tenantId: request.tenantId }) }),
  );

  registerLocalAdmin(app, localAdminToken, (admin) => {
    // The CLI sends its bodies as JSON under the FHIR media type.
    admin.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    const local = { config: { access: 'local-admin' } };
    admin.get('/terminology/systems', local, async () => ({ systems: await service.systems() }));
    admin.post('/terminology/import', local, async (request) => {
      const input = parseTerminologyInput(importBody, request.body);
      return service.importRelease(input);
    });
  });
}
