import type { Coding } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';

export interface Limits {
  min: number;
  max: number;
}

/** One measured quantity: its LOINC code, canonical UCUM unit and the values a living patient can have. */
export interface VitalQuantity {
  code: string;
  display: string;
  unit: string;
  /** Decimals kept after conversion to the canonical unit. */
  decimals: number;
  limits: Limits;
}

export interface VitalSign extends VitalQuantity {
  /** The API's name for it. */
  type: string;
  /** The FHIR vital-signs profile it conforms to. */
  profile: string;
  /** Codings added beside the main one (pulse oximetry is also an oxygen saturation). */
  alsoCoded?: Coding[];
  /** A panel of components (blood pressure) instead of one value. */
  components?: Record<string, VitalQuantity>;
}

const PROFILE = 'http://hl7.org/fhir/StructureDefinition';

/**
 * The vital signs Meridian records. Limits are physiological bounds, not normal ranges: a value outside
 * them is a typing or device error (a temperature of 380 °C, a saturation over 100 %), never a patient.
 */
export const VITAL_SIGNS: readonly VitalSign[] = [
  {
    type: 'body-temperature',
    code: '8310-5',
    display: 'Body temperature',
    unit: 'Cel',
    decimals: 1,
    limits: { min: 10, max: 47 },
    profile: `${PROFILE}/bodytemp`,
  },
  {
    type: 'heart-rate',
    code: '8867-4',
    display: 'Heart rate',
    unit: '/min',
    decimals: 0,
    limits: { min: 0, max: 350 },
    profile: `${PROFILE}/heartrate`,
  },
  {
    type: 'respiratory-rate',
    code: '9279-1',
    display: 'Respiratory rate',
    unit: '/min',
    decimals: 0,
    limits: { min: 0, max: 150 },
    profile: `${PROFILE}/resprate`,
  },
  {
    type: 'oxygen-saturation',
    code: '2708-6',
    display: 'Oxygen saturation in Arterial blood',
    unit: '%',
    decimals: 0,
    limits: { min: 0, max: 100 },
    profile: `${PROFILE}/oxygensat`,
  },
  {
    type: 'pulse-oximetry',
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    decimals: 0,
    limits: { min: 0, max: 100 },
    profile: `${PROFILE}/oxygensat`,
    alsoCoded: [{ system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' }],
  },
  {
    type: 'blood-pressure',
    code: '85354-9',
    display: 'Blood pressure panel with all children optional',
    unit: 'mm[Hg]',
    decimals: 0,
    limits: { min: 0, max: 400 },
    profile: `${PROFILE}/bp`,
    components: {
      systolic: {
        code: '8480-6',
        display: 'Systolic blood pressure',
        unit: 'mm[Hg]',
        decimals: 0,
        limits: { min: 20, max: 300 },
      },
      diastolic: {
        code: '8462-4',
        display: 'Diastolic blood pressure',
        unit: 'mm[Hg]',
        decimals: 0,
        limits: { min: 5, max: 250 },
      },
    },
  },
  {
    type: 'body-weight',
    code: '29463-7',
    display: 'Body weight',
    unit: 'kg',
    decimals: 2,
    limits: { min: 0.2, max: 700 },
    profile: `${PROFILE}/bodyweight`,
  },
  {
    type: 'body-height',
    code: '8302-2',
    display: 'Body height',
    unit: 'cm',
    decimals: 1,
    limits: { min: 20, max: 280 },
    profile: `${PROFILE}/bodyheight`,
  },
  {
    type: 'bmi',
    code: '39156-5',
    display: 'Body mass index (BMI) [Ratio]',
    unit: 'kg/m2',
    decimals: 1,
    limits: { min: 5, max: 200 },
    profile: `${PROFILE}/bmi`,
  },
  {
    type: 'head-circumference',
    code: '8287-5',
    display: 'Head Occipital-frontal circumference by Tape measure',
    unit: 'cm',
    decimals: 1,
    limits: { min: 10, max: 80 },
    profile: `${PROFILE}/headcircum`,
  },
];

/** A vital sign by its API type or its LOINC code (`8310-5` or `http://loinc.org|8310-5`). */
export function vitalSignOf(typeOrCode: string): VitalSign | undefined {
  const code = typeOrCode.startsWith(`${LOINC}|`) ? typeOrCode.slice(LOINC.length + 1) : typeOrCode;
  return VITAL_SIGNS.find((vital) => vital.type === code || vital.code === code);
}

export const BMI = vitalSignOf('bmi')!;
export const BODY_WEIGHT = vitalSignOf('body-weight')!;
export const BODY_HEIGHT = vitalSignOf('body-height')!;

/** How old the other measure may be when BMI is computed from a new weight or height. */
export const BMI_WINDOW_DAYS = { weight: 30, height: 365 } as const;
