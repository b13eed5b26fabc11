import type { NewOrder, OrderKind, Priority } from './orders-api';

/** Lab tests offered when the terminology service cannot be reached (common LOINC orders). */
export const COMMON_LAB_TESTS = [
  { code: '58410-2', display: 'CBC panel - Blood by Automated count' },
  { code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' },
  { code: '51990-0', display: 'Basic metabolic panel - Blood' },
  { code: '24323-8', display: 'Comprehensive metabolic panel - Serum or Plasma' },
  { code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' },
  { code: '3016-3', display: 'Thyrotropin [Units/volume] in Serum or Plasma' },
  { code: '57698-3', display: 'Lipid panel with direct LDL - Serum or Plasma' },
] as const;

export const SPECIMENS = [
  { value: 'blood', label: 'Blood' },
  { value: 'serum', label: 'Serum' },
  { value: 'plasma', label: 'Plasma' },
  { value: 'urine', label: 'Urine' },
  { value: 'stool', label: 'Stool' },
  { value: 'sputum', label: 'Sputum' },
  { value: 'csf', label: 'Cerebrospinal fluid' },
];

export const MODALITIES = [
  { value: 'DX', label: 'X-ray (digital radiography)' },
  { value: 'CT', label: 'CT' },
  { value: 'MR', label: 'MRI' },
  { value: 'US', label: 'Ultrasound' },
  { value: 'MG', label: 'Mammography' },
  { value: 'NM', label: 'Nuclear medicine' },
  { value: 'PT', label: 'PET' },
];

/** Body parts an imaging order names (SNOMED CT body structures). */
export const BODY_PARTS = [
  { value: '51185008', label: 'Chest' },
  { value: '818983003', label: 'Abdomen' },
  { value: '69536005', label: 'Head' },
  { value: '45048000', label: 'Neck' },
  { value: '421060004', label: 'Spine' },
  { value: '72696002', label: 'Knee' },
  { value: '16982005', label: 'Shoulder' },
  { value: '29836001', label: 'Hip' },
  { value: '70258002', label: 'Ankle' },
  { value: '85562004', label: 'Hand' },
  { value: '76752008', label: 'Breast' },
  { value: '12921003', label: 'Pelvis' },
];

export interface OrderFormValues {
  kind: OrderKind;
  /** The chosen LOINC test (lab) or the study's own description (imaging). */
  testCode: string;
  testDisplay: string;
  priority: Priority;
  reason: string;
  specimen: string;
  modality: string;
  bodyPart: string;
  laterality: '' | 'left' | 'right' | 'bilateral';
  activate: boolean;
}

export const EMPTY_ORDER_FORM: OrderFormValues = {
  kind: 'lab',
  testCode: '',
  testDisplay: '',
  priority: 'routine',
  reason: '',
  specimen: 'blood',
  modality: '',
  bodyPart: '',
  laterality: '',
  activate: true,
};

/** Imaging studies are coded with LOINC's generic "imaging study" code unless a study is chosen. */
const IMAGING_STUDY = '18748-4';

export type OrderFormField = 'testCode' | 'priority' | 'reason' | 'specimen' | 'modality' | 'bodyPart' | 'laterality';

/** The order body from the form, or what is missing, field by field. */
export function buildOrder(
  values: OrderFormValues,
): { order: NewOrder; errors?: undefined } | { order?: undefined; errors: Partial<Record<OrderFormField, string>> } {
  const errors: Partial<Record<OrderFormField, string>> = {};
  const reason = values.reason.trim();
  if (values.kind === 'lab') {
    if (!values.testCode) errors.testCode = 'Choose a test from the list';
    if (Object.keys(errors).length) return { errors };
    return {
      order: {
        kind: 'lab',
        code: {
          system: 'http://loinc.org',
          code: values.testCode,
          ...(values.testDisplay ? { display: values.testDisplay } : {}),
        },
        priority: values.priority,
        ...(reason ? { reason } : {}),
        ...(values.specimen ? { specimen: { type: values.specimen } } : {}),
        activate: values.activate,
      },
    };
  }
  if (!values.modality) errors.modality = 'Choose a modality';
  if (!values.bodyPart) errors.bodyPart = 'Choose a body part';
  if (Object.keys(errors).length) return { errors };
  const modality = MODALITIES.find((m) => m.value === values.modality)?.label ?? values.modality;
  const part = BODY_PARTS.find((b) => b.value === values.bodyPart)?.label ?? '';
  const side = values.laterality ? ` (${values.laterality})` : '';
  return {
    order: {
      kind: 'imaging',
      code: values.testCode || IMAGING_STUDY,
      display: values.testDisplay || `${modality} ${part.toLowerCase()}${side}`,
      priority: values.priority,
      ...(reason ? { reason } : {}),
      modality: values.modality,
      bodySite: values.bodyPart,
      ...(values.laterality ? { laterality: values.laterality } : {}),
      activate: values.activate,
    },
  };
}

/** The form field a server error path names (`specimen.type` → specimen), if it is one of the form's. */
export function orderFieldOf(path: string | undefined): OrderFormField | undefined {
  if (!path) return undefined;
  const head = path.split('.')[0];
  const map: Record<string, OrderFormField> = {
    code: 'testCode',
    display: 'testCode',
    priority: 'priority',
    reason: 'reason',
    specimen: 'specimen',
    modality: 'modality',
    bodySite: 'bodyPart',
    laterality: 'laterality',
  };
  return head ? map[head] : undefined;
}
