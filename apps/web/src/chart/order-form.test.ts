import { describe, expect, it } from 'vitest';
import { buildOrder, EMPTY_ORDER_FORM, orderFieldOf } from './order-form';

describe('buildOrder', () => {
  it('needs a chosen test for a lab order, and sends it coded in LOINC with its specimen', () => {
    expect(buildOrder(EMPTY_ORDER_FORM).errors).toEqual({ testCode: 'Choose a test from the list' });
    const built = buildOrder({
      ...EMPTY_ORDER_FORM,
      testCode: '2823-3',
      testDisplay: 'Potassium',
      priority: 'stat',
      reason: ' weakness ',
    });
    expect(built.order).toEqual({
      kind: 'lab',
      code: { system: 'http://loinc.org', code: '2823-3', display: 'Potassium' },
      priority: 'stat',
      reason: 'weakness',
      specimen: { type: 'blood' },
      activate: true,
    });
  });
  it('needs modality and body part for imaging, and names the study from them', () => {
    expect(buildOrder({ ...EMPTY_ORDER_FORM, kind: 'imaging' }).errors).toEqual({
      modality: 'Choose a modality',
      bodyPart: 'Choose a body part',
    });
    const built = buildOrder({
      ...EMPTY_ORDER_FORM,
      kind: 'imaging',
      modality: 'DX',
      bodyPart: '72696002',
      laterality: 'left',
      activate: false,
    });
    expect(built.order).toMatchObject({
      kind: 'imaging',
      code: '18748-4',
      display: 'X-ray (digital radiography) knee (left)',
      modality: 'DX',
      bodySite: '72696002',
      laterality: 'left',
      activate: false,
    });
    expect(built.order).not.toHaveProperty('specimen');
  });
  it('maps server error paths to the form fields', () => {
    expect(orderFieldOf('specimen.type')).toBe('specimen');
    expect(orderFieldOf('bodySite')).toBe('bodyPart');
    expect(orderFieldOf('code')).toBe('testCode');
    expect(orderFieldOf('encounter')).toBeUndefined();
    expect(orderFieldOf(undefined)).toBeUndefined();
  });
});
