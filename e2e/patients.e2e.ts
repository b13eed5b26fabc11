import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { seedPatientWithHistory } from './support/clinical-data';

const baseUrl = inject('meridianUrl');

/** The error text Mantine links to a field through aria-describedby. */
async function fieldError(page: Page, label: string): Promise<string> {
  const field = page.getByRole('textbox', { name: label, exact: true });
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

describe('patients', () => {
  let browser: Browser;
  let session: TestPage;
  let seeded: Awaited<ReturnType<typeof seedPatientWithHistory>>;

  beforeAll(async () => {
    seeded = await seedPatientWithHistory(baseUrl, await accessToken(baseUrl, USERS.clinician));
    browser = await launchBrowser();
    session = await openPage(browser, baseUrl);
    await signIn(session.page, USERS.clinician);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('registers a patient: a bad birth date is shown on its field, a good one opens the new chart', async () => {
    const { page } = session;
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Register patient' })
      .click();
    await expect.poll(() => page.getByRole('heading', { name: 'Register a patient' }).isVisible()).toBe(true);
    await expectAccessible(page, 'the registration form');

    // Nothing filled in: the form names what is missing without asking the server.
    await page.getByRole('button', { name: 'Register patient' }).click();
    expect(await fieldError(page, 'Family name')).toContain('Enter the family name');

    await page.getByLabel('Family name').fill('Okafor');
    await page.getByLabel('Given names').fill('Adaeze Ngozi');
    await page.getByLabel('Date of birth').fill('1984-19-45');
    await page.getByLabel('Medical record number (MRN)').fill('E2E-1001');
    await page.getByRole('radio', { name: 'Female' }).check();
    await page.getByLabel('Phone').fill('+44 20 7946 0001');
    await page.getByRole('button', { name: 'Register patient' }).click();

    // The server's OperationOutcome names Patient.birthDate; the message sits under that field.
    await expect.poll(() => fieldError(page, 'Date of birth')).toMatch(/date/i);
    expect(await page.getByLabel('Date of birth').getAttribute('aria-invalid')).toBe('true');
    expect(await fieldError(page, 'Family name')).toBe('');
    expect(new URL(page.url()).pathname).toBe('/patients/new');
    expect(await page.getByRole('alert').first().textContent()).toContain('The record was not saved');
    await screenshot(page, 'register-patient-error');

    await page.getByLabel('Date of birth').fill('1984-07-19');
    await page.getByRole('button', { name: 'Register patient' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/patients\/[0-9a-f-]{36}$/);
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await expect.poll(() => banner.textContent()).toContain('OKAFOR, Adaeze Ngozi');
    const text = await banner.textContent();
    expect(text).toContain('19 Jul 1984');
    expect(text).toContain('E2E-1001');
    expect(text).toContain('Female');
    // Nothing recorded yet is not the same as a recorded "no known allergies".
    await expect.poll(() => banner.textContent()).toContain('Allergies not recorded');
    await expect.poll(() => page.getByText('now has a chart').isVisible()).toBe(true);
    expect(session.problems).toEqual([]);
  });

  it('warns before registering a patient who is already on file, and links to their chart', async () => {
    const { page } = session;
    await page.goto('/patients/new');
    await page.getByLabel('Family name').fill('Ravensworth');
    await page.getByLabel('Given names').fill('Theodora');
    await page.getByLabel('Date of birth').fill('1957-04-03');
    await page.getByRole('radio', { name: 'Female' }).check();
    await page.getByRole('button', { name: 'Register patient' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'This patient may already be registered' });
    await expect.poll(() => warning.isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/patients/new');
    await screenshot(page, 'register-patient-duplicate');
    await warning.getByRole('link', { name: 'RAVENSWORTH, Theodora Jane' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/patients/${seeded.patientId}`);
  });

  it('finds a patient with the type-ahead, by name, MRN and phone, and opens the chart from the keyboard', async () => {
    const { page } = session;
    await page.goto('/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
    // '/' focuses the search from anywhere.
    await page.locator('body').press('/');
    const search = page.getByRole('searchbox', { name: 'Search patients' });
    await expect.poll(() => search.evaluate((element) => element === document.activeElement)).toBe(true);

    await search.fill('ravens');
    const option = page.getByRole('option', { name: /RAVENSWORTH, Theodora/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    expect(await option.textContent()).toContain(`MRN ${seeded.mrn}`);
    await screenshot(page, 'patient-search');

    await search.fill(seeded.mrn);
    await expect
      .poll(() => page.getByRole('option').allTextContents())
      .toEqual([expect.stringContaining('RAVENSWORTH, Theodora')]);

    // A phone number finds the patient however it is punctuated (on file as +44 20 7946 0958).
    await search.fill('020 7946-0958');
    await expect
      .poll(async () =>
        (await page.getByRole('option').allTextContents()).some((text) => text.includes(`MRN ${seeded.mrn}`)),
      )
      .toBe(true);

    await search.fill('nobody-by-this-name');
    await expect.poll(() => page.getByText('No patients match').isVisible()).toBe(true);

    await search.fill('ravensworth theodora');
    await expect.poll(() => option.isVisible()).toBe(true);
    await search.press('ArrowDown');
    await search.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/patients/${seeded.patientId}`);
  });

  it('shows the chart: banner with allergies, and each tab lists what was recorded', async () => {
    const { page } = session;
    await page.goto(`/patients/${seeded.patientId}`);
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await expect.poll(() => banner.textContent()).toContain('1 allergy: Penicillin');
    expect(await banner.textContent()).toContain(`MRN ${seeded.mrn}`);

    const conditions = page.getByRole('table', { name: 'Conditions' });
    await expect.poll(() => conditions.textContent()).toContain('Type 2 diabetes mellitus');
    expect(await conditions.textContent()).toContain('active');
    await expectAccessible(page, 'the patient chart');
    await screenshot(page, 'patient-chart');

    await page.getByRole('tab', { name: 'Allergies' }).click();
    const allergies = page.getByRole('table', { name: 'Allergies' });
    await expect.poll(() => allergies.textContent()).toContain('Penicillin');
    expect(await allergies.textContent()).toContain('Hives');
    expect(new URL(page.url()).searchParams.get('tab')).toBe('allergies');

    await page.getByRole('tab', { name: 'Observations' }).click();
    const observations = page.getByRole('table', { name: 'Observations' });
    await expect.poll(() => observations.textContent()).toContain('7.2 %');
    // Newest first: the 2024 reading above the 2023 one.
    const rows = await observations.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain('7.2 %');
    expect(rows[1]).toContain('8.1 %');
    expect(rows[1]).toContain('High');
    await screenshot(page, 'patient-chart-observations');

    await page.getByRole('tab', { name: 'Medications' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Medications' }).textContent())
      .toContain('Metformin 500 mg');
    // On a phone the navigation folds away and the search moves behind an icon.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('tab', { name: 'Conditions' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Open navigation' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('link', { name: 'Search patients' }).isVisible()).toBe(true);
    await screenshot(page, 'patient-chart-phone');
    await page.setViewportSize({ width: 1360, height: 860 });

    await page.getByRole('tab', { name: 'Immunizations' }).click();
    await expect.poll(() => page.getByText('No immunizations recorded').isVisible()).toBe(true);
    expect(session.problems).toEqual([]);
  });

  it('lists matches on the results page and says when a chart does not exist', async () => {
    const { page } = session;
    await page.goto('/patients?q=ravensworth');
    const table = page.getByRole('table', { name: 'Matching patients' });
    await expect.poll(() => table.textContent()).toContain('RAVENSWORTH, Theodora');
    await page.goto('/patients/00000000-0000-4000-8000-00000000dead');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('No such patient');
  });
});
