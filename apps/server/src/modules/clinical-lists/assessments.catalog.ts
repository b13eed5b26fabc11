/**
 * The body systems of a physical examination and of a review of systems, as Meridian's own code system
 * (`https://meridian.health/fhir/CodeSystem/body-system`): LOINC has no one code per system for both.
 */
export const BODY_SYSTEMS = [
  { key: 'general', display: 'General', examples: 'appearance, distress, constitutional symptoms' },
  { key: 'heent', display: 'Head, eyes, ears, nose and throat', examples: 'pupils, tympanic membranes, pharynx' },
  { key: 'neck', display: 'Neck', examples: 'thyroid, lymph nodes, jugular veins' },
  { key: 'cardiovascular', display: 'Cardiovascular', examples: 'heart sounds, murmurs, pulses, oedema' },
  { key: 'respiratory', display: 'Respiratory', examples: 'breath sounds, effort, cough' },
  { key: 'abdomen', display: 'Abdomen and gastrointestinal', examples: 'tenderness, bowel sounds, organomegaly' },
  { key: 'genitourinary', display: 'Genitourinary', examples: 'dysuria, flank tenderness' },
  { key: 'musculoskeletal', display: 'Musculoskeletal', examples: 'joints, range of motion, swelling' },
  { key: 'neurological', display: 'Neurological', examples: 'orientation, cranial nerves, strength, reflexes' },
  { key: 'skin', display: 'Skin', examples: 'rash, lesions, wounds' },
  { key: 'psychiatric', display: 'Psychiatric', examples: 'mood, affect, thought' },
  { key: 'lymphatic', display: 'Lymphatic and haematological', examples: 'lymphadenopathy, bruising' },
  { key: 'endocrine', display: 'Endocrine', examples: 'heat or cold intolerance, polyuria' },
] as const;

export type BodySystemKey = (typeof BODY_SYSTEMS)[number]['key'];
export const BODY_SYSTEM_KEYS = BODY_SYSTEMS.map((system) => system.key) as [BodySystemKey, ...BodySystemKey[]];

export function bodySystem(key: string) {
  return BODY_SYSTEMS.find((system) => system.key === key);
}
