import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

interface PolicyView {
  version: number;
  source: string;
  policy: {
    clinicianAccess: string;
    rules: { role: string; resources: string[]; interactions: string[]; effect: string }[];
  };
}

describe('access administration in the console', () => {
  let browser: Browser;
  let admin: TestPage;
  let adminToken: string;

  const readPolicy = async () => {
    const response = await fetch(`${baseUrl}/access/policies`, { headers: { authorization: `Bearer ${adminToken}` } });
    return { view: (await response.json()) as PolicyView, etag: response.headers.get('etag')! };
  };

  beforeAll(async () => {
    adminToken = await accessToken(baseUrl, USERS.admin);
    browser = await launchBrowser();
    admin = await openPage(browser, baseUrl);
    await signIn(admin.page, USERS.admin);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('adds a deny rule to the policy, saves it, and is told when someone else changed it meanwhile', async () => {
    const { page } = admin;
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Access policies' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Access policies', level: 1 }).isVisible()).toBe(true);
    const rules = page.getByRole('table', { name: 'Access rules' });
    await expect.poll(() => rules.getByRole('row').count()).toBeGreaterThan(5);
    const before = await readPolicy();

    // A rule with nothing chosen is refused on its fields before anything is sent.
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a rule' });
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Pharmacist' }).click();
    await dialog.getByText('Deny (wins over allow)').click();
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => dialog.getByText('Choose at least one resource type, or *').isVisible()).toBe(true);
    await dialog.getByLabel('Resource types').fill('Invoi');
    await page.getByRole('option', { name: 'Invoice', exact: true }).click();
    // Closes the type list, which stays open for more choices.
    await dialog.getByText('Effect', { exact: true }).click();
    await dialog.getByLabel('Interactions').focus();
    await dialog.getByLabel('Interactions').press('Backspace');
    await dialog.getByLabel('Interactions').press('Backspace');
    await dialog.getByLabel('Interactions').fill('delete');
    await dialog.getByLabel('Interactions').press('Enter');
    await dialog.getByText('Effect', { exact: true }).click();
    await expectAccessible(page, 'the policy rule dialog');
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // Only the pharmacist's rules, the new one among them, marked as a deny.
    await page.getByRole('combobox', { name: 'Show rules for' }).click();
    await page.getByRole('option', { name: 'Pharmacist' }).click();
    const denyRow = rules.getByRole('row').filter({ hasText: 'Never delete of Invoice' });
    await expect.poll(() => denyRow.count()).toBe(1);
    await expect.poll(() => denyRow.getByText('Deny').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('You have unsaved changes.').isVisible()).toBe(true);
    await screenshot(page, 'console-access-policies');
    await expectAccessible(page, 'the access policies screen');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(async () => (await readPolicy()).view.version).toBe(before.view.version + 1);
    const saved = (await readPolicy()).view;
    expect(saved.source).toBe('tenant');
    expect(saved.policy.rules).toContainEqual({
      role: 'pharmacist',
      resources: ['Invoice'],
      interactions: ['delete'],
      effect: 'deny',
    });

    // Someone else saves a version; this screen's next save is refused and offers to reload.
    const current = await readPolicy();
    const changed = await fetch(`${baseUrl}/access/policies`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', 'if-match': current.etag },
      body: JSON.stringify({ policy: current.view.policy }),
    });
    expect(changed.status).toBe(200);
    await denyRow.getByRole('button', { name: /Remove rule/ }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByText('Someone else changed the policy').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Reload policy' }).click();
    await expect.poll(() => denyRow.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
  });

  it('registers a SMART app (its secret shown once), refuses a backend service without keys, and removes the app', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'SMART apps' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'SMART apps', level: 1 }).isVisible()).toBe(true);

    await page.getByRole('main').getByRole('button', { name: 'Register app' }).click();
    let dialog = page.getByRole('dialog', { name: 'Register a SMART app' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Growth Charts');
    await dialog.getByRole('radio', { name: /Server-side app/ }).check();
    await dialog.getByRole('textbox', { name: 'Redirect URIs' }).fill('https://charts.example.org/callback');
    await expectAccessible(page, 'the SMART app registration dialog');
    await dialog.getByRole('button', { name: 'Register app' }).click();
    const done = page.getByRole('dialog', { name: 'App registered' });
    await expect.poll(() => done.getByText('Copy the client secret now').isVisible()).toBe(true);
    await screenshot(page, 'console-smart-app-registered');
    await done.getByRole('button', { name: 'Done' }).click();
    const apps = page.getByRole('table', { name: 'SMART apps' });
    await expect.poll(() => apps.getByRole('row').filter({ hasText: 'Growth Charts' }).count()).toBe(1);
    expect(
      await apps.getByRole('row').filter({ hasText: 'Growth Charts' }).getByText('Server-side app').isVisible(),
    ).toBe(true);

    await page.getByRole('main').getByRole('button', { name: 'Register app' }).click();
    dialog = page.getByRole('dialog', { name: 'Register a SMART app' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Lab feed');
    await dialog.getByRole('radio', { name: /Backend service/ }).check();
    await dialog.getByRole('button', { name: 'Register app' }).click();
    await expect.poll(() => dialog.getByText(/needs its public keys/).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await screenshot(page, 'console-smart-apps');
    await expectAccessible(page, 'the SMART apps screen');

    await apps.getByRole('button', { name: 'Remove Growth Charts' }).click();
    await page.getByRole('dialog', { name: 'Remove app' }).getByRole('button', { name: 'Remove app' }).click();
    await expect.poll(() => apps.getByRole('row').filter({ hasText: 'Growth Charts' }).count()).toBe(0);
    const listed = await fetch(`${baseUrl}/smart/clients`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(((await listed.json()) as { clients: { name: string }[] }).clients.map((c) => c.name)).not.toContain(
      'Growth Charts',
    );
  });
});
