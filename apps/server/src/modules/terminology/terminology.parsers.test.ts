import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, icdWithDot, parseCsv, parseRelease, ReleaseFormatError } from './terminology.parsers';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'test-fixtures', name), 'utf8');

describe('release readers', () => {
  it('read the CMS order file: dotted codes, headers as abstract, long descriptions, parents', () => {
    const text = fixture('icd10cm-order-2026.txt');
    expect(detectFormat(text)).toBe('icd10cm-order');
    const { concepts, skipped } = parseRelease(text);
    expect(skipped).toEqual([]);
    const byCode = new Map(concepts.map((concept) => [concept.code, concept]));
    expect(byCode.get('A00')).toMatchObject({ abstract: true, display: 'Cholera' });
    expect(byCode.get('A00.0')).toMatchObject({ abstract: false, parent: 'A00' });
    expect(byCode.get('E11.65')).toMatchObject({ parent: 'E11.6' });
    expect(byCode.get('S52.521A')).toMatchObject({
      parent: 'S52.521',
      display: 'Torus fracture of lower end of right radius, initial encounter for closed fracture',
      properties: { shortDisplay: 'Torus fx lower end of right radius, init for clos fx' },
    });
    expect(byCode.get('I10')?.parent).toBeUndefined();
  });

  it('read the CMS codes file (valid codes only)', () => {
    const text = fixture('icd10cm-codes-2026.txt');
    expect(detectFormat(text)).toBe('icd10cm-codes');
    const { concepts } = parseRelease(text);
    expect(concepts.map((concept) => concept.code)).toEqual([
      'A00.0',
      'A00.1',
      'A00.9',
      'E11.65',
      'E11.9',
      'I10',
      'S52.521A',
    ]);
    expect(concepts.every((concept) => !concept.abstract)).toBe(true);
  });

  it("read CDC's cvx.txt: padded fields, statuses, the newest update as the version", () => {
    const text = fixture('cvx.txt');
    expect(detectFormat(text)).toBe('cvx');
    const { concepts, version, skipped } = parseRelease(text);
    expect(skipped).toEqual([]);
    expect(version).toBe('2013-08-14');
    expect(concepts.find((concept) => concept.code === '03')).toMatchObject({ display: 'MMR', inactive: false });
    expect(concepts.find((concept) => concept.code === '88')).toMatchObject({ inactive: true });
    expect(concepts.find((concept) => concept.code === '998')?.properties).toMatchObject({ nonVaccine: true });
  });

  it('read a LOINC table by column names, quotes and line breaks included', () => {
    const text = fixture('LoincTableCore-2.80.csv');
    expect(detectFormat(text)).toBe('loinc-csv');
    const { concepts } = parseRelease(text);
    expect(concepts).toHaveLength(3);
    expect(concepts[0]).toMatchObject({ code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', inactive: false });
    expect(concepts[2]).toMatchObject({ inactive: true, display: 'Made up "quoted", with comma\non two lines' });
    expect(parseCsv('a,"b,c"\r\n1,2\n')).toEqual([
      ['a', 'b,c'],
      ['1', '2'],
    ]);
  });

  it('refuse what they cannot read, and say which lines they skipped', () => {
    expect(() => parseRelease('hello world\nthis is prose')).toThrow(ReleaseFormatError);
    expect(() => parseRelease('nothing here', 'cvx')).toThrow(/No concepts/);
    const tsv = parseRelease('# version: 1\nA\tAlpha\n\tno code\nB\tBeta\tA\tabstract\tgroup-1,group-2\n', 'tsv');
    expect(tsv.version).toBe('1');
    expect(tsv.skipped).toEqual([3]);
    expect(tsv.concepts[1]).toMatchObject({
      code: 'B',
      parent: 'A',
      abstract: true,
      properties: { groups: ['group-1', 'group-2'] },
    });
    expect(icdWithDot('S52521A')).toBe('S52.521A');
    expect(icdWithDot('I10')).toBe('I10');
  });
});
