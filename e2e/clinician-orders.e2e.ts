import type { Patient } from '@medplum/fhirtypes';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

interface OrderList {
  orders: { id: string; status: string; accessionNumber?: string; order: { code?: { text?: string } } }[];
}

describe('clinician: problems, allergies, orders and the results inbox', () => {
  let browser: Browser;
  let physician: TestPage;
  let patientId: string;
  let token: string;

  beforeAll(async () => {
    token = await accessToken(baseUrl, USERS.clinician);
    const fhir = fhirAs(baseUrl, token);
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Okonkwo-Lindqvist', given: ['Marit'] }],
      gender: 'female',
      birthDate: '1958-04-17',
    });
    patientId = patient.id!;
    browser = await launchBrowser();
    physician = await openPage(browser, baseUrl);
    await signIn(physician.page, USERS.clinician);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('adds a problem with an ICD-10-CM code and an allergy that the banner shows', async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}`);
    await page.getByRole('tab', { name: 'Problems' }).click();
    await expect.poll(() => page.getByText('No active problems').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Add problem' }).click();
    const form = page.getByRole('form', { name: 'Add a problem' });
    const problem = form.getByLabel(/^Problem/);
    await problem.fill('type 2 diabetes');
    const option = page.getByRole('option', { name: /^E11\.9 · Type 2 diabetes mellitus without complications/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    await option.click();
    await expect.poll(() => form.getByText('Coded as ICD-10-CM E11.9').isVisible()).toBe(true);
    await form.getByRole('button', { name: 'Add problem' }).click();

    const problems = page.getByRole('table', { name: 'Problems' });
    await expect
      .poll(() => problems.textContent(), { timeout: 10_000 })
      .toContain('Type 2 diabetes mellitus without complications');
    expect(await problems.textContent()).toContain('E11.9');
    expect(await problems.textContent()).toContain('active');
    await expectAccessible(page, 'the problems tab');
    await screenshot(page, 'chart-problems');

    // Resolve it, find it under Resolved, and mark it recurred.
    await problems.getByRole('button', { name: /^Resolve Type 2 diabetes/ }).click();
    await expect.poll(() => page.getByText('No active problems').isVisible()).toBe(true);
    await page.getByRole('radiogroup', { name: 'Show problems' }).getByText('Resolved', { exact: true }).click();
    await expect
      .poll(() => problems.getByRole('button', { name: /^Mark Type 2 diabetes .* as recurred/ }).isVisible())
      .toBe(true);
    await problems.getByRole('button', { name: /as recurred/ }).click();
    await page.getByRole('radiogroup', { name: 'Show problems' }).getByText('Active', { exact: true }).click();
    await expect.poll(() => problems.textContent()).toContain('recurrence');

    // The banner says nothing has been asked yet; then an allergy with its reaction.
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await expect.poll(() => banner.textContent()).toContain('Allergies not recorded');
    await page.getByRole('tab', { name: 'Allergies' }).click();
    // First asked and denied: "no known allergies" is on record, in the banner too.
    await page.getByRole('button', { name: 'No known allergies' }).click();
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('No known allergies');
    // Then one is found: recording it retires the "no known allergies" record.
    await page.getByRole('button', { name: 'Record allergy' }).click();
    const allergyForm = page.getByRole('form', { name: 'Record an allergy' });
    await expect.poll(() => allergyForm.getByText(/"No known allergies" is on record/).isVisible()).toBe(true);
    await allergyForm.getByRole('textbox', { name: 'Substance' }).fill('Penicillin');
    await allergyForm.getByRole('textbox', { name: 'Reaction', exact: true }).fill('Hives');
    await allergyForm.getByLabel('Reaction severity', { exact: true }).click();
    await page.getByRole('option', { name: 'Moderate' }).click();
    await allergyForm.getByRole('button', { name: 'Record allergy' }).click();
    const allergies = page.getByRole('table', { name: 'Allergies' });
    await expect.poll(() => allergies.textContent(), { timeout: 10_000 }).toContain('Penicillin');
    expect(await allergies.textContent()).toContain('Hives (moderate)');
    await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('1 allergy: Penicillin');
    expect(await banner.textContent()).not.toContain('No known allergies');
    await expectAccessible(page, 'the allergies tab');
    await screenshot(page, 'chart-allergies');
    expect(physician.problems).toEqual([]);
  });

  it('orders a potassium; a critical result posted by the lab shows flagged in the chart and the inbox until acknowledged', async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}?tab=orders`);
    await expect.poll(() => page.getByText('No orders', { exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'New order' }).click();
    const form = page.getByRole('form', { name: 'New order' });
    // Nothing chosen: the form says so on the field.
    await form.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => form.getByText('Choose a test from the list').isVisible()).toBe(true);
    await form.getByLabel(/^Test/).fill('potassium');
    const option = page.getByRole('option', { name: /^2823-3 · Potassium/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    await option.click();
    await form.getByLabel('Priority', { exact: true }).click();
    await page.getByRole('option', { name: 'STAT' }).click();
    await form.getByRole('textbox', { name: 'Reason' }).fill('Weakness on ACE inhibitor');
    await form.getByRole('button', { name: 'Place order' }).click();

    const card = page.getByRole('article', { name: /^Order: Potassium/ });
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await card.textContent()).toContain('Active');
    expect(await card.textContent()).toContain('STAT');
    await expect.poll(() => card.getByText('No results yet.').isVisible()).toBe(true);

    // The lab posts its result through the API, as a lab system would.
    const listed = (await (
      await fetch(`${baseUrl}/patients/${patientId}/orders`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as OrderList;
    expect(listed.orders).toHaveLength(1);
    const order = listed.orders[0]!;
    expect(order.accessionNumber).toBeTruthy();
    expect(await card.textContent()).toContain(`Accession ${order.accessionNumber}`);
    await fhirAs(baseUrl, token).post(`/orders/${order.id}/results`, {
      status: 'final',
      analytes: [{ code: '2823-3', value: 6.9, unit: 'mmol/L' }],
    });

    await page.reload();
    const values = card.getByRole('table', { name: /values$/ });
    await expect.poll(() => values.isVisible(), { timeout: 10_000 }).toBe(true);
    const row = await values.locator('tbody tr').first().textContent();
    expect(row).toContain('6.9');
    expect(row).toContain('mmol/L');
    expect(row).toContain('3.5–5.1 mmol/L');
    expect(row).toContain('HH Critical high');
    await expect.poll(() => card.getByText('Critical', { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => card.getByRole('button', { name: /^Acknowledge/ }).isVisible()).toBe(true);
    await expectAccessible(page, 'the orders tab with a critical result');
    await screenshot(page, 'chart-orders-results');

    // The inbox, from the navigation, which counts the new result.
    const inboxLink = page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: /^Results inbox/ });
    await expect.poll(() => inboxLink.textContent(), { timeout: 10_000 }).toContain('1 new result, 1 critical');
    await inboxLink.click();
    const fresh = page.getByRole('table', { name: 'New results' });
    await expect.poll(() => fresh.textContent(), { timeout: 10_000 }).toContain('Potassium');
    const first = fresh.locator('tbody tr').first();
    expect(await first.textContent()).toContain('Critical');
    expect(await first.textContent()).toContain('6.9 mmol/L');
    expect(await first.textContent()).toContain('HH Critical high');
    await expect.poll(() => first.textContent()).toContain('OKONKWO-LINDQVIST');
    expect(
      await page
        .getByRole('main')
        .getByText(/1 new result, 1 critical/)
        .isVisible(),
    ).toBe(true);
    await expectAccessible(page, 'the results inbox');
    await screenshot(page, 'results-inbox');

    await first.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect.poll(() => page.getByText('No new results').isVisible(), { timeout: 10_000 }).toBe(true);
    const seen = page.getByRole('table', { name: 'Acknowledged results' });
    await expect.poll(() => seen.textContent()).toContain('Potassium');

    // The server agrees: nothing new for this physician.
    const inbox = (await (
      await fetch(`${baseUrl}/inbox/results?status=new`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { results: unknown[]; newCount: number };
    expect(inbox.newCount).toBe(0);
    expect(inbox.results).toEqual([]);
    await expect.poll(() => inboxLink.textContent(), { timeout: 10_000 }).toBe('Results inbox');
    expect(physician.problems).toEqual([]);
  });

  it('saves an imaging order as a draft, activates it and revokes it', async () => {
    const { page } = physician;
    await page.goto(`/patients/${patientId}?tab=orders`);
    await page.getByRole('button', { name: 'New order' }).click();
    const form = page.getByRole('form', { name: 'New order' });
    await form.getByText('Imaging', { exact: true }).click();
    await form.getByRole('checkbox', { name: /^Place the order now/ }).uncheck();
    await form.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => form.getByText('Choose a modality').isVisible()).toBe(true);
    await expect.poll(() => form.getByText('Choose a body part').isVisible()).toBe(true);
    await form.getByLabel(/^Modality/).click();
    await page.getByRole('option', { name: 'X-ray (digital radiography)' }).click();
    await form.getByLabel(/^Body part/).click();
    await page.getByRole('option', { name: 'Knee' }).click();
    await form.getByLabel('Laterality', { exact: true }).click();
    await page.getByRole('option', { name: 'Left' }).click();
    await form.getByRole('button', { name: 'Save draft' }).click();

    const card = page.getByRole('article', { name: 'Order: X-ray (digital radiography) knee (left)' });
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('Draft');
    expect(await card.textContent()).toContain('Imaging');
    await card.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('Active');
    await card.getByRole('button', { name: /^Revoke/ }).click();
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('Revoked');
    expect(await card.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    expect(physician.problems).toEqual([]);
  });
});
