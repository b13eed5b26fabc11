import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn } from './support/browser';

const baseUrl = inject('meridianUrl');

describe('system health and role-aware navigation', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows an admin the server readings and queues, and only the screens an admin has', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await signIn(page, USERS.admin);
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    // Compared by address: a link's text may carry a count badge.
    const addresses = () =>
      navigation.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    await expect
      .poll(addresses)
      .toEqual([
        '/billing',
        '/console/system-health',
        '/console/users',
        '/console/policies',
        '/console/smart-apps',
        '/console/audit',
        '/console/vault',
      ]);

    await navigation.getByRole('link', { name: 'System health' }).click();
    const status = page.getByRole('group', { name: 'Status' });
    await expect.poll(() => status.textContent()).toContain('Ready');
    expect(await status.textContent()).toContain('PGlite');
    const requests = page.getByRole('group', { name: 'Requests' });
    await expect
      .poll(async () => Number((await requests.textContent())?.replace(/\D+/g, ' ').trim().split(' ')[0]))
      .toBeGreaterThan(0);
    expect(await page.getByRole('group', { name: 'Uptime' }).textContent()).toMatch(/\d+ (s|min|h|d)/);
    expect(await page.getByRole('group', { name: 'Server errors (5xx)' }).textContent()).toContain('%');
    await expect
      .poll(() => page.getByRole('table', { name: 'Busiest routes' }).textContent())
      .toContain('POST /auth/login');
    // The background work: every event subscriber and outgoing queue, and live updates on this one server.
    const subscribers = page.getByRole('table', { name: 'Event subscribers' });
    await expect.poll(() => subscribers.textContent()).toContain('live-updates');
    expect(await subscribers.textContent()).toContain('webhooks');
    const outgoing = page.getByRole('table', { name: 'Outgoing messages' });
    expect(await outgoing.textContent()).toContain('Notifications (email, SMS, in-app)');
    expect(await outgoing.textContent()).toContain('FHIR Subscriptions');
    expect(await page.getByText('Live updates: connected · this server only (embedded database)').isVisible()).toBe(
      true,
    );
    await expectAccessible(page, 'system health');
    await screenshot(page, 'system-health');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps clinicians out of the admin console', async () => {
    const { page, context } = await openPage(browser, baseUrl);
    await signIn(page, USERS.clinician);
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    await expect
      .poll(() => navigation.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href'))))
      .toEqual(['/', '/patients', '/inbox', '/patients/new', '/schedule', '/beds']);
    await page.goto('/console/system-health');
    await expect.poll(() => page.getByText("You don't have access to this screen").isVisible()).toBe(true);
    await page.goto('/no/such/screen');
    await expect.poll(() => page.getByRole('heading', { name: 'Page not found' }).isVisible()).toBe(true);
    await context.close();
  });
});
