export { type BundleProcessOptions, createBundleService } from './bundle-service';
export {
  type ConditionalDeps,
  conditionalCreate,
  conditionalDelete,
  conditionalUpdate,
  normaliseCriteria,
} from './conditional-writes';
export type { ReturnPreference } from './entry-response';
