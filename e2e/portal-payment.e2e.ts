import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, type TestUser } from './support/api';
import { type Balance, chargedVisit, type JsonApi } from './support/billing';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { DEFAULT_TENANT } from './support/meridian-server';

const baseUrl = inject('meridianUrl');

const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 30_000 });

describe('patient portal: paying an invoice by card', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const family = `Lindqvist-${suffix}`;
  const patientUser: TestUser = { email: `maja.${suffix}@patients.test`, password: PASSWORD, roles: ['patient'] };
  let browser: Browser;
  let portal: TestPage;
  let billing: JsonApi;
  let patientId: string;
  let invoiceId: string;

  beforeAll(async () => {
    const visit = await chargedVisit(baseUrl, {
      // The clinic's own service code, so this file's catalog entry is its own.
      service: {
        code: { system: 'tenant', code: `consult-${suffix}`, display: 'Consultation' },
        title: `Consultation ${suffix}`,
        prices: [{ list: 'self-pay', amount: 15_000, currency: 'USD' }],
        validFrom: '2026-01-01',
      },
      patient: { name: [{ use: 'official', family, given: ['Maja'] }], gender: 'female', birthDate: '1979-09-23' },
      hoursAgo: 3,
    });
    const { admin } = visit;
    ({ billing, patientId } = visit);
    // The billing desk issues the invoice of the charged visit.
    invoiceId = (
      await billing<{ id: string }>('/billing/invoices', { method: 'POST', json: { encounter: visit.encounterId } })
    ).id;
    // The patient's own sign-in, linked to their record.
    await admin('/identity/users', {
      method: 'POST',
      json: {
        tenant: DEFAULT_TENANT,
        email: patientUser.email,
        name: `Maja ${family}`,
        role: 'patient',
        password: patientUser.password,
        fhirUser: `Patient/${patientId}`,
      },
    });
    browser = await launchBrowser();
    portal = await openPage(browser, baseUrl);
  }, 120_000);

  afterAll(async () => {
    await portal?.context.close();
    await browser?.close();
  });

  it('sees the invoice with its balance, pays part by card, then the rest, and sees it paid', async () => {
    const { page } = portal;
    const number = invoiceId.split('-')[0]!.toUpperCase();
    await signIn(page, patientUser);
    await page.waitForURL((url) => url.pathname === '/portal');
    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Invoices' }).click();
    const row = page
      .getByRole('table', { name: 'Invoices' })
      .getByRole('row', { name: new RegExp(`Invoice ${number}`) });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/To pay\s+\$150\.00\s+\$150\.00\s+Pay/);
    await expectAccessible(page, 'the portal invoices with one to pay');

    // The dialog starts at the balance; more than the balance is refused before anything is sent.
    await row.getByRole('button', { name: `Pay invoice ${number}` }).click();
    const dialog = page.getByRole('dialog', { name: `Pay invoice ${number}` });
    await dialog.waitFor();
    const amount = dialog.getByRole('textbox', { name: /Amount \(USD\)/ });
    expect(await amount.inputValue()).toBe('150.00');
    await dialog.getByText('Balance on this invoice: $150.00').waitFor();
    await amount.fill('200');
    await dialog.getByRole('button', { name: 'Pay $200.00' }).click();
    await dialog.getByText('You can pay at most $150.00 on this invoice.').waitFor();

    // A declined card: the patient is told, nothing is taken.
    await amount.fill('50.00');
    await dialog.getByRole('textbox', { name: /Card number/ }).fill('4000 0000 0000 0002');
    await dialog.getByRole('textbox', { name: /Expiry/ }).fill('12/34');
    await dialog.getByRole('textbox', { name: /Security code/ }).fill('123');
    await expectAccessible(page, 'the card payment dialog');
    await dialog.getByRole('button', { name: 'Pay $50.00' }).click();
    await dialog.getByText('Your card was declined', { exact: true }).waitFor();
    await dialog.getByText(/no money was taken/).waitFor();
    expect((await billing<Balance>(`/billing/patients/${patientId}/balance`)).balances[0]!.receivable).toBe(15_000);

    // Another card, double-clicked (the declined message goes away under the second click): one payment of
    // 50.00, the dialog still open, and the balance that is left.
    const keys: string[] = [];
    await page.route('**/billing/portal/invoices/*/payments', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      // Slow enough that both clicks land while the first payment is on its way.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await dialog.getByRole('textbox', { name: /Card number/ }).fill('4242 4242 4242 4242');
    await dialog.getByRole('button', { name: 'Pay $50.00' }).dblclick();
    await dialog.getByText('Payment received').waitFor();
    await dialog.getByText('You paid $50.00. The balance left on this invoice is $100.00.').waitFor();
    await page.unroute('**/billing/portal/invoices/*/payments');
    expect(new Set(keys).size).toBe(1);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await eventually(() => row.innerText()).toMatch(/Partly paid\s+\$150\.00\s+\$100\.00\s+Pay/);

    // While the patient has the dialog open, the desk takes 30.00 in cash: the server refuses 100.00 now
    // and says how much is left.
    await row.getByRole('button', { name: `Pay invoice ${number}` }).click();
    await dialog.waitFor();
    expect(await amount.inputValue()).toBe('100.00');
    await billing('/billing/payments', {
      method: 'POST',
      headers: { 'idempotency-key': randomUUID() },
      json: { patient: patientId, invoice: invoiceId, amount: 3_000, currency: 'USD', method: 'cash' },
    });
    await dialog.getByRole('textbox', { name: /Card number/ }).fill('4242 4242 4242 4242');
    await dialog.getByRole('textbox', { name: /Expiry/ }).fill('09/34');
    await dialog.getByRole('textbox', { name: /Security code/ }).fill('987');
    await screenshot(page, 'portal-invoice-pay');
    await dialog.getByRole('button', { name: 'Pay $100.00' }).click();
    await dialog.getByText('The amount is more than you owe').waitFor();
    await dialog.getByText('You can pay at most $70.00 on this invoice.').waitFor();

    await amount.fill('70');
    await dialog.getByRole('button', { name: 'Pay $70.00' }).click();
    await dialog.getByText('You paid $70.00. This invoice is now paid in full: the balance is $0.00.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => row.innerText()).toMatch(/Paid\s+\$150\.00\s+\$0\.00/);
    expect(await row.getByRole('button', { name: `Pay invoice ${number}` }).count()).toBe(0);
    await expectAccessible(page, 'the portal invoices with the invoice paid');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'portal-invoice-paid');

    // The desk's books agree: nothing owed, three payments (50.00 and 70.00 by card, 30.00 in cash).
    const balance = await billing<Balance>(`/billing/patients/${patientId}/balance`);
    expect(balance.balances).toEqual([{ currency: 'USD', receivable: 0, credit: 0, due: 0 }]);
    const payments = await billing<{ method: string; amount: number }[]>(`/billing/payments?patient=${patientId}`);
    expect(payments.map((payment) => [payment.method, payment.amount])).toEqual([
      ['card', 5_000],
      ['cash', 3_000],
      ['card', 7_000],
    ]);
    expect(portal.problems).toEqual([]);
  }, 180_000);
});
