export { BODY_SYSTEMS } from './assessments.catalog';
export {
  LATERALITY,
  LATERALITY_EXTENSION,
  NO_KNOWN_ALLERGY,
  SYSTEMS as CLINICAL_LIST_SYSTEMS,
} from './clinical-lists.codes';
export { addClinicalListGuards } from './clinical-lists.guards';
export {
  type ClinicalListServices,
  type ClinicalListsModuleOptions,
  registerClinicalListsModule,
} from './clinical-lists.module';
export { type CodeValidator, type TerminologyLike, terminologyValidator } from './clinical-lists.terminology';
