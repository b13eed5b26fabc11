import type { Core } from '../core/core.js';
import type { Backend } from '../core/types.js';
import { auditRoutes } from './audit.js';
import { capabilityRoutes } from './capabilities.js';
import { miscRoutes } from './misc.js';
import { mountRoutes } from './mounts.js';
import { namespaceRoutes } from './namespaces.js';
import { policyRoutes } from './policies.js';
import { wrappingRoutes } from './wrapping.js';

/** The sys/ backend (the status endpoints are served before the seal check, in seal.ts). */
export function sysBackend(core: Core): Backend {
  return {
    routes: [
      ...mountRoutes(core, 'secret'),
      ...mountRoutes(core, 'auth'),
      ...policyRoutes(core),
      ...capabilityRoutes(core),
      ...auditRoutes(core),
      ...wrappingRoutes(core),
      ...namespaceRoutes(core),
      ...miscRoutes(core),
    ],
  };
}
