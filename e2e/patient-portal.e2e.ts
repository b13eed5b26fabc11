import type { DiagnosticReport, MedicationRequest, Observation, Patient, Practitioner } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, PASSWORD, type TestUser, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { DEFAULT_TENANT } from './support/meridian-server';

const baseUrl = inject('meridianUrl');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface FreeSlot {
  id: string;
  start: string;
}

/** Monday 00:00 UTC of the week after `now` (the staff calendar shows Monday-to-Sunday weeks). */
function nextMonday(now: Date): number {
  const day = (now.getUTCDay() + 6) % 7;
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day + 7);
}

describe('patient portal and live updates', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const family = `Haddad-${suffix}`;
  const doctor = `Okafor-${suffix}`;
  const patientUser: TestUser = { email: `noor.${suffix}@patients.test`, password: PASSWORD, roles: ['patient'] };
  let admin: ReturnType<typeof fhirAs>;
  let desk: ReturnType<typeof fhirAs>;
  let patientId: string;
  let practitionerId: string;
  let browser: Browser;
  let portal: TestPage;

  let deskToken: string;
  const freeSlots = async (from: number, to: number): Promise<FreeSlot[]> => {
    const query = new URLSearchParams({
      practitioner: practitionerId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      count: '500',
    });
    const response = await fetch(`${baseUrl}/scheduling/slots?${query}`, {
      headers: { authorization: `Bearer ${deskToken}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { slots: FreeSlot[] }).slots;
  };

  beforeAll(async () => {
    admin = fhirAs(baseUrl, await accessToken(baseUrl, USERS.admin));
    deskToken = await accessToken(baseUrl, USERS.clinician);
    desk = fhirAs(baseUrl, deskToken);
    const patient = await desk.create<Patient>({
      resourceType: 'Patient',
      name: [{ use: 'official', family, given: ['Noor'] }],
      gender: 'female',
      birthDate: '1988-04-12',
    });
    patientId = patient.id!;
    const practitioner = await admin.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ prefix: ['Dr'], given: ['Amara'], family: doctor }],
    });
    practitionerId = practitioner.id!;
    await admin.create({ resourceType: 'Organization', name: 'Meridian Health Clinic', active: true });
    await admin.post('/scheduling/visit-types', {
      code: `consult-${suffix}`,
      name: 'General consultation',
      durationMinutes: 30,
    });
    await admin.post('/scheduling/schedules', {
      practitioner: practitionerId,
      timeZone: 'UTC',
      horizonDays: 40,
      availability: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:30', slotMinutes: 30 },
      ],
    });
    await fetch(`${baseUrl}/scheduling/settings`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await accessToken(baseUrl, USERS.admin)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ maxDaysAhead: 30, minNoticeHours: 2, cancelCutoffHours: 24, offerHours: 24 }),
    }).then((response) => expect(response.status).toBe(200));
    // The patient's own sign-in, linked to their record.
    await admin.post('/identity/users', {
      tenant: DEFAULT_TENANT,
      email: patientUser.email,
      name: `Noor ${family}`,
      role: 'patient',
      password: patientUser.password,
      fhirUser: `Patient/${patientId}`,
    });
    // A released result with a high value, and a current prescription.
    const potassium = await desk.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }], text: 'Potassium' },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: new Date(Date.now() - DAY).toISOString(),
      valueQuantity: { value: 5.8, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
      interpretation: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] },
      ],
    });
    await desk.create<DiagnosticReport>({
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '24320-4' }], text: 'Basic metabolic panel' },
      subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: new Date(Date.now() - DAY).toISOString(),
      issued: new Date().toISOString(),
      result: [{ reference: `Observation/${potassium.id}` }],
    });
    await desk.create<MedicationRequest>({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${patientId}` },
      medicationCodeableConcept: { text: 'Lisinopril 10 mg tablet' },
      authoredOn: new Date().toISOString(),
      dosageInstruction: [{ text: 'One tablet every morning' }],
    });

    browser = await launchBrowser();
    portal = await openPage(browser, baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const appointmentList = (page: Page) => page.getByRole('list', { name: 'Upcoming appointments' });

  it('a patient signs in to the portal and books an appointment with a free slot', async () => {
    const { page } = portal;
    await signIn(page, patientUser);
    await page.waitForURL((url) => url.pathname === '/portal');
    await expect.poll(() => page.getByRole('heading', { name: 'Your appointments' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('No upcoming appointments').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('status', { name: 'Live updates: live' }).isVisible()).toBe(true);
    await expectAccessible(page, 'the portal home without appointments');

    await page.getByRole('link', { name: 'Book an appointment' }).click();
    await page.getByRole('combobox', { name: 'Visit type' }).click();
    await page.getByRole('option', { name: 'General consultation (30 min)' }).click();
    await page.getByRole('combobox', { name: 'Clinician' }).click();
    await page.getByRole('option', { name: `Dr Amara ${doctor}` }).click();
    // Next week: far enough ahead to be moved later (the clinic's cut-off is 24 h).
    await page.getByRole('button', { name: 'Later' }).click();
    const first = page.getByRole('button', { name: new RegExp(`with Dr Amara ${doctor}$`) }).first();
    await expect.poll(() => first.isVisible()).toBe(true);
    await first.click();
    const choice = page.getByRole('region', { name: 'Your choice' });
    await expect.poll(() => choice.isVisible()).toBe(true);
    await expectAccessible(page, 'the booking screen with a time chosen');
    await screenshot(page, 'portal-booking');
    await choice.getByRole('button', { name: 'Book appointment' }).click();

    await page.waitForURL((url) => url.pathname === '/portal');
    const booked = appointmentList(page).getByRole('listitem');
    await expect.poll(() => booked.count()).toBe(1);
    expect(await booked.first().textContent()).toContain(`General consultation with Dr Amara ${doctor}`);
    expect(await booked.first().textContent()).toContain('Booked');
  });

  it('reschedules it to a later time', async () => {
    const { page } = portal;
    const before = (await appointmentList(page).getByRole('listitem').first().getAttribute('aria-label')) ?? '';
    await page.getByRole('link', { name: /^Reschedule the appointment on/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Move your appointment' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Later' }).click();
    const later = page.getByRole('button', { name: new RegExp(`with Dr Amara ${doctor}$`) }).nth(5);
    await expect.poll(() => later.isVisible()).toBe(true);
    await later.click();
    await page.getByRole('region', { name: 'Your choice' }).getByRole('button', { name: 'Move appointment' }).click();
    await page.waitForURL((url) => url.pathname === '/portal');
    const items = appointmentList(page).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(1);
    await expect.poll(() => items.first().getAttribute('aria-label')).not.toBe(before);
  });

  it('an appointment the front desk books appears without reload; cancelling inside the cut-off shows the rule', async () => {
    const { page } = portal;
    const soon = (await freeSlots(Date.now() + 4 * HOUR, Date.now() + 10 * HOUR))[0]!;
    await desk.post('/appointments', { slot: soon.id, patient: patientId });
    const items = appointmentList(page).getByRole('listitem');
    // Live update: the portal page was not reloaded.
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => page.getByText(/Less than 24 h before/).isVisible()).toBe(true);
    await expectAccessible(page, 'the portal home with appointments');
    await screenshot(page, 'portal-home');
    await items
      .first()
      .getByRole('button', { name: /^Cancel the appointment/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this appointment?' });
    await dialog.getByRole('button', { name: 'Cancel appointment' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('Appointments can be changed or cancelled up to 24 hours before they start');
    await expectAccessible(page, 'a refused cancellation');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
  });

  it('sees a released result with its flag in plain words, current medications, and writes to the clinic', async () => {
    const { page } = portal;
    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Results' }).click();
    const report = page.getByRole('region', { name: 'Basic metabolic panel' });
    await expect.poll(() => report.isVisible()).toBe(true);
    const row = report.getByRole('row', { name: /Potassium/ });
    expect(await row.textContent()).toContain('5.8 mmol/L');
    expect(await row.textContent()).toContain('3.5–5.1 mmol/L');
    expect(await row.textContent()).toContain('Higher than the usual range.');
    await expectAccessible(page, 'the results');
    await screenshot(page, 'portal-results');

    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Medications' }).click();
    await expect.poll(() => page.getByText('Lisinopril 10 mg tablet').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('One tablet every morning').isVisible()).toBe(true);

    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Invoices' }).click();
    await expect.poll(() => page.getByText('No invoices').isVisible()).toBe(true);
    await expectAccessible(page, 'the invoices');

    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Messages' }).click();
    const form = page.getByRole('form', { name: 'Write to the clinic' });
    await form.getByRole('button', { name: 'Send message' }).click();
    await expect.poll(() => form.getByText('Write your message first').isVisible()).toBe(true);
    await form.getByRole('textbox', { name: 'Subject' }).fill('Repeat prescription');
    await form.getByRole('textbox', { name: 'Message' }).fill('Could I have a repeat of my lisinopril, please?');
    await form.getByRole('button', { name: 'Send message' }).click();
    const thread = page.getByRole('list', { name: 'Your messages' });
    await expect.poll(() => thread.isVisible()).toBe(true);
    expect(await thread.textContent()).toContain('You · Repeat prescription');
    expect(await thread.textContent()).toContain('Could I have a repeat of my lisinopril, please?');
    await expectAccessible(page, 'the messages');
    expect(portal.problems).toEqual([]);
  });

  it("a booking made elsewhere appears on the front desk's open calendar, and a critical result in the bell, without reload", async () => {
    const staff = await openPage(browser, baseUrl);
    const { page } = staff;
    // A physician who is a Practitioner in the record: critical results of their orders are addressed to them.
    const me = await admin.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ prefix: ['Dr'], given: ['Lena'], family: `Brandt-${suffix}` }],
    });
    const physician: TestUser = { email: `lena.${suffix}@meridian.test`, password: PASSWORD, roles: ['physician'] };
    for (const [index, role] of ['physician', 'front_desk'].entries()) {
      await admin.post('/identity/users', {
        tenant: DEFAULT_TENANT,
        email: physician.email,
        name: `Dr Lena Brandt-${suffix}`,
        role,
        ...(index === 0 ? { password: physician.password } : {}),
        fhirUser: `Practitioner/${me.id}`,
      });
    }
    const physicianApi = fhirAs(baseUrl, await accessToken(baseUrl, physician));
    // A second browser context on a busy machine: give the first load more time.
    staff.context.setDefaultTimeout(30_000);
    await signIn(page, physician);
    await expect.poll(() => page.getByRole('status', { name: 'Live updates: live' }).isVisible()).toBe(true);
    await page.goto('/schedule');
    await page.getByRole('combobox', { name: 'Practitioner' }).click();
    await page.getByRole('option', { name: new RegExp(doctor) }).click();
    const calendar = page.getByRole('region', { name: new RegExp(`Calendar of .*${doctor}`) });
    await expect.poll(() => calendar.isVisible()).toBe(true);
    const week = nextMonday(new Date());
    const slots = await freeSlots(Date.now() + 3 * HOUR, Date.now() + 8 * DAY);
    const inWeek = slots.find((slot) => Date.parse(slot.start) < week);
    if (!inWeek) await page.getByRole('button', { name: 'Next week' }).click();
    const slot = inWeek ?? slots.find((slot) => Date.parse(slot.start) >= week)!;
    const patientName = new RegExp(family, 'i');
    await page.waitForLoadState('networkidle');
    const before = await calendar.getByRole('button', { name: patientName }).count();

    // The patient books through the API, as the portal or a phone app would.
    const patientApi = fhirAs(baseUrl, await accessToken(baseUrl, patientUser));
    await patientApi.post('/appointments', { slot: slot.id, patient: patientId });
    await expect
      .poll(() => calendar.getByRole('button', { name: patientName }).count(), { timeout: 15_000 })
      .toBe(before + 1);

    // A critical result of the clinician's order reaches their bell, also without reload.
    const bell = page.getByRole('button', { name: /^Notifications, / });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');
    const order = await physicianApi.post<{ id: string }>(`/patients/${patientId}/orders`, {
      kind: 'lab',
      code: '2823-3',
      priority: 'stat',
      activate: true,
    });
    await desk.post(`/orders/${order.id}/results`, {
      status: 'final',
      analytes: [{ code: '2823-3', value: 6.9, unit: 'mmol/L' }],
    });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 20_000 }).toBe('Notifications, 1 unread');
    await bell.click();
    const menu = page.getByRole('dialog', { name: 'Notifications' });
    const unread = menu.getByRole('listitem');
    await expect.poll(() => unread.count()).toBe(1);
    await expectAccessible(page, 'the calendar with the notifications menu open');
    await unread.getByRole('button', { name: 'Mark as read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, none unread');
    expect(staff.problems).toEqual([]);
  });
});
