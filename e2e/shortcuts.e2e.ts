import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';

const baseUrl = inject('meridianUrl');

/** The keys and what they do, as the help dialog lists them under one heading. */
async function listed(dialog: Locator, heading: string): Promise<string[]> {
  const section = dialog.getByRole('region', { name: heading, exact: true });
  const keys = await section.getByRole('term').allTextContents();
  const actions = await section.getByRole('definition').allTextContents();
  return keys.map((key, index) => `${key.replace(/\s+/g, ' ').trim()}: ${actions[index]}`);
}

async function pressKeys(page: Page, ...keys: string[]): Promise<void> {
  for (const key of keys) await page.keyboard.press(key);
}

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return active
      ? `${active.getAttribute('role') ?? active.tagName.toLowerCase()} ${active.textContent?.trim() || active.getAttribute('aria-label') || ''}`.trim()
      : '';
  });

const path = (page: Page) => new URL(page.url()).pathname;

describe('keyboard shortcuts', () => {
  let browser: Browser;
  let clinician: TestPage;
  let desk: TestPage;
  let patientId: string;

  beforeAll(async () => {
    const fhir = fhirAs(baseUrl, await accessToken(baseUrl, USERS.clinician));
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ use: 'official', family: 'Quillfeather', given: ['Rosalind'] }],
      gender: 'female',
      birthDate: '1958-03-14',
    });
    patientId = patient.id!;
    browser = await launchBrowser();
    clinician = await openPage(browser, baseUrl);
    await signIn(clinician.page, USERS.clinician);
    desk = await openPage(browser, baseUrl);
    await signIn(desk.page, USERS.frontDesk);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('? lists every shortcut a clinician has in a labelled dialog that keeps the focus and closes on Escape', async () => {
    const { page } = clinician;
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');

    expect(await listed(dialog, 'Anywhere')).toEqual([
      '?: Show keyboard shortcuts',
      '/: Search patients',
      'n: Register a new patient',
    ]);
    expect(await listed(dialog, 'Go to')).toEqual([
      'g then h: Workspace home',
      'g then p: Patients',
      'g then i: Results inbox',
      'g then s: Schedule',
      'g then b: Bed board',
    ]);
    expect(await listed(dialog, 'In a patient chart')).toEqual([
      '[: Previous chart tab',
      ']: Next chart tab',
      '1 to 9: Chart tab by its position',
      'v: Record vitals',
      'o: New order',
      'w: Write a note',
    ]);
    expect(await dialog.getByRole('switch', { name: 'Use keyboard shortcuts' }).isChecked()).toBe(true);

    // The focus is trapped: tabbing round many times never leaves the dialog.
    for (let step = 0; step < 6; step++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
    }
    await screenshot(page, 'keyboard-shortcuts');
    await expectAccessible(page, 'the keyboard shortcuts dialog');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // The header button opens the same list, and the focus comes back to it on closing.
    const button = page.getByRole('banner').getByRole('button', { name: 'Keyboard shortcuts' });
    await button.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('button Keyboard shortcuts');
    expect(clinician.problems).toEqual([]);
  });

  it('g i opens the results inbox and / puts the cursor in the patient search', async () => {
    const { page } = clinician;
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await pressKeys(page, 'g', 'i');
    await page.waitForURL((url) => url.pathname === '/inbox');
    await page.getByRole('heading', { level: 1, name: 'Results inbox' }).waitFor();

    await page.keyboard.press('/');
    const search = page.getByRole('banner').getByRole('searchbox', { name: 'Search patients' });
    await expect.poll(() => search.evaluate((element) => element === document.activeElement)).toBe(true);
    // The key that moved the cursor there is not typed into the box.
    expect(await search.inputValue()).toBe('');
    expect(await search.getAttribute('aria-keyshortcuts')).toBe('/');
    expect(clinician.problems).toEqual([]);
  });

  it('typing g i in a text field types the letters and stays on the page', async () => {
    const { page } = clinician;
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    const search = page.getByRole('banner').getByRole('searchbox', { name: 'Search patients' });
    await search.click();
    await page.keyboard.type('g i');
    await page.waitForTimeout(500);
    expect(path(page)).toBe('/');
    expect(await search.inputValue()).toBe('g i');
    // Out of the field, the same keys are a shortcut again.
    await search.blur();
    await pressKeys(page, 'g', 'p');
    await page.waitForURL((url) => url.pathname === '/patients');
  });

  it('in a chart ] moves to the next tab and v opens the vitals form with the cursor in its first field', async () => {
    const { page } = clinician;
    await page.goto(`/patients/${patientId}`);
    const tabs = page.getByRole('tablist', { name: 'Chart sections' });
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Conditions');

    await page.keyboard.press(']');
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Problems');
    expect(new URL(page.url()).searchParams.get('tab')).toBe('problems');
    // The focus follows, so a screen reader says which tab is open.
    await expect.poll(() => focusedName(page)).toBe('tab Problems');

    await page.keyboard.press('[');
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Conditions');
    await page.keyboard.press('4');
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Orders');

    await page.keyboard.press('v');
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Vitals');
    const form = page.getByRole('form', { name: 'Record vitals' });
    await form.waitFor();
    const temperature = form.getByRole('textbox', { name: 'Temperature', exact: true });
    await expect.poll(() => temperature.evaluate((element) => element === document.activeElement)).toBe(true);
    // Typing now fills the form: the letters are not shortcuts while the cursor is in a field.
    await page.keyboard.type('37.2');
    expect(await temperature.inputValue()).toBe('37.2');
    expect(path(page)).toBe(`/patients/${patientId}`);

    // Out of the field again, o and w open the order and note forms the same way.
    await temperature.blur();
    await page.keyboard.press('o');
    const order = page.getByRole('form', { name: 'New order' });
    await order.waitFor();
    const test = order.getByRole('combobox', { name: 'Test' });
    await expect.poll(() => test.evaluate((element) => element === document.activeElement)).toBe(true);
    await test.blur();
    await page.keyboard.press('w');
    const note = page.getByRole('region', { name: 'New note' });
    await note.waitFor();
    await expect
      .poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('[aria-label="New note"]'))))
      .toBe(true);
    expect(clinician.problems).toEqual([]);
  });

  it('a front desk user is not offered the results inbox or the chart forms, and g i and v do nothing', async () => {
    const { page } = desk;
    await page.goto(`/patients/${patientId}`);
    const tabs = page.getByRole('tablist', { name: 'Chart sections' });
    await expect.poll(() => tabs.getByRole('tab', { selected: true }).textContent()).toBe('Conditions');

    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const goTo = await listed(dialog, 'Go to');
    expect(goTo).toContain('g then b: Bed board');
    expect(goTo).not.toContain('g then i: Results inbox');
    expect(await listed(dialog, 'In a patient chart')).toEqual([
      '[: Previous chart tab',
      ']: Next chart tab',
      '1 to 9: Chart tab by its position',
    ]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await pressKeys(page, 'g', 'i', 'v');
    await page.waitForTimeout(700);
    expect(path(page)).toBe(`/patients/${patientId}`);
    expect(await tabs.getByRole('tab', { selected: true }).textContent()).toBe('Conditions');

    await pressKeys(page, 'g', 'b');
    await page.waitForURL((url) => url.pathname === '/beds');
    expect(desk.problems).toEqual([]);
  });

  it('shortcuts turned off in the list stay off until turned on again', async () => {
    const { page } = desk;
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const toggle = dialog.getByRole('switch', { name: 'Use keyboard shortcuts' });
    await toggle.click();
    expect(await toggle.isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await pressKeys(page, 'g', 'p', '?');
    await page.waitForTimeout(700);
    expect(path(page)).toBe('/');
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).textContent()).not.toContain('Press');

    await page.getByRole('banner').getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await toggle.click();
    expect(await toggle.isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await pressKeys(page, 'g', 'p');
    await page.waitForURL((url) => url.pathname === '/patients');
    expect(desk.problems).toEqual([]);
  });
});
