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
