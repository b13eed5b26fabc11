import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn } from './support/browser';

const baseUrl = inject('meridianUrl');

const READER_POLICY = `# Read the clinic's secrets, and see which engines exist
path "sys/mounts" {
  capabilities = ["read"]
}
path "secret/data/clinic/*" {
  capabilities = ["read"]
}
path "secret/metadata/*" {
  capabilities = ["read", "list"]
}
`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A form field by its label; required fields' labels end in an asterisk. */
const field = (scope: Page | Locator, label: string) => scope.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\*)?$`));

const visible = (page: Page, text: string | RegExp) => page.getByText(text).first().isVisible();
const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true });
const main = (page: Page) => page.locator('#main-content');

/** Closes the confirmations still on screen, so a screenshot shows the screen itself. */
async function dismissNotifications(page: Page) {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  for (const button of await dismiss.all()) await button.click({ force: true, timeout: 2_000 }).catch(() => {});
  // They slide away before they leave the page.
  await expect.poll(() => dismiss.count(), { timeout: 5_000 }).toBe(0);
}

/** Waits for closed dialogs to finish leaving, so checks see the screen and not a fading dialog. */
async function noDialog(page: Page) {
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
}

async function showValues(page: Page) {
  const toggle = page.getByRole('checkbox', { name: 'Show values' });
  if (!(await toggle.isChecked())) await toggle.check();
}

async function secretValue(page: Page, key: string): Promise<string> {
  const row = page.getByRole('table', { name: 'Secret data' }).getByRole('row').filter({ hasText: key });
  return ((await row.getByRole('cell').nth(1).textContent()) ?? '').trim();
}

describe('the vault section', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('initialises, unseals, keeps versioned secrets, policies and users, and lets that user sign in', {
    timeout: 240_000,
  }, async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await signIn(page, USERS.admin);

    // A new vault: an admin finds it in the navigation, uninitialised.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Vault' }).click();
    await expect.poll(() => heading(page, 'Initialise the vault').isVisible()).toBe(true);
    expect(await visible(page, 'Not initialised')).toBe(true);
    await field(page, 'Key shares').fill('3');
    await field(page, 'Key threshold').fill('2');
    await noDialog(page);
    await expectAccessible(page, 'vault initialisation');
    await screenshot(page, 'vault-init');
    await page.getByRole('button', { name: 'Initialise' }).click();

    // The key shares and the root token, shown once with a warning.
    await expect.poll(() => heading(page, 'Save the key shares and the root token').isVisible()).toBe(true);
    expect(await visible(page, 'This is the only time they are shown')).toBe(true);
    const keys = await page.getByTestId('key-share').allTextContents();
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{66}$/);
    const rootToken = (await page.getByTestId('root-token').textContent())?.trim() ?? '';
    expect(rootToken).toMatch(/^hvs\./);
    await noDialog(page);
    await expectAccessible(page, 'vault key shares');
    await screenshot(page, 'vault-keys');
    await page.getByRole('button', { name: 'I have saved them: continue to unseal' }).click();

    // Unseal with two of the three shares; progress shows after the first.
    await expect.poll(() => heading(page, 'Unseal the vault').isVisible()).toBe(true);
    expect(await visible(page, '0 of 2 key shares entered')).toBe(true);
    await field(page, 'Key share').fill('not-a-key-share');
    await page.getByRole('button', { name: 'Enter key share' }).click();
    await expect.poll(() => visible(page, 'The key share was not accepted')).toBe(true);
    await field(page, 'Key share').fill(keys[0]!);
    await page.getByRole('button', { name: 'Enter key share' }).click();
    await expect.poll(() => visible(page, '1 of 2 key shares entered')).toBe(true);
    await noDialog(page);
    await expectAccessible(page, 'vault unseal');
    await screenshot(page, 'vault-unseal');
    await field(page, 'Key share').fill(keys[2]!);
    await page.getByRole('button', { name: 'Enter key share' }).click();

    // Sign in to the vault with the root token.
    await expect.poll(() => heading(page, 'Sign in to the vault').isVisible()).toBe(true);
    await noDialog(page);
    await expectAccessible(page, 'vault sign-in');
    await field(page, 'Token').fill(rootToken);
    await page.getByRole('button', { name: 'Sign in to the vault' }).click();
    await expect.poll(() => page.getByTestId('vault-identity').textContent()).toBe('root');
    await expect.poll(() => visible(page, 'No key/value secrets engine yet')).toBe(true);

    // A KV version 2 engine at secret/.
    await page.getByRole('button', { name: 'Enable secrets engine' }).click();
    const engineDialog = page.getByRole('dialog', { name: 'Enable a key/value secrets engine' });
    expect(await field(engineDialog, 'Path').inputValue()).toBe('secret');
    await engineDialog.getByRole('button', { name: 'Enable' }).click();
    const engines = page.getByRole('table', { name: 'Secrets engines' });
    await expect.poll(() => engines.textContent()).toContain('KV version 2');
    await engines.getByRole('link', { name: 'secret/' }).click();

    // Write a secret with two keys: version 1.
    await expect.poll(() => visible(page, 'No secrets here yet')).toBe(true);
    await page.getByRole('button', { name: 'Create secret' }).click();
    await field(page, 'Path').fill('clinic/smtp');
    await field(page, 'Key 1').fill('username');
    await field(page, 'Value 1').fill('mailer');
    await page.getByRole('button', { name: 'Add row' }).click();
    await field(page, 'Key 2').fill('password');
    await field(page, 'Value 2').fill('first-password');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await expect.poll(() => heading(page, 'clinic/smtp').isVisible()).toBe(true);
    expect(await visible(page, 'Version 1')).toBe(true);
    // Values stay hidden until asked for.
    expect(await secretValue(page, 'password')).not.toContain('first-password');
    await showValues(page);
    expect(await secretValue(page, 'password')).toBe('first-password');

    // Edit it: version 2, with version 1 kept.
    await page.getByRole('button', { name: 'Edit secret' }).click();
    await field(page, 'Value 2').fill('second-password');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const versions = page.getByRole('table', { name: 'Versions' });
    await expect.poll(async () => (await versions.getByRole('row').count()) - 1).toBe(2);
    await expect.poll(() => visible(page, 'Version 2')).toBe(true);
    await showValues(page);
    await expect.poll(() => secretValue(page, 'password')).toBe('second-password');
    expect(await versions.getByRole('row').nth(1).textContent()).toContain('Current');
    await noDialog(page);
    await expectAccessible(page, 'a vault secret');
    await dismissNotifications(page);
    await screenshot(page, 'vault-secret');

    // The older version, marked as such.
    await page.getByRole('link', { name: 'View version 1' }).click();
    await expect.poll(() => visible(page, 'Version 1 of 2')).toBe(true);
    expect(await visible(page, 'You are looking at version 1; the current version is 2.')).toBe(true);
    await showValues(page);
    await expect.poll(() => secretValue(page, 'password')).toBe('first-password');
    expect(await page.getByRole('button', { name: 'Edit secret' }).count()).toBe(0);
    await dismissNotifications(page);
    await screenshot(page, 'vault-secret-version');

    // The folder lists the secret.
    await page.getByRole('navigation', { name: 'Secret path' }).getByRole('link', { name: 'clinic' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Secrets' }).textContent()).toContain('smtp');

    // A policy: the vault's parse error is shown at the editor, then a valid one is saved.
    const sections = page.getByRole('navigation', { name: 'Vault sections' });
    await sections.getByRole('link', { name: 'Policies' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Policies' }).textContent()).toContain('default');
    await page.getByRole('button', { name: 'Create policy' }).click();
    const policyDialog = page.getByRole('dialog', { name: 'Create an ACL policy' });
    await field(policyDialog, 'Name').fill('clinic-reader');
    await field(policyDialog, 'Policy (HCL)').fill('path "secret/data/clinic/*" {\n  capabilities = ["reed"]\n}\n');
    await policyDialog.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => visible(page, 'invalid capability "reed"')).toBe(true);
    await field(policyDialog, 'Policy (HCL)').fill(READER_POLICY);
    await policyDialog.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => heading(page, 'clinic-reader').isVisible()).toBe(true);
    expect(await field(page, 'Policy (HCL)').inputValue()).toContain('secret/data/clinic/*');
    await noDialog(page);
    await expectAccessible(page, 'a vault policy');
    await dismissNotifications(page);
    await screenshot(page, 'vault-policy');

    // Userpass, then a user holding that policy.
    await sections.getByRole('link', { name: 'Auth methods' }).click();
    await page.getByRole('button', { name: 'Enable auth method' }).click();
    const authDialog = page.getByRole('dialog', { name: 'Enable an auth method' });
    expect(await authDialog.getByRole('radio', { name: 'Username and password' }).isChecked()).toBe(true);
    await authDialog.getByRole('button', { name: 'Enable' }).click();
    const methods = page.getByRole('table', { name: 'Auth methods' });
    await expect.poll(() => methods.textContent()).toContain('userpass/');
    await methods.getByRole('link', { name: 'Manage users' }).click();
    await expect.poll(() => visible(page, 'No users yet')).toBe(true);
    await page.getByRole('button', { name: 'Create user' }).click();
    const userDialog = page.getByRole('dialog', { name: 'Create a user' });
    await field(userDialog, 'Username').fill('ana');
    await field(userDialog, 'Password').fill('ana-vault-password-1');
    await field(userDialog, 'Policies').fill('clinic-reader');
    await field(userDialog, 'Policies').press('Enter');
    // Leaving the field closes its suggestions.
    await field(userDialog, 'Policies').press('Tab');
    await userDialog.getByRole('button', { name: 'Create user' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await expect.poll(() => users.textContent()).toContain('ana');
    await expect.poll(() => users.textContent()).toContain('clinic-reader');
    await noDialog(page);
    await expectAccessible(page, 'vault users');
    await dismissNotifications(page);
    await screenshot(page, 'vault-users');

    // An AppRole for an application: its role ID, and a secret ID shown once.
    await sections.getByRole('link', { name: 'Auth methods' }).click();
    await page.getByRole('button', { name: 'Enable auth method' }).click();
    await authDialog.getByRole('radio', { name: 'AppRole (applications)' }).check();
    await authDialog.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => methods.textContent()).toContain('approle/');
    await methods.getByRole('link', { name: 'Manage roles' }).click();
    await page.getByRole('button', { name: 'Create role' }).click();
    const roleDialog = page.getByRole('dialog', { name: 'Create an AppRole' });
    await field(roleDialog, 'Role name').fill('mail-relay');
    await field(roleDialog, 'Policies').fill('clinic-reader');
    await field(roleDialog, 'Policies').press('Enter');
    await field(roleDialog, 'Policies').press('Tab');
    await roleDialog.getByRole('button', { name: 'Create role' }).click();
    const roles = page.getByRole('table', { name: 'AppRoles' });
    await expect.poll(() => roles.textContent()).toContain('mail-relay');
    await page.getByRole('button', { name: 'Role ID of mail-relay' }).click();
    await expect.poll(() => page.getByTestId('role-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('dialog', { name: 'Role ID of mail-relay' }).getByRole('button', { name: 'Close' }).click();
    await noDialog(page);
    await page.getByRole('button', { name: 'New secret ID for mail-relay' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'New secret ID for mail-relay' });
    await expect.poll(() => secretDialog.getByTestId('secret-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    expect(await secretDialog.textContent()).toContain('Shown only this once');
    // The dialog fades in; check it once it is fully there.
    await page.waitForTimeout(400);
    await expectAccessible(page, 'a new AppRole secret ID');
    await dismissNotifications(page);
    await screenshot(page, 'vault-approle-secret-id');
    await secretDialog.getByRole('button', { name: 'Close' }).click();

    // Signing out of the vault forgets the token; it was never in localStorage or a cookie.
    expect(await page.evaluate(() => sessionStorage.getItem('meridian.vault.session'))).toContain(rootToken);
    await page.getByRole('button', { name: 'Sign out of the vault' }).click();
    await expect.poll(() => heading(page, 'Sign in to the vault').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('meridian.vault.session'))).toBeNull();
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain('hvs.');
    expect(JSON.stringify(await context.cookies())).not.toContain('hvs.');

    // The new user signs in with a password, reads the secret, and is refused what the policy does not grant.
    await page.getByRole('tab', { name: 'Username' }).click();
    await field(page, 'Username').fill('ana');
    await field(page, 'Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in to the vault' }).click();
    await expect.poll(() => visible(page, 'invalid username or password')).toBe(true);
    await field(page, 'Password').fill('ana-vault-password-1');
    await page.getByRole('button', { name: 'Sign in to the vault' }).click();
    await expect.poll(() => page.getByTestId('vault-identity').textContent()).toBe('ana');
    // Still on the users screen, which this user's policy does not open.
    await expect.poll(() => main(page).getByRole('alert').first().textContent()).toContain('permission denied');
    await sections.getByRole('link', { name: 'Secrets' }).click();
    await page.getByRole('table', { name: 'Secrets engines' }).getByRole('link', { name: 'secret/' }).click();
    await page.getByRole('table', { name: 'Secrets' }).getByRole('link', { name: 'clinic/' }).click();
    await page.getByRole('table', { name: 'Secrets' }).getByRole('link', { name: 'smtp' }).click();
    await showValues(page);
    await expect.poll(() => secretValue(page, 'password')).toBe('second-password');
    // Her policy only reads: the screen offers no edit, delete or seal.
    await expect.poll(() => page.getByRole('button', { name: 'Edit secret' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete secret' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Delete|Destroy) version/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Seal' }).count()).toBe(0);
    await dismissNotifications(page);
    await screenshot(page, 'vault-user-secret');
    await sections.getByRole('link', { name: 'Policies' }).click();
    await expect.poll(() => main(page).getByRole('alert').textContent()).toContain('permission denied');

    expect(problems).toEqual([]);
    await context.close();
  });
});
