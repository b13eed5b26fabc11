import type { Role } from '../identity';
import type { PolicyDocument, PolicyRule } from './access.schemas';

/**
 * The policy a tenant starts with: what each role of a clinic does, by resource type and interaction.
 * A tenant admin reads and replaces it through `GET/PUT /access/policies`. Patient-specific rows are
 * further limited by the attribute rules (own compartment, care team, Consent, break-the-glass) and by the
 * caller's SMART scopes.
 */

const READ = ['read', 'vread', 'search', 'history'];
const WRITE = ['create', 'update', 'patch'];
const MANAGE = [...READ, ...WRITE, 'delete'];

/** The clinic's own structure and directories. */
const DIRECTORY = ['Organization', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService', 'Endpoint'];

/** Definitions and catalogues everyone who works with records reads. */
const DEFINITIONS = [
  'Questionnaire',
  'ValueSet',
  'CodeSystem',
  'ConceptMap',
  'StructureDefinition',
  'PlanDefinition',
  'ActivityDefinition',
  'Library',
  'Medication',
  'MedicationKnowledge',
  'ObservationDefinition',
  'SpecimenDefinition',
  'ChargeItemDefinition',
  'Substance',
];

const DEMOGRAPHICS = ['Patient', 'RelatedPerson', 'Person'];
const SCHEDULING = ['Appointment', 'AppointmentResponse', 'Schedule', 'Slot'];
const BILLING = [
  'Account',
  'ChargeItem',
  'Claim',
  'ClaimResponse',
  'Coverage',
  'CoverageEligibilityRequest',
  'CoverageEligibilityResponse',
  'ExplanationOfBenefit',
  'Invoice',
  'PaymentNotice',
  'PaymentReconciliation',
];
const MEDICATIONS = ['MedicationRequest', 'MedicationDispense', 'MedicationAdministration', 'MedicationStatement'];
const CLINICAL = [
  'AdverseEvent',
  'AllergyIntolerance',
  'BodyStructure',
  'CarePlan',
  'CareTeam',
  'ClinicalImpression',
  'Communication',
  'CommunicationRequest',
  'Composition',
  'Condition',
  'Consent',
  'DetectedIssue',
  'DeviceRequest',
  'DeviceUseStatement',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'EpisodeOfCare',
  'FamilyMemberHistory',
  'Flag',
  'Goal',
  'ImagingStudy',
  'Immunization',
  'ImmunizationRecommendation',
  'List',
  'Media',
  'NutritionOrder',
  'Observation',
  'Procedure',
  'Provenance',
  'QuestionnaireResponse',
  'RiskAssessment',
  'ServiceRequest',
  'Specimen',
  'Task',
  ...MEDICATIONS,
];

/** What a patient may read of their own compartment (and the shared resources those point to). */
const PATIENT_OWN = [
  'Patient',
  'AllergyIntolerance',
  'Appointment',
  'CarePlan',
  'CareTeam',
  'Communication',
  'Condition',
  'Consent',
  'Coverage',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'ExplanationOfBenefit',
  'Goal',
  'Immunization',
  'Invoice',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Procedure',
  'QuestionnaireResponse',
];

function rule(role: Role, resources: string[], interactions: string[]): PolicyRule {
  return { role, resources, interactions, effect: 'allow' };
}

export function defaultPolicy(): PolicyDocument {
  return {
    clinicianAccess: 'all',
    rules: [
      rule('super_admin', ['*'], ['*']),
      // Service clients: what their SMART system scopes allow.
      rule('system', ['*'], ['*']),

      rule('tenant_admin', [...DIRECTORY, ...DEFINITIONS, 'Schedule', 'Slot', 'Group', 'Device'], MANAGE),
      rule('tenant_admin', ['Patient', 'AuditEvent', 'Consent', 'CareTeam'], READ),
      rule('tenant_admin', ['System', 'Patient', 'Group'], ['$export']),

      rule('physician', [...CLINICAL, ...DEMOGRAPHICS, ...SCHEDULING], MANAGE),
      rule('physician', [...DIRECTORY, ...DEFINITIONS, 'Coverage', 'Group', 'Device'], READ),
      rule('physician', ['Patient'], ['$everything']),

      rule('nurse', [...CLINICAL, ...DEMOGRAPHICS, ...SCHEDULING, ...DIRECTORY, ...DEFINITIONS, 'Device'], READ),
      rule(
        'nurse',
        // Nurses triage visits, take vitals and allergies, give medications and write nursing notes.
        [
          'Observation',
          'MedicationAdministration',
          'Communication',
          'Task',
          'QuestionnaireResponse',
          'Flag',
          'Encounter',
          'AllergyIntolerance',
          'Immunization',
          'Composition',
        ],
        WRITE,
      ),
      rule('nurse', ['Patient'], ['$everything']),

      rule('front_desk', [...DEMOGRAPHICS, ...SCHEDULING, 'Coverage'], [...READ, ...WRITE]),
      rule('front_desk', ['Appointment', 'Slot', 'Schedule'], ['delete']),
      rule('front_desk', DIRECTORY, READ),
      // The front desk checks patients in and out: it opens and closes visits (the encounter state machine
      // keeps the steps in order), never their clinical content.
      rule('front_desk', ['Encounter'], [...READ, 'create', 'update']),

      rule('billing', BILLING, MANAGE),
      rule('billing', [...DEMOGRAPHICS, ...DIRECTORY, 'ChargeItemDefinition'], READ),

      rule('pharmacist', ['Medication', 'MedicationKnowledge', 'MedicationDispense', 'Substance'], MANAGE),
      rule(
        'pharmacist',
        ['MedicationRequest', 'MedicationAdministration', 'MedicationStatement'],
        [...READ, 'update', 'patch'],
      ),
      rule('pharmacist', ['Patient', 'AllergyIntolerance', 'Condition', 'Observation', ...DIRECTORY], READ),

      rule('patient', [...PATIENT_OWN, ...DIRECTORY, 'Medication', 'Questionnaire', 'Schedule', 'Slot'], READ),
      rule('patient', ['Appointment', 'QuestionnaireResponse', 'Communication'], ['create', 'update', 'patch']),
      rule('patient', ['Patient'], ['$everything']),
    ],
  };
}
