import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USERS } from './support/api';
import { type Balance, chargedVisit, type JsonApi } from './support/billing';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

interface TrialBalance {
  balanced: boolean;
  accounts: { account: string; currency: string; balance: number }[];
}

/** Closes the confirmations and scrolls to the top, so a screenshot shows the whole screen. */
async function tidy(page: import('playwright-core').Page): Promise<void> {
  for (const dismiss of await page.getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
  await page.evaluate(() => window.scrollTo(0, 0));
}

const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 30_000 });

describe('billing desk: invoice and partial card payment', () => {
  let browser: Browser;
  let desk: TestPage;
  let billing: JsonApi;
  let patientId: string;

  beforeAll(async () => {
    // As in the billing story: a catalog service, a finished visit, and the visit's services charged.
    ({ billing, patientId } = await chargedVisit(baseUrl, {
      service: {
        code: { system: 'hcpcs', code: 'G0463', display: 'Hospital outpatient clinic visit' },
        title: 'Clinic visit',
        prices: [
          { list: 'self-pay', amount: 15_000, currency: 'USD' },
          { list: 'payer:acme', amount: 12_000, currency: 'USD' },
        ],
        validFrom: '2026-01-01',
      },
      patient: { name: [{ family: 'Marchetti', given: ['Odile'] }], gender: 'female', birthDate: '1984-03-02' },
      hoursAgo: 2,
      charge: { diagnoses: ['J20.9', 'R05.9'], modifiers: ['25'] },
    }));
    browser = await launchBrowser();
    desk = await openPage(browser, baseUrl);
  }, 120_000);

  afterAll(async () => {
    await desk?.context.close();
    await browser?.close();
  });

  it('generates and issues an invoice, takes a partial card payment once, and shows the balance', async () => {
    const { page } = desk;
    await signIn(page, USERS.billing);
    const navigation = page.getByRole('navigation');
    await navigation.getByRole('link', { name: 'Billing desk' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/billing');
    await page.getByRole('heading', { name: 'Billing desk', level: 1 }).waitFor();
    await page.getByText('Find a patient').waitFor();
    await expectAccessible(page, 'the billing desk');

    // Find the patient as a person would.
    await page.getByRole('searchbox', { name: 'Patient', exact: true }).fill('Marchetti');
    await page.getByRole('option', { name: /MARCHETTI, Odile/ }).click();
    const account = page.getByRole('heading', { name: /Account of MARCHETTI, Odile/ });
    await account.waitFor();
    // The picker's type-ahead settles once the chosen name is in the box.
    await page.getByRole('searchbox', { name: 'Patient', exact: true }).blur();
    await page.getByLabel('Searching').waitFor({ state: 'hidden' });

    // The visit's charge: code, modifier, diagnoses, amount, status.
    const charges = page.getByRole('region', { name: 'Visits and charges' });
    const chargeRow = charges.getByRole('row', { name: /G0463/ });
    await chargeRow.waitFor();
    expect(await chargeRow.innerText()).toMatch(
      /G0463\s+Hospital outpatient clinic visit\s+25\s+J20\.9, R05\.9\s+1\s+\$150\.00\s+Billable/,
    );
    expect(await page.getByTestId('balance-due').innerText()).toBe('$0.00');
    await expectAccessible(page, "a patient's account");

    // Generate a draft invoice from the visit, then issue it.
    await charges.getByRole('button', { name: /Generate invoice for visit of/ }).click();
    const invoices = page.getByRole('table', { name: 'Invoices' });
    const invoiceRow = invoices.getByRole('row', { name: /Invoice [0-9A-F]{8}/ }).first();
    await eventually(async () => (await invoiceRow.isVisible()) && (await invoiceRow.innerText())).toMatch(/Draft/);
    expect(await invoiceRow.innerText()).toMatch(/Draft\s+\$150\.00\s+\$0\.00\s+\$0\.00/);
    await eventually(() => chargeRow.innerText()).toMatch(/On draft invoice/);
    expect(await charges.getByRole('button', { name: /Generate invoice for visit of/ }).isDisabled()).toBe(true);
    await invoiceRow.getByRole('button', { name: /Issue invoice/ }).click();
    await eventually(() => invoiceRow.innerText()).toMatch(/Issued\s+\$150\.00\s+\$0\.00\s+\$150\.00/);
    await eventually(() => page.getByTestId('balance-due').innerText()).toBe('$150.00');
    await eventually(() => chargeRow.innerText()).toMatch(/Invoiced/);
    await tidy(page);
    await screenshot(page, 'billing-invoice');

    // The PDF link opens the server's PDF of that invoice.
    const pdfLink = invoiceRow.getByRole('link', { name: /Open the PDF of invoice/ });
    const href = await pdfLink.getAttribute('href');
    expect(href).toMatch(/^\/billing\/invoices\/[0-9a-f-]+\/pdf$/);
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // A partial card payment of 50.00, double-clicked: charged once.
    await invoiceRow.getByRole('button', { name: /Take payment on invoice/ }).click();
    const dialog = page.getByRole('dialog', { name: /Payment on invoice/ });
    await dialog.waitFor();
    const amount = dialog.getByRole('textbox', { name: /Amount \(USD\)/ });
    expect(await amount.inputValue()).toBe('150.00');
    await amount.fill('50.00');
    await dialog.getByRole('radio', { name: 'Card' }).check({ force: true });
    await expectAccessible(page, 'the payment dialog');
    // The first answer is lost on the way back (the server did take the payment): the desk is told it may
    // have gone through, and the retry sends the same Idempotency-Key, so the card is not charged again.
    const keys: string[] = [];
    let dropFirstAnswer = true;
    await page.route('**/billing/payments', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!dropFirstAnswer) return route.continue();
      dropFirstAnswer = false;
      await route.fetch();
      await route.abort('failed');
    });
    await dialog.getByRole('button', { name: 'Take payment' }).dblclick();
    await dialog.getByText('No answer yet: the payment may have been taken').waitFor();
    // Neither Escape nor a click outside closes the dialog now: the message and the attempt's key would go.
    await page.keyboard.press('Escape');
    await page.mouse.click(8, 8);
    await page.waitForTimeout(500);
    await expect.poll(() => dialog.getByText('No answer yet: the payment may have been taken').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Take payment' }).click();
    await dialog.getByText('Payment taken').waitFor();
    await page.unroute('**/billing/payments');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    await eventually(() => dialog.getByTestId('payment-new-balance').innerText()).toBe('New balance due: $100.00');
    expect(await dialog.innerText()).toContain('$50.00 by card');
    await tidy(page);
    await screenshot(page, 'billing-payment');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await eventually(() => invoiceRow.innerText()).toMatch(/Partially paid\s+\$150\.00\s+\$50\.00\s+\$100\.00/);
    await eventually(() => page.getByTestId('balance-due').innerText()).toBe('$100.00');

    // The ledger agrees: one payment of 50.00, 100.00 still due, every account balanced.
    const balance = await billing<Balance>(`/billing/patients/${patientId}/balance`);
    expect(balance.balances).toEqual([{ currency: 'USD', receivable: 10_000, credit: 0, due: 10_000 }]);
    const payments = await billing<{ kind: string; amount: number; method: string }[]>(
      `/billing/payments?patient=${patientId}`,
    );
    expect(payments.map((payment) => [payment.kind, payment.method, payment.amount])).toEqual([
      ['payment', 'card', 5_000],
    ]);
    const trial = await billing<TrialBalance>('/billing/ledger/trial-balance');
    expect(trial.balanced).toBe(true);

    // A further charge from the service catalog, on the same visit: billable, ready for the next invoice.
    await charges.getByRole('button', { name: 'Add charge' }).click();
    const addDialog = page.getByRole('dialog', { name: 'Add a charge' });
    await addDialog.getByRole('combobox', { name: /^Service/ }).click();
    await page.getByRole('option', { name: /G0463 Clinic visit \(\$150\.00\)/ }).click();
    await addDialog.getByRole('textbox', { name: /Diagnoses/ }).fill('Z00.00');
    await expectAccessible(page, 'the add charge dialog');
    await addDialog.getByRole('button', { name: 'Add charge' }).click();
    await addDialog.waitFor({ state: 'hidden' });
    await eventually(() => charges.getByRole('row', { name: /Z00\.00/ }).innerText()).toMatch(
      /G0463\s+Hospital outpatient clinic visit\s+—\s+Z00\.00\s+1\s+\$150\.00\s+Billable/,
    );
    await charges.getByText('1 billable charge, $150.00 before tax').waitFor();

    // Entered by mistake: voided with a reason, it leaves nothing to invoice.
    const extra = charges.getByRole('row', { name: /Z00\.00/ });
    await extra.getByRole('button', { name: 'Void charge G0463' }).click();
    const voidDialog = page.getByRole('dialog', { name: 'Void charge G0463' });
    await voidDialog.getByRole('textbox', { name: /Reason/ }).fill('Entered twice');
    await expectAccessible(page, 'the void charge dialog');
    await voidDialog.getByRole('button', { name: 'Void charge' }).click();
    await voidDialog.waitFor({ state: 'hidden' });
    await eventually(() => extra.innerText()).toMatch(/\$150\.00\s+Voided/);
    await charges.getByText('Nothing left to invoice').waitFor();
    expect((await billing<Balance>(`/billing/patients/${patientId}/balance`)).balances[0]!.due).toBe(10_000);

    // The reports: AR aging shows the patient's 100.00 as current.
    await page.getByRole('tab', { name: 'AR aging' }).click();
    const aging = page.getByRole('table', { name: 'Accounts receivable aging' });
    await eventually(async () => (await aging.isVisible()) && (await aging.innerText())).toMatch(/Patients/);
    await expectAccessible(page, 'the AR aging report');
    await page.getByRole('tab', { name: 'Claims' }).click();
    await page.getByText('No claims yet').waitFor();
    await expectAccessible(page, 'the claims list');
    await page.getByRole('tab', { name: 'Service catalog' }).click();
    await page
      .getByRole('table', { name: 'Service catalog' })
      .getByRole('row', { name: /G0463 Clinic visit \$150\.00 Active/ })
      .waitFor();

    expect(desk.problems).toEqual([]);
  }, 180_000);
});
