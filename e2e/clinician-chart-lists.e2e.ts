import type { AllergyIntolerance, Condition, Patient } from '@medplum/fhirtypes';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

/** The error text Mantine links to a field through aria-describedby. */
async function fieldError(page: Page, field: Locator): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Picks `option` in the Mantine select labelled `label` inside `scope`. */
async function choose(page: Page, scope: Locator, label: string, option: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('clinician: assessments, and editing problems and allergies in the chart', () => {
  let browser: Browser;
  let physician: TestPage;
  let patientId: string;
  let token: string;
  let hypertension: Condition;
  let allergy: AllergyIntolerance;
  const api = async <T>(path: string) =>
    (await (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;

  beforeAll(async () => {
    token = await accessToken(baseUrl, USERS.clinician);
    const fhir = fhirAs(baseUrl, token);
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Quintero-Halvorsen', given: ['Ines'] }],
      gender: 'female',
      birthDate: '1961-08-23',
    });
    patientId = patient.id!;
    hypertension = await fhir.post<Condition>(`/patients/${patientId}/problems`, {
      code: 'I10',
      onset: '2019-04-02',
    });
    await fhir.post(`/patients/${patientId}/problems`, { text: 'Acute bronchitis', onset: '2025-01-10' });
    allergy = await fhir.post<AllergyIntolerance>(`/patients/${patientId}/allergies`, {
      substance: 'Penicillin',
      category: ['medication'],
      verificationStatus: 'unconfirmed',
      reactions: [{ manifestations: ['Hives'], severity: 'moderate' }],
    });
    browser = await launchBrowser();
    physician = await openPage(browser, baseUrl);
    await signIn(physician.page, USERS.clinician);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('records an examination by body system: an abnormal system without its finding is refused on that system, then listed standing out', async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}?tab=assessments`);
    await expect.poll(() => page.getByText('No assessments recorded').isVisible(), { timeout: 10_000 }).toBe(true);

    await page.getByRole('button', { name: 'Record assessment' }).click();
    const form = page.getByRole('form', { name: 'Record an assessment' });
    const result = (system: string, value: string) =>
      form
        .getByRole('radiogroup', { name: `${system} result` })
        .getByText(value, { exact: true })
        .click();
    await result('General', 'Normal');
    await form.getByRole('textbox', { name: 'General finding' }).fill('Well appearing, no distress');
    await result('Cardiovascular', 'Normal');
    await result('Respiratory', 'Abnormal');
    await form.getByRole('button', { name: 'Record assessment' }).click();

    // The server's rule, on the field of the system it is about.
    const respiratory = form.getByRole('textbox', { name: 'Respiratory finding' });
    await expect.poll(() => respiratory.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    expect(await fieldError(page, respiratory)).toBe('An abnormal system needs the finding');
    expect(await form.getByRole('textbox', { name: 'General finding' }).getAttribute('aria-invalid')).not.toBe('true');

    await respiratory.fill('Expiratory wheeze, right base');
    await form.getByRole('button', { name: 'Record assessment' }).click();
    const table = page.getByRole('table', { name: 'Assessments' });
    await expect.poll(() => table.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await form.isVisible()).toBe(false);
    const row = table.locator('tbody tr').first();
    expect(await row.textContent()).toContain('Physical examination');
    expect(await row.textContent()).toContain('(you)');
    // The abnormal system says so in words, apart from the normal ones.
    await expect
      .poll(() => row.getByText('Abnormal — Respiratory: Expiratory wheeze, right base').isVisible())
      .toBe(true);
    expect(await row.getByText(/^Normal — /).textContent()).toBe(
      'Normal — General: Well appearing, no distress; Cardiovascular',
    );
    await expectAccessible(page, 'the assessments tab');
    await screenshot(page, 'chart-assessments');

    const stored = await api<{ items: { kind: string; systems: { system: string; status: string }[] }[] }>(
      `/patients/${patientId}/assessments`,
    );
    expect(stored.items).toHaveLength(1);
    expect(stored.items[0]!.kind).toBe('physical-exam');
    expect(stored.items[0]!.systems.map((entry) => `${entry.system} ${entry.status}`)).toEqual([
      'general normal',
      'cardiovascular normal',
      'respiratory abnormal',
    ]);
    expect(physician.problems).toEqual([]);
  });

  it('resolves a problem on its date (not before its onset), finds it under resolved, brings it back as a recurrence', async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}?tab=problems`);
    const problems = page.getByRole('table', { name: 'Problems' });
    await expect.poll(() => problems.textContent(), { timeout: 10_000 }).toContain('Essential (primary) hypertension');

    await problems.getByRole('button', { name: 'Edit Essential (primary) hypertension' }).click();
    const editor = page.getByRole('form', { name: 'Edit Essential (primary) hypertension' });
    expect(await editor.getByLabel('Onset', { exact: true }).inputValue()).toBe('2019-04-02');
    await choose(page, editor, 'Clinical status', 'Resolved');
    const resolvedOn = editor.getByLabel('Resolved on', { exact: true });
    await resolvedOn.fill('2018-12-31');
    await editor.getByRole('textbox', { name: 'Add a note' }).fill('Normotensive off treatment for a year');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => resolvedOn.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    expect(await fieldError(page, resolvedOn)).toBe('Must not be before the onset (2019-04-02)');
    await expectAccessible(page, 'the problem editor');
    await screenshot(page, 'chart-problem-edit');

    await resolvedOn.fill('2024-02-10');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => editor.isVisible(), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => problems.textContent()).not.toContain('Essential (primary) hypertension');

    await page.getByRole('radiogroup', { name: 'Show problems' }).getByText('Resolved', { exact: true }).click();
    const resolvedRow = problems.locator('tbody tr', { hasText: 'Essential (primary) hypertension' });
    await expect.poll(() => resolvedRow.textContent()).toContain('resolved');
    expect(await resolvedRow.textContent()).toContain('10 Feb 2024');

    // Back again: a resolved problem is offered only as a recurrence, never simply active.
    await resolvedRow.getByRole('button', { name: 'Edit Essential (primary) hypertension' }).click();
    await editor.getByLabel('Clinical status', { exact: true }).click();
    const options = await page.getByRole('option').allTextContents();
    expect(options).toEqual(['Resolved', 'Recurrence (came back)']);
    await page.getByRole('option', { name: 'Recurrence (came back)' }).click();
    await editor.getByLabel('Came back on', { exact: true }).fill('2025-03-01');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => editor.isVisible(), { timeout: 10_000 }).toBe(false);
    await page.getByRole('radiogroup', { name: 'Show problems' }).getByText('Active', { exact: true }).click();
    const activeRow = problems.locator('tbody tr', { hasText: 'Essential (primary) hypertension' });
    await expect.poll(() => activeRow.textContent()).toContain('recurrence');

    const stored = await api<Condition>(`/patients/${patientId}/problems/${hypertension.id}`);
    expect(stored.note?.map((note) => note.text)).toEqual([
      'clinical status active → resolved on 2024-02-10: Normotensive off treatment for a year',
      'clinical status resolved → recurrence on 2025-03-01',
    ]);

    // A problem recorded by mistake leaves the list with its reason.
    await problems.getByRole('button', { name: 'Edit Acute bronchitis' }).click();
    await page.getByRole('button', { name: 'Mark Acute bronchitis as entered in error' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark Acute bronchitis as entered in error' });
    await dialog.getByRole('button', { name: 'Mark entered in error' }).click();
    await expect.poll(() => dialog.getByText('Say why').isVisible()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Recorded on the wrong chart');
    await dialog.getByRole('button', { name: 'Mark entered in error' }).click();
    await expect.poll(() => problems.textContent(), { timeout: 10_000 }).not.toContain('Acute bronchitis');
    expect(physician.problems).toEqual([]);
  });

  it("edits an allergy's reaction severity, criticality and verification; the list and the banner show them", async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}?tab=allergies`);
    const allergies = page.getByRole('table', { name: 'Allergies' });
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await expect.poll(() => allergies.textContent(), { timeout: 10_000 }).toContain('Hives (moderate)');
    await expect.poll(() => banner.textContent()).toContain('1 allergy: Penicillin');
    expect(await banner.textContent()).not.toContain('severe');

    await allergies.getByRole('button', { name: 'Edit Penicillin' }).click();
    const editor = page.getByRole('form', { name: 'Edit Penicillin' });
    expect(await editor.getByRole('textbox', { name: 'Reaction', exact: true }).inputValue()).toBe('Hives');
    await choose(page, editor, 'Reaction severity', 'Severe');
    await choose(page, editor, 'Criticality', 'High');
    await choose(page, editor, 'Verification', 'Confirmed');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => editor.isVisible(), { timeout: 10_000 }).toBe(false);

    const row = allergies.locator('tbody tr', { hasText: 'Penicillin' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Hives (severe)');
    expect(await row.textContent()).toContain('high');
    expect(await row.textContent()).toContain('confirmed');
    await expect
      .poll(() => banner.textContent(), { timeout: 10_000 })
      .toContain('1 allergy: Penicillin (severe reaction)');
    await expectAccessible(page, 'the allergies tab after an edit');

    const stored = await api<AllergyIntolerance>(`/patients/${patientId}/allergies/${allergy.id}`);
    expect(stored.reaction?.map((reaction) => reaction.severity)).toEqual(['severe']);
    expect(stored.criticality).toBe('high');
    expect(stored.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(physician.problems).toEqual([]);
  });
});
