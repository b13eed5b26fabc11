import type { FastifyInstance } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import { VITAL_SIGNS } from './vitals.catalog';
import { parseVitalsInput, patientId, recordVitalsBody, trendQuery } from './vitals.schemas';
import type { VitalsService } from './vitals.service';

/** fhirUser types an Observation may name as performer. */
const PERFORMER_TYPES = /^(Practitioner|PractitionerRole|Patient|RelatedPerson)\//;

const TAGS = ['vitals'];
type WithPatient = { Params: { id: string } };

export function registerVitalsRoutes(app: FastifyInstance, service: VitalsService): void {
  const config = { access: 'fhir' };

  app.get(
    '/vitals/types',
    { config, schema: { tags: TAGS, summary: 'Vital signs Meridian records: LOINC code, canonical unit, limits' } },
    async () =>
      VITAL_SIGNS.map(({ type, code, display, unit, limits, profile, components }) => ({
        type,
        code,
        display,
        unit,
        limits,
        profile,
        ...(components ? { components } : {}),
      })),
  );

  app.post<WithPatient>(
    '/patients/:id/vitals',
    {
      config,
      schema: { tags: TAGS, summary: 'Record a set of vital signs (any UCUM unit; stored in canonical units)' },
    },
    async (request, reply) => {
      const patient = parseVitalsInput(patientId, request.params.id);
      const input = parseVitalsInput(recordVitalsBody, request.body);
      const result = await service.record(
        fhirContextOf(request),
        clinicalActorOf(request, PERFORMER_TYPES),
        patient,
        input,
      );
      return reply.code(201).send(result);
    },
  );

  app.get<WithPatient>(
    '/patients/:id/vitals/trends',
    {
      config,
      schema: { tags: TAGS, summary: 'A vital sign over time (code, from, to), in its canonical unit' },
    },
    async (request) => {
      const patient = parseVitalsInput(patientId, request.params.id);
      const query = parseVitalsInput(trendQuery, request.query);
      return service.trend(fhirContextOf(request), clinicalActorOf(request, PERFORMER_TYPES), patient, query);
    },
  );
}
