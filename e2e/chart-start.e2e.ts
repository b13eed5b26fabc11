import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, USERS } from './support/api';
import { launchBrowser, openPage, signIn } from './support/browser';
import { seedPatientWithHistory } from './support/clinical-data';

const baseUrl = inject('meridianUrl');

/** The FHIR reads a page asks for, by path (and query), in order. */
function fhirReads(page: Page): string[] {
  const reads: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/fhir/') && request.method() === 'GET') reads.push(url.pathname + url.search);
  });
  return reads;
}

async function expectChartShown(page: Page) {
  const banner = page.getByRole('region', { name: 'Patient banner' });
  await expect.poll(() => banner.textContent()).toContain('1 allergy: Penicillin');
  await expect
    .poll(() => page.getByRole('table', { name: 'Conditions' }).textContent())
    .toContain('Type 2 diabetes mellitus');
  expect(await page.getByRole('alert').count()).toBe(0);
}

// A chart's address loaded afresh: the page asks who is signed in, and reads the chart's first screen,
// before the app's own scripts have run (apps/web/src/boot).
describe('opening a chart by its address', () => {
  let browser: Browser;
  let patientId: string;

  beforeAll(async () => {
    ({ patientId } = await seedPatientWithHistory(baseUrl, await accessToken(baseUrl, USERS.clinician)));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signed out: the sign-in page, no patient data asked for, then the chart once signed in', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    const reads = fhirReads(page);
    await page.goto(`/patients/${patientId}`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Meridian' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    expect(reads).toEqual([]);
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(USERS.clinician.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(USERS.clinician.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/patients/${patientId}`);
    await expectChartShown(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signed in: the chart’s first reads start before the app’s libraries arrive, and are asked once', async () => {
    const { page, context, problems } = await openPage(browser, baseUrl);
    await signIn(page, USERS.clinician);
    const reads = fhirReads(page);
    // Hold back the libraries' chunk (React, Mantine) until the patient has been asked for, or 10 s.
    let patientAskedFirst = false;
    const patientAsked = new Promise<void>((resolve) => {
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === `/fhir/R4/Patient/${patientId}`) resolve();
      });
    });
    await page.route(/\/assets\/vendor-[^/]+\.js$/, async (route) => {
      patientAskedFirst = await Promise.race([
        patientAsked.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
      ]);
      await route.continue();
    });
    await page.goto(`/patients/${patientId}`);
    await expectChartShown(page);
    await page.waitForLoadState('networkidle');
    expect(patientAskedFirst).toBe(true);
    // The app took the early answers instead of asking again.
    const firstScreen = reads.filter((read) =>
      /^\/fhir\/R4\/(Patient\/|AllergyIntolerance\?|Flag\?|Condition\?)/.test(read),
    );
    expect(firstScreen.sort()).toEqual(
      [
        `/fhir/R4/Patient/${patientId}`,
        `/fhir/R4/AllergyIntolerance?patient=Patient%2F${patientId}&_count=100`,
        `/fhir/R4/Flag?patient=Patient%2F${patientId}&_count=100`,
        `/fhir/R4/Condition?patient=Patient%2F${patientId}&_count=100`,
      ].sort(),
    );
    expect(problems).toEqual([]);
    await context.close();
  });
});
