import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { totpCode } from './support/totp';

const baseUrl = inject('meridianUrl');

/** The table row of the Users screen that holds this text. */
const userRow = (page: Page, text: string) =>
  page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: text });

describe('admin console', () => {
  let browser: Browser;
  let admin: TestPage;
  let patientId: string;
  let clinicianId: string;

  beforeAll(async () => {
    const token = await accessToken(baseUrl, USERS.clinician);
    const clinician = fhirAs(baseUrl, token);
    const patient = await clinician.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Auditwell', given: ['Marguerite'] }],
      birthDate: '1971-04-09',
      gender: 'female',
    });
    patientId = patient.id!;
    const me = await fetch(`${baseUrl}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    clinicianId = ((await me.json()) as { userId: string }).userId;
    browser = await launchBrowser();
    admin = await openPage(browser, baseUrl);
    await signIn(admin.page, USERS.admin);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('adds a user, changes their role and resets their two-factor sign-in', async () => {
    const { page } = admin;
    const email = `new-nurse-${randomUUID().slice(0, 8)}@meridian.test`;
    const name = 'Nadia Newhire';
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Users', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => userRow(page, USERS.clinician.email).count()).toBe(1);

    // Add: the form says what is missing before asking the server; the first password is shown once.
    await page.getByRole('button', { name: 'Add user' }).click();
    const addDialog = page.getByRole('dialog', { name: 'Add a user' });
    await addDialog.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => addDialog.getByText('Enter an email address').isVisible()).toBe(true);
    await expect.poll(() => addDialog.getByText('Choose a role').isVisible()).toBe(true);
    await addDialog.getByRole('textbox', { name: 'Email' }).fill(email);
    await addDialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await addDialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Nurse' }).click();
    await expectAccessible(page, 'the add-user dialog');
    await addDialog.getByRole('button', { name: 'Add user' }).click();
    const added = page.getByRole('dialog', { name: 'User added' });
    const password = (await added.getByTestId('first-password').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(await added.textContent()).toContain(`${email} can now sign in as Nurse`);
    await added.getByRole('button', { name: 'Done' }).click();
    const row = userRow(page, email);
    await expect.poll(() => row.textContent()).toContain('Nurse');
    expect(await row.textContent()).toContain('New password due');
    expect(await row.textContent()).toContain('Never');

    // The new nurse signs in once and turns on two-factor sign-in (as they would on their phone).
    const theirToken = await accessToken(baseUrl, { email, password, roles: [] });
    const their = fhirAs(baseUrl, theirToken);
    const enrolment = await their.post<{ secret: string }>('/auth/mfa/totp', {});
    await their.post('/auth/mfa/totp/verify', { code: totpCode(enrolment.secret) });

    // Roles: nurse becomes physician.
    await page.getByRole('button', { name: `Actions for ${name}` }).click();
    await page.getByRole('menuitem', { name: 'Edit roles' }).click();
    const rolesDialog = page.getByRole('dialog', { name: `Roles of ${name}` });
    await rolesDialog.getByRole('checkbox', { name: 'Physician' }).check();
    await rolesDialog.getByRole('checkbox', { name: 'Nurse' }).uncheck();
    expect(await rolesDialog.textContent()).toContain('Taking a role away signs them out everywhere at once');
    await rolesDialog.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => rolesDialog.isVisible()).toBe(false);
    await expect.poll(() => row.textContent()).toContain('Physician');
    expect(await row.textContent()).not.toContain('Nurse');
    // Their sign-in ended with the role that was taken away.
    const after = await fetch(`${baseUrl}/auth/me`, { headers: { authorization: `Bearer ${theirToken}` } });
    expect(after.status).toBe(401);

    // Two-factor: on after their enrolment, off after the reset.
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('On');
    await page.getByRole('button', { name: `Actions for ${name}` }).click();
    await page.getByRole('menuitem', { name: 'Reset two-factor' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reset two-factor sign-in?' });
    expect(await confirm.textContent()).toContain(`${name} will sign in with their password only`);
    await confirm.getByRole('button', { name: 'Reset two-factor' }).click();
    await expect.poll(() => confirm.isVisible()).toBe(false);
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('Off');
    // And it is off on the server: the password alone signs in again.
    await accessToken(baseUrl, { email, password, roles: [] });

    // Search narrows the list.
    await page.getByRole('searchbox', { name: 'Search users' }).fill('newhire');
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).getByRole('row').count()).toBe(2);
    await expectAccessible(page, 'the users screen');
    await page.getByRole('searchbox', { name: 'Search users' }).fill('');
    await expect.poll(() => userRow(page, USERS.clinician.email).count()).toBe(1);
    await screenshot(page, 'admin-users');
    expect(admin.problems).toEqual([]);
  });

  it('shows a clinician’s read of a chart in that patient’s audit trail, exports it and verifies the chain', async () => {
    // A clinician opens the patient's chart.
    const clinician = await openPage(browser, baseUrl);
    await signIn(clinician.page, USERS.clinician);
    await clinician.page.goto(`/patients/${patientId}`);
    await expect.poll(() => clinician.page.getByText('Auditwell').first().isVisible()).toBe(true);
    await clinician.context.close();

    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit trail' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Audit trail', level: 1 }).isVisible()).toBe(true);
    await page.getByRole('textbox', { name: 'Patient id' }).fill(patientId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('patient')).toBe(patientId);

    const records = page.getByRole('table', { name: 'Audit records' });
    const read = records
      .getByRole('row')
      .filter({ hasText: USERS.clinician.email })
      .filter({ has: page.getByRole('cell', { name: 'Read', exact: true }) });
    await expect.poll(() => read.count()).toBeGreaterThanOrEqual(1);
    const readText = (await read.first().textContent()) ?? '';
    expect(readText).toContain(`Patient/${patientId}`);
    expect(readText).toContain('Success');
    // Only this patient's records are listed.
    const patientCells = await records.getByRole('row').locator('td:nth-child(5)').allTextContents();
    expect(patientCells.length).toBeGreaterThan(0);
    expect(new Set(patientCells)).toEqual(new Set([patientId]));

    // The chain of the tenant's records recomputes intact.
    const chain = page.getByRole('status', { name: /^Audit chain: verified/ });
    await expect.poll(() => chain.isVisible()).toBe(true);
    expect(await chain.textContent()).toBe('Chain verified');

    // The export holds the same records: the clinician's read of this patient among them.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^audit_patient-${patientId}_\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toContain('recorded,action,outcome,user');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes(`,${patientId},`))).toBe(true);
    expect(lines.some((line) => line.includes(`,read,success,${clinicianId},`))).toBe(true);

    await expectAccessible(page, 'the audit trail');
    await screenshot(page, 'admin-audit');
    expect(admin.problems).toEqual([]);
  });
});
