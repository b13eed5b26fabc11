import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { resourceTypes } from '../core/definitions';
import type { FhirServices } from '../fhir-services';

const VERSION = '0.1.0';

/**
 * What this server does, computed from the code at request time: the resource types from the loaded
 * definitions, the search parameters the search engine supports, and the registered operations.
 */
export function buildCapabilityStatement(services: FhirServices, baseUrl: string): CapabilityStatement {
  const operations = services.operations.all();
  const resources: CapabilityStatementRestResource[] = resourceTypes().map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction: [
      'read',
      'vread',
      'update',
      'patch',
      'delete',
      'history-instance',
      'history-type',
      'create',
      'search-type',
    ].map((code) => ({ code: code as 'read' })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    referencePolicy: ['literal', 'logical'],
    searchInclude: ['*'],
    searchRevInclude: ['*'],
    searchParam: services.search.supportedParameters(type).map((param) => ({
      name: param.name,
      type: param.type as 'string',
      ...(param.definition ? { definition: param.definition } : {}),
    })),
    operation: operations
      .filter(
        (operation) =>
          operation.levels.some((level) => level !== 'system') &&
          (!operation.resourceTypes || operation.resourceTypes.includes(type)),
      )
      .map((operation) => ({ name: operation.name, definition: operation.definition })),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'Meridian',
    kind: 'instance',
    software: { name: 'Meridian', version: VERSION },
    implementation: { description: 'Meridian FHIR R4 server', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        security: smartSecurity(baseUrl),
        resource: resources,
        interaction: [
          { code: 'transaction' },
          { code: 'batch' },
          { code: 'history-system' },
          { code: 'search-system' },
        ],
        operation: operations
          .filter((operation) => operation.levels.includes('system'))
          .map((operation) => ({ name: operation.name, definition: operation.definition })),
      },
    ],
  };
}

/** SMART on FHIR: the OAuth endpoints (also in /.well-known/smart-configuration), as SMART v1 clients read them. */
function smartSecurity(fhirBase: string): NonNullable<NonNullable<CapabilityStatement['rest']>[number]['security']> {
  const oauth = `${fhirBase.replace(/\/fhir\/R4$/, '')}/oauth`;
  const uri = (name: string, url: string) => ({ url: name, valueUri: url });
  return {
    cors: true,
    service: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
      },
    ],
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          uri('authorize', `${oauth}/auth`),
          uri('token', `${oauth}/token`),
          uri('introspect', `${oauth}/token/introspection`),
          uri('revoke', `${oauth}/token/revocation`),
        ],
      },
    ],
  };
}
