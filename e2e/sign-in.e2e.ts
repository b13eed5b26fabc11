import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn } from './support/browser';
import { nextFreshStep, totpCode } from './support/totp';

const baseUrl = inject('meridianUrl');

describe('signing in', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a visitor to sign-in, refuses a wrong password and lets the right one in', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await page.goto('/patients');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Meridian' }).isVisible()).toBe(true);
    await expectAccessible(page, 'the sign-in page');
    await screenshot(page, 'sign-in');

    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(USERS.clinician.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Wrong email or password');
    expect(await alert.textContent()).toContain('Request id');

    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(USERS.clinician.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the person was going, with their account in the header.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/patients');
    await expect
      .poll(() => page.getByRole('button', { name: `Account menu: ${USERS.clinician.email}` }).isVisible())
      .toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks for the authenticator code when the account has two-factor sign-in', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(USERS.totp.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(USERS.totp.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Verification code');
    await expect.poll(() => code.isVisible()).toBe(true);
    await screenshot(page, 'sign-in-totp');

    await code.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('two-factor code is wrong');

    const { secret, usedStep } = inject('totp');
    const step = await nextFreshStep(usedStep);
    await code.fill(totpCode(secret, step));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/^Good (morning|afternoon|evening)/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs out and keeps the chart screens closed afterwards', async () => {
    const { page, context } = await openPage(browser, baseUrl);
    await signIn(page, USERS.clinician);
    await page.getByRole('button', { name: `Account menu: ${USERS.clinician.email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto('/patients');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});
