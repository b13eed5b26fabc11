import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

/** The error text Mantine links to a field through aria-describedby. */
async function fieldError(page: Page, label: string): Promise<string> {
  const field = page.getByRole('textbox', { name: label, exact: true });
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

describe('clinician workspace in the chart', () => {
  let browser: Browser;
  let nurse: TestPage;
  let patientId: string;

  beforeAll(async () => {
    const token = await accessToken(baseUrl, USERS.clinician);
    const fhir = fhirAs(baseUrl, token);
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Whitcombe', given: ['Elspeth'] }],
      gender: 'female',
      birthDate: '1969-11-02',
    });
    patientId = patient.id!;
    // An earlier set, two days ago, so the trend has a line to draw.
    await fhir.post(`/patients/${patientId}/vitals`, {
      effective: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      measurements: [
        { type: 'body-temperature', value: 36.6, unit: 'Cel' },
        { type: 'heart-rate', value: 84, unit: '/min' },
      ],
    });
    browser = await launchBrowser();
    nurse = await openPage(browser, baseUrl);
    // Two-factor sign-in has its own test (sign-in.e2e.ts); its codes are one use per time step, so this
    // file signs in a nurse without it rather than race that test for the same step.
    await signIn(nurse.page, USERS.nurse);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a nurse records vitals: an impossible SpO2 is refused on its field, a set in °F is saved and charted', async () => {
    const { page } = nurse;
    await page.goto(`/patients/${patientId}?tab=vitals`);
    const latest = page.getByRole('group', { name: 'Latest vital signs' });
    await expect.poll(() => latest.getByRole('button', { name: /^Heart rate\s*84 \/min/ }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Record vitals' }).click();
    const form = page.getByRole('form', { name: 'Record vitals' });
    await form.getByRole('textbox', { name: 'Heart rate', exact: true }).fill('72');
    await form.getByRole('textbox', { name: 'SpO2', exact: true }).fill('140');
    await form.getByRole('button', { name: 'Save vitals' }).click();
    await expect.poll(() => fieldError(page, 'SpO2')).toContain('140 % is not a possible value (0 to 100 %)');
    expect(await form.getByRole('textbox', { name: 'SpO2', exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await fieldError(page, 'Heart rate')).toBe('');
    // Nothing of the refused set was stored.
    await expect.poll(() => latest.getByRole('button', { name: /^Heart rate\s*84 \/min/ }).isVisible()).toBe(true);
    await expectAccessible(page, 'the record vitals form with a refused value');

    await form.getByRole('textbox', { name: 'SpO2', exact: true }).fill('97');
    await form.getByRole('textbox', { name: 'Temperature', exact: true }).fill('98.6');
    await form.getByText('°F', { exact: true }).click();
    await form.getByRole('textbox', { name: 'Respiratory rate', exact: true }).fill('16');
    await form.getByRole('textbox', { name: 'Systolic pressure', exact: true }).fill('128');
    await form.getByRole('textbox', { name: 'Diastolic pressure', exact: true }).fill('82');
    await form.getByRole('textbox', { name: 'Weight', exact: true }).fill('70');
    await form.getByRole('textbox', { name: 'Height', exact: true }).fill('175');
    await form.getByRole('button', { name: 'Save vitals' }).click();

    const saved = page.getByRole('list', { name: 'Saved vital signs' });
    await expect.poll(() => saved.isVisible()).toBe(true);
    const lines = await saved.getByRole('listitem').allTextContents();
    // 98.6 °F is stored as 37 °C; BMI 70 kg / (1.75 m)² is computed by the server.
    expect(lines).toEqual(
      expect.arrayContaining([
        'Temperature: 37 °C',
        'Heart rate: 72 /min',
        'SpO2: 97 %',
        'Blood pressure: 128/82 mmHg',
        'BMI: 22.9 kg/m²',
      ]),
    );
    expect(await fieldError(page, 'SpO2')).toBe('');
    await expect.poll(() => latest.getByRole('button', { name: /^Heart rate\s*72 \/min/ }).isVisible()).toBe(true);
    await expect.poll(() => latest.getByRole('button', { name: /^BMI\s*22\.9 kg\/m²/ }).isVisible()).toBe(true);

    await form.getByRole('button', { name: 'Close' }).click();
    await latest.getByRole('button', { name: /^Temperature\s*37 °C/ }).click();
    const chart = page.getByRole('figure', { name: 'Temperature trend chart' });
    await expect.poll(() => chart.locator('.recharts-line-curve').count()).toBe(1);
    const readings = page.getByRole('table', { name: 'Temperature readings', includeHidden: true });
    await expect.poll(() => readings.locator('tbody tr td:last-child').allTextContents()).toEqual(['36.6 °C', '37 °C']);
    expect(await chart.textContent()).toContain('2 readings, latest 37 °C');
    await expectAccessible(page, 'the vitals tab');
    await screenshot(page, 'chart-vitals');
    expect(nurse.problems).toEqual([]);
  });

  it('a physician writes a SOAP note, signs it, finds it read-only and adds a signed addendum', async () => {
    const physician = await openPage(browser, baseUrl);
    const { page } = physician;
    await signIn(page, USERS.clinician);
    await page.goto(`/patients/${patientId}?tab=notes`);
    await expect.poll(() => page.getByText('No notes written').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'New note' }).click();
    const starter = page.getByRole('region', { name: 'New note' });
    await expect.poll(() => starter.getByLabel('Template').inputValue()).toBe('SOAP note');
    await starter.getByRole('button', { name: 'Start note' }).click();

    const note = page.getByRole('article', { name: 'SOAP note', exact: true });
    await note.getByRole('textbox', { name: 'Subjective' }).fill('Three days of productive cough.');
    await note.getByRole('textbox', { name: 'Objective' }).fill('T 37 °C, SpO2 97 %, crackles right base.');
    await note.getByRole('textbox', { name: 'Assessment' }).fill('Community-acquired pneumonia, mild.');
    await note.getByRole('textbox', { name: 'Plan' }).fill('Oral antibiotics; review in 48 hours.');
    await note.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => note.getByRole('status').textContent()).toMatch(/^Draft saved/);
    await note.getByRole('button', { name: 'Sign note' }).click();

    await expect
      .poll(() =>
        note
          .getByText(/^Signed by .+ at \d/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await expect.poll(() => note.getByText('Signed', { exact: true }).isVisible()).toBe(true);
    expect(await note.textContent()).toContain('Oral antibiotics; review in 48 hours.');
    // Read-only: no field to change and no way to sign again.
    expect(await note.getByRole('textbox').count()).toBe(0);
    expect(await note.getByRole('button', { name: 'Sign note' }).count()).toBe(0);

    await note.getByRole('button', { name: 'Add addendum' }).click();
    await note.getByRole('textbox', { name: 'Addendum' }).fill('Chest X-ray confirms right lower lobe consolidation.');
    await note.getByRole('button', { name: 'Save addendum draft' }).click();
    const addendum = note.getByRole('article', { name: 'Addendum to SOAP note' });
    const addendumText = addendum.getByRole('textbox', { name: 'Addendum' });
    await expect.poll(() => addendumText.inputValue()).toContain('right lower lobe');
    await addendumText.fill('Chest X-ray confirms right lower lobe consolidation. Sputum culture sent.');
    await addendum.getByRole('button', { name: 'Sign addendum' }).click();
    await expect.poll(() => addendum.getByText(/^Signed by .+ at \d/).isVisible()).toBe(true);
    expect(await addendum.textContent()).toContain('Sputum culture sent.');
    expect(await addendum.getByRole('textbox').count()).toBe(0);

    await expectAccessible(page, 'the notes tab');
    await screenshot(page, 'chart-note');
    expect(physician.problems).toEqual([]);
    await physician.context.close();
  });
});
