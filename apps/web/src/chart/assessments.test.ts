import { describe, expect, it } from 'vitest';
import { type Assessment, assessmentField, assessmentLines, assessmentRequest } from './assessments';

const catalog = ['general', 'heent', 'cardiovascular', 'respiratory', 'skin'];

describe('recording an assessment', () => {
  it('sends the systems examined in the catalog order, and which is which', () => {
    const { body, order } = assessmentRequest(
      {
        kind: 'physical-exam',
        effective: '2025-03-07',
        systems: {
          respiratory: { status: 'abnormal', finding: ' Expiratory wheeze, right base ' },
          general: { status: 'normal', finding: '' },
          heent: { status: 'not-examined', finding: 'left over text' },
        },
        note: '',
      },
      catalog,
    );
    expect(order).toEqual(['general', 'respiratory']);
    expect(body).toEqual({
      kind: 'physical-exam',
      effective: '2025-03-07',
      systems: [
        { system: 'general', status: 'normal' },
        { system: 'respiratory', status: 'abnormal', finding: 'Expiratory wheeze, right base' },
      ],
    });
  });

  it("puts the server's refusal on the system it names by position", () => {
    const order = ['general', 'respiratory'];
    expect(assessmentField('systems.1.finding', order)).toBe('finding:respiratory');
    expect(assessmentField('systems.0.system', order)).toBe('status:general');
    expect(assessmentField('systems', order)).toBe('systems');
    expect(assessmentField('effective', order)).toBe('effective');
    // An entry it cannot place is still about the systems.
    expect(assessmentField('systems.7.finding', order)).toBe('systems');
    expect(assessmentField('findings.0.site', order)).toBeUndefined();
  });
});

describe('an assessment in the list', () => {
  it('sets abnormal systems and findings at a site apart from the normal ones', () => {
    const assessment = {
      id: 'o1',
      status: 'final',
      systems: [
        { system: 'general', display: 'General', status: 'normal', finding: 'Well appearing' },
        { system: 'respiratory', display: 'Respiratory', status: 'abnormal', finding: 'Wheeze' },
        { system: 'cardiovascular', display: 'Cardiovascular', status: 'normal' },
        { system: 'neck' },
      ],
      findings: [
        {
          id: 'f1',
          system: 'skin',
          site: { text: 'Forearm' },
          laterality: 'left',
          finding: { text: 'Laceration' },
          interpretation: 'abnormal',
        },
      ],
      observation: { resourceType: 'Observation', status: 'final', code: {} },
      members: [],
    } satisfies Assessment;
    expect(assessmentLines(assessment, new Map([['skin', 'Skin']]))).toEqual({
      abnormal: [
        { label: 'Respiratory', finding: 'Wheeze' },
        { label: 'Skin, Forearm, left', finding: 'Laceration' },
      ],
      normal: [{ label: 'General', finding: 'Well appearing' }, { label: 'Cardiovascular' }],
      unstated: [{ label: 'neck' }],
    });
  });
});
