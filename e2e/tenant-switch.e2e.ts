import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fhirAs, PASSWORD } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, type TestPage } from './support/browser';
import { DEFAULT_TENANT } from './support/meridian-server';
import { nextFreshStep, totpCode, totpStep } from './support/totp';

const baseUrl = inject('meridianUrl');
const adminToken = inject('adminToken');

/** The CLI's local admin API, as `meridian tenant create` and `meridian user create` use it. */
async function localAdmin<T>(path: string, json: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/admin/local/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`local admin ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function tokenIn(email: string, tenant: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, tenant }),
  });
  if (!response.ok) throw new Error(`sign-in to ${tenant} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

function logoName(page: Page): Promise<string | null> {
  return page.getByRole('link', { name: /go to the workspace/ }).getAttribute('aria-label');
}

describe('switching organisation', () => {
  const suffix = Date.now().toString(36).slice(-5);
  const email = `two-clinics-${suffix}@meridian.test`;
  const upland = { name: 'Upland Family Practice', slug: `upland-${suffix}` };
  let uplandId: string;
  let harbourName: string;
  let browser: Browser;
  let session: TestPage;

  beforeAll(async () => {
    // The second organisation and a physician who works in both, made the way the CLI makes them.
    uplandId = (await localAdmin<{ id: string }>('tenants', upland)).id;
    await localAdmin('users', {
      tenant: DEFAULT_TENANT,
      email,
      name: 'Noor Castellanos',
      role: 'physician',
      password: PASSWORD,
    });
    await localAdmin('users', { tenant: uplandId, email, role: 'physician' });
    // One patient in each: the harbour's exists only there, the upland's only in Upland.
    const inHarbour = fhirAs(baseUrl, await tokenIn(email, DEFAULT_TENANT));
    await inHarbour.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Thornbury-Vale', given: ['Alma'] }] });
    const inUpland = fhirAs(baseUrl, await tokenIn(email, uplandId));
    await inUpland.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Quillfeather', given: ['Bram'] }] });
    const me = await fetch(`${baseUrl}/auth/me`, {
      headers: { authorization: `Bearer ${await tokenIn(email, DEFAULT_TENANT)}` },
    });
    harbourName = ((await me.json()) as { tenantName: string }).tenantName;

    browser = await launchBrowser();
    session = await openPage(browser, baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in to the first organisation, chosen by name, and sees its patient', async () => {
    const { page } = session;
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Choose where to work' }).isVisible()).toBe(true);
    await page.getByRole('combobox', { name: 'Organisation' }).click();
    await expect.poll(() => page.getByRole('option', { name: upland.name }).isVisible()).toBe(true);
    await page.getByRole('option', { name: harbourName }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => logoName(page)).toBe(`Meridian, ${harbourName}: go to the workspace`);

    await page.goto('/patients?q=thornbury');
    const table = page.getByRole('table', { name: 'Matching patients' });
    await expect.poll(() => table.textContent()).toContain('THORNBURY-VALE, Alma');
    expect(session.problems).toEqual([]);
  });

  it('switches from the account menu: the other name, none of the first one’s patients, its own patient', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Account menu: Noor Castellanos' }).click();
    const menu = page.getByRole('menu');
    await expect.poll(() => menu.getByText('Switch organisation').isVisible()).toBe(true);
    // Only the other organisation is offered; the current one is named above it.
    expect(await menu.getByRole('menuitem', { name: harbourName }).count()).toBe(0);
    await expect.poll(() => menu.getByText(harbourName).isVisible()).toBe(true);
    await expectAccessible(page, 'the account menu with its organisations');
    await screenshot(page, 'tenant-switch');

    await menu.getByRole('menuitem', { name: upland.name }).click();
    // The workspace home of the new organisation, under its name.
    await expect.poll(() => logoName(page)).toBe(`Meridian, ${upland.name}: go to the workspace`);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/^Good (morning|afternoon|evening)/);
    expect(await page.getByText(/Thornbury/i).count()).toBe(0);

    // Back to the results seen a moment ago: asked again, in the new organisation, where she does not exist.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).search).toBe('?q=thornbury');
    await expect.poll(() => page.getByText('No patients match “thornbury”').isVisible()).toBe(true);
    expect(await page.getByText(/Thornbury-Vale/i).count()).toBe(0);

    await page.goto('/patients?q=quillfeather');
    const table = page.getByRole('table', { name: 'Matching patients' });
    await expect.poll(() => table.textContent()).toContain('QUILLFEATHER, Bram');

    await page.getByRole('button', { name: 'Account menu: Noor Castellanos' }).click();
    await expect.poll(() => page.getByRole('menu').getByText(upland.name).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('menu').getByRole('menuitem', { name: harbourName }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(session.problems).toEqual([]);
  });

  it('asks for the authenticator code when the account has two-step verification', async () => {
    // Its own person: the sign-in opens before two-step verification is turned on, so only the switch asks.
    const careful = `two-clinics-totp-${suffix}@meridian.test`;
    await localAdmin('users', {
      tenant: DEFAULT_TENANT,
      email: careful,
      name: 'Ines Varga',
      role: 'nurse',
      password: PASSWORD,
    });
    await localAdmin('users', { tenant: uplandId, email: careful, role: 'nurse' });
    const tab = await openPage(browser, baseUrl);
    const { page } = tab;
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(careful);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: 'Organisation' }).click();
    await page.getByRole('option', { name: harbourName }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => logoName(page)).toBe(`Meridian, ${harbourName}: go to the workspace`);

    const api = fhirAs(baseUrl, await tokenIn(careful, DEFAULT_TENANT));
    const { secret } = await api.post<{ secret: string }>('/auth/mfa/totp', {});
    const usedStep = totpStep();
    await api.post('/auth/mfa/totp/verify', { code: totpCode(secret, usedStep) });

    await page.getByRole('button', { name: 'Account menu: Ines Varga' }).click();
    await page.getByRole('menu').getByRole('menuitem', { name: upland.name }).click();
    const dialog = page.getByRole('dialog', { name: `Switch to ${upland.name}` });
    const code = dialog.getByRole('textbox', { name: 'Verification code' });
    await expect.poll(() => code.isVisible()).toBe(true);
    await expectAccessible(page, 'the authenticator code asked for by a switch');
    await code.fill(totpCode(secret, usedStep) === '000000' ? '111111' : '000000');
    await dialog.getByRole('button', { name: 'Verify and switch' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('two-factor code is wrong');
    // Still where they were: nothing switched.
    expect(await logoName(page)).toBe(`Meridian, ${harbourName}: go to the workspace`);
    await screenshot(page, 'tenant-switch-code');

    await code.fill(totpCode(secret, await nextFreshStep(usedStep)));
    await dialog.getByRole('button', { name: 'Verify and switch' }).click();
    await expect.poll(() => logoName(page)).toBe(`Meridian, ${upland.name}: go to the workspace`);
    expect(await dialog.count()).toBe(0);
    expect(tab.problems).toEqual([]);
    await tab.context.close();
  });

  it('keeps one organisation per browser: a second tab starts over in the new one', async () => {
    const { page, context } = session;
    const other = await context.newPage();
    await other.goto('/patients?q=quillfeather');
    await expect
      .poll(() => other.getByRole('table', { name: 'Matching patients' }).textContent())
      .toContain('QUILLFEATHER, Bram');

    await page.getByRole('button', { name: 'Account menu: Noor Castellanos' }).click();
    await page.getByRole('menu').getByRole('menuitem', { name: harbourName }).click();
    await expect.poll(() => logoName(page)).toBe(`Meridian, ${harbourName}: go to the workspace`);
    // The other tab was showing Upland's patient: it leaves for the workspace home of the harbour.
    await expect.poll(() => logoName(other)).toBe(`Meridian, ${harbourName}: go to the workspace`);
    expect(new URL(other.url()).pathname).toBe('/');
    expect(await other.getByText(/Quillfeather/i).count()).toBe(0);
    await other.close();
    expect(session.problems).toEqual([]);
  });
});
