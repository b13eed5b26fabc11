import type { Appointment, Patient, Practitioner } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { type Api, apiAs, choose, createMorningSchedule, eventually, localDate, ZONE } from './support/front-desk';

const baseUrl = inject('meridianUrl');
const PRACTITIONER = 'Dr Soren Vale';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** "Wed 25 Nov 09:00" in Berlin, as the front desk reads a slot. */
function slotText(instant: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.hour}:${parts.minute}`;
}

/** The Monday of an instant's Berlin week. */
function weekOf(instant: string | Date): string {
  const date = new Date(`${localDate(new Date(instant))}T00:00:00Z`);
  return new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}

describe('front desk: the waitlist and no-shows', () => {
  let browser: Browser;
  let desk: TestPage;
  let api: Api;
  let practitionerId: string;
  let holderAppointment: Appointment;
  let missed: Appointment;
  let refused: Appointment;
  let waitingId: string;

  beforeAll(async () => {
    const adminToken = await accessToken(baseUrl, USERS.admin);
    const admin = apiAs(baseUrl, adminToken);
    const deskToken = await accessToken(baseUrl, USERS.frontDesk);
    api = apiAs(baseUrl, deskToken);
    const deskFhir = fhirAs(baseUrl, deskToken);
    practitionerId = (
      await fhirAs(baseUrl, adminToken).create<Practitioner>({
        resourceType: 'Practitioner',
        name: [{ prefix: ['Dr'], given: ['Soren'], family: 'Vale' }],
      })
    ).id!;
    await admin('/scheduling/visit-types', {
      method: 'POST',
      json: { code: 'review-e2e', name: 'Review', durationMinutes: 30 },
    });
    await createMorningSchedule(admin, practitionerId);
    const patient = async (given: string, family: string, birthDate: string) =>
      (
        await deskFhir.create<Patient>({
          resourceType: 'Patient',
          name: [{ use: 'official', family, given: [given] }],
          birthDate,
        })
      ).id!;
    const holder = await patient('Amara', 'Lindqvist', '1979-02-11');
    const noShow = await patient('Ruth', 'Quennell', '1964-08-30');
    const arrived = await patient('Piet', 'Farrowdale', '1990-12-02');
    waitingId = await patient('Tomasz', 'Wierzbicki', '1958-05-21');

    // The appointment that will be cancelled: at least two hours ahead, so its slot is offered on.
    const now = new Date();
    const { slots } = await api<{ slots: { id: string; start: string }[] }>(
      `/scheduling/slots?practitioner=${practitionerId}&from=${new Date(now.getTime() + 120 * MINUTE).toISOString()}&to=${new Date(now.getTime() + 9 * DAY).toISOString()}`,
    );
    holderAppointment = await api<Appointment>('/appointments', {
      method: 'POST',
      json: { slot: slots[0]!.id, patient: holder },
    });
    // Two appointments that began an hour ago (written as FHIR, as an import would): one the patient
    // missed, one the patient turns up for while the desk is about to mark it.
    const quarter = 15 * MINUTE;
    const begun = Math.floor((now.getTime() - 60 * MINUTE) / quarter) * quarter;
    const start = new Date(begun).toISOString();
    const end = new Date(begun + 30 * MINUTE).toISOString();
    const past = (patientId: string) =>
      deskFhir.create<Appointment>({
        resourceType: 'Appointment',
        status: 'booked',
        start,
        end,
        participant: [
          { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
          { actor: { reference: `Practitioner/${practitionerId}` }, status: 'accepted' },
        ],
      });
    missed = await past(noShow);
    refused = await past(arrived);

    browser = await launchBrowser();
    desk = await openPage(browser, baseUrl);
    await signIn(desk.page, USERS.frontDesk);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The schedule page on the calendar of this test's practitioner. */
  async function openCalendar(page: Page) {
    await page.goto('/schedule');
    await choose(page, page, 'Practitioner', PRACTITIONER);
    const calendar = page.getByRole('region', { name: `Calendar of ${PRACTITIONER}` });
    await eventually(() => calendar.isVisible()).toBe(true);
    return calendar;
  }

  it('puts a patient on the waitlist, offers a cancelled slot, and books it when accepted', async () => {
    const { page } = desk;
    await page.goto('/schedule');
    await page.getByRole('tab', { name: 'Waitlist' }).click();
    const waitlist = page.getByRole('tabpanel', { name: 'Waitlist' });
    await waitlist.getByRole('button', { name: 'Add to waitlist' }).click();

    const dialog = page.getByRole('dialog', { name: 'Add to waitlist' });
    await dialog.getByRole('button', { name: 'Add to waitlist' }).click();
    await eventually(() => dialog.getByText('Choose the patient').isVisible()).toBe(true);
    await dialog.getByRole('searchbox', { name: 'Patient' }).fill('Wierzbicki');
    await dialog.getByRole('option', { name: /WIERZBICKI, Tomasz/ }).click();
    await choose(page, dialog, 'Practitioner', PRACTITIONER);
    await choose(page, dialog, 'Visit type', 'Review (30 min)');
    // The window starts as the next two weeks, in the practitioner's zone.
    expect(await dialog.getByLabel('Earliest').inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await expect.poll(() => dialog.getByText(/Times in Europe\/Berlin/).isVisible()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Mornings only; call his mobile');
    await expectAccessible(page, 'the add-to-waitlist dialog');
    await dialog.getByRole('button', { name: 'Add to waitlist' }).click();
    await eventually(() => dialog.isVisible()).toBe(false);

    const waitingTable = waitlist.getByRole('table', { name: 'Waiting' });
    const row = waitingTable.getByRole('row', { name: /Tomasz Wierzbicki/ });
    await eventually(() => row.isVisible()).toBe(true);
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      expect.stringMatching(/^Tomasz WierzbickiMRN \S+$/),
      `${PRACTITIONER}Review`,
      expect.stringMatching(/^\w{3} \d{1,2} \w{3} \d\d:\d\d – \w{3} \d{1,2} \w{3} 18:00( \(Europe\/Berlin\))?$/),
      'less than a minute',
      'Mornings only; call his mobile',
      'Waiting',
      'Remove',
    ]);
    // Someone for any practitioner, added later: they wait behind Tomasz.
    const later = await api<{ id: string }>('/scheduling/waitlist', {
      method: 'POST',
      json: {
        patient: (
          await fhirAs(baseUrl, await accessToken(baseUrl, USERS.frontDesk)).create<Patient>({
            resourceType: 'Patient',
            name: [{ use: 'official', family: 'Isherwood', given: ['Irene'] }],
          })
        ).id,
        earliest: new Date().toISOString(),
        latest: new Date(Date.now() + 20 * DAY).toISOString(),
        note: 'Any afternoon',
      },
    });
    await page.getByRole('tab', { name: 'Calendar' }).click();

    // A cancellation on the calendar frees the slot; the server offers it to Tomasz at once.
    const calendar = await openCalendar(page);
    if (weekOf(holderAppointment.start!) !== weekOf(new Date())) {
      await page.getByRole('button', { name: 'Next week' }).click();
    }
    const chip = calendar.getByRole('button', { name: /LINDQVIST, Amara Booked$/ });
    await eventually(() => chip.isVisible()).toBe(true);
    await chip.click();
    const details = page.getByRole('dialog', { name: 'Appointment' });
    await choose(page, details, 'Cancellation reason', 'Patient cancelled');
    await details.getByRole('button', { name: 'Cancel appointment' }).click();
    await eventually(() =>
      details.getByText('The slot was offered to Tomasz Wierzbicki from the waitlist.').isVisible(),
    ).toBe(true);
    // Until someone accepts, the freed slot stays bookable and says it is on offer.
    const slotLabel = slotText(holderAppointment.start!);
    await eventually(() =>
      calendar.getByRole('button', { name: `Book ${slotLabel}` }).getAttribute('aria-describedby'),
    ).toBeTruthy();
    await details.getByRole('button', { name: 'Open the waitlist' }).click();

    await eventually(() => page.getByRole('tab', { name: 'Waitlist 1 offer' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    const offers = waitlist.getByRole('table', { name: 'Open offers' });
    const offer = offers.getByRole('row', { name: /Tomasz Wierzbicki/ });
    await eventually(() => offer.isVisible()).toBe(true);
    const end = new Date(Date.parse(holderAppointment.start!) + 30 * MINUTE).toISOString();
    expect(await offer.getByRole('cell').allTextContents()).toEqual([
      expect.stringMatching(/^Tomasz Wierzbicki/),
      expect.stringMatching(
        new RegExp(`^${slotLabel}–${slotText(end).slice(-5)}( \\(Europe/Berlin\\))? with ${PRACTITIONER}$`),
      ),
      'Review',
      expect.stringMatching(/^in (23|24) hours$/),
      'AcceptDecline',
    ]);
    await eventually(() => row.getByRole('cell', { name: 'Offer open' }).isVisible()).toBe(true);
    expect(
      await waitingTable
        .getByRole('row', { name: /Irene Isherwood/ })
        .getByText('Waiting')
        .isVisible(),
    ).toBe(true);
    await expectAccessible(page, 'the waitlist with an open offer');
    await screenshot(page, 'front-desk-waitlist');

    // Accepting books the slot for Tomasz, and the calendar shows it.
    await offer.getByRole('button', { name: 'Accept the offer for Tomasz Wierzbicki' }).click();
    const booked = `Booked Tomasz Wierzbicki for ${slotLabel} with ${PRACTITIONER}.`;
    await eventually(() => waitlist.getByText(booked).isVisible()).toBe(true);
    await eventually(() => offers.isVisible()).toBe(false);
    await expect.poll(() => waitlist.getByText('No open offers.', { exact: false }).isVisible()).toBe(true);
    await eventually(() => row.isVisible()).toBe(false);
    await waitlist.getByRole('button', { name: 'Show on the calendar' }).click();
    const rebooked = calendar.getByRole('button', {
      name: new RegExp(`^${slotLabel.slice(-5)}–\\d\\d:\\d\\d WIERZBICKI, Tomasz Review Booked$`),
    });
    await eventually(() => rebooked.isVisible()).toBe(true);
    const week = await api<{ appointments: Appointment[] }>(
      `/appointments?practitioner=${practitionerId}&date=${localDate(new Date(holderAppointment.start!))}&view=day&timeZone=${encodeURIComponent(ZONE)}`,
    );
    expect(
      week.appointments
        .filter((appointment) => appointment.start === holderAppointment.start)
        .map((appointment) => [appointment.status, appointment.participant[0]?.actor?.reference]),
    ).toEqual(
      expect.arrayContaining([
        ['cancelled', holderAppointment.participant[0]?.actor?.reference],
        ['booked', `Patient/${waitingId}`],
      ]),
    );

    // Taking Irene off the list asks first.
    await page.getByRole('tab', { name: 'Waitlist' }).click();
    await waitingTable.getByRole('button', { name: 'Remove Irene Isherwood from the waitlist' }).click();
    const confirm = page.getByRole('dialog', { name: 'Take off the waitlist?' });
    await expect
      .poll(() => confirm.getByText('Irene Isherwood will no longer be offered freed slots.').isVisible())
      .toBe(true);
    await confirm.getByRole('button', { name: 'Remove from waitlist' }).click();
    await eventually(() => waitlist.getByText('Irene Isherwood is off the waitlist.').isVisible()).toBe(true);
    await eventually(() => waitingTable.getByRole('row', { name: /Irene Isherwood/ }).count()).toBe(0);
    const entries = await api<{ id: string; status: string }[]>('/scheduling/waitlist');
    expect(entries.find((entry) => entry.id === later.id)?.status).toBe('removed');
    expect(desk.problems).toEqual([]);
  });

  it('marks a missed appointment a no-show after asking, shows it apart, and says why the server refuses one', async () => {
    const { page } = desk;
    const calendar = await openCalendar(page);
    await page.locator('label', { hasText: /^Day$/ }).click();
    if (localDate(new Date(missed.start!)) !== localDate(new Date())) {
      await page.getByRole('button', { name: 'Previous day' }).click();
    }
    const chip = calendar.getByRole('button', { name: /QUENNELL, Ruth Booked$/ });
    await eventually(() => chip.isVisible()).toBe(true);
    await chip.click();
    const details = page.getByRole('dialog', { name: 'Appointment' });
    await details.getByRole('button', { name: 'Mark no-show' }).click();
    await expect.poll(() => details.getByText('Mark as a no-show?').isVisible()).toBe(true);
    // Changing one's mind leaves it booked.
    await details.getByRole('button', { name: 'Keep it booked' }).click();
    expect(await details.getByText('Mark as a no-show?').count()).toBe(0);
    expect((await api<Appointment>(`/appointments/${missed.id}`)).status).toBe('booked');
    await details.getByRole('button', { name: 'Mark no-show' }).click();
    await details.getByRole('button', { name: 'Confirm no-show' }).click();
    await eventually(() => details.getByText('Marked as a no-show.').isVisible()).toBe(true);
    await expect.poll(() => details.getByText('No-show', { exact: true }).isVisible()).toBe(true);
    await expect
      .poll(() => details.getByRole('button', { name: 'Add QUENNELL, Ruth to the waitlist' }).isVisible())
      .toBe(true);
    expect((await api<Appointment>(`/appointments/${missed.id}`)).status).toBe('noshow');
    await details.getByRole('button', { name: 'Close' }).click();

    // On the calendar: its own word and icon, and the legend says what it means.
    await eventually(() => calendar.getByRole('button', { name: /QUENNELL, Ruth No-show$/ }).isVisible()).toBe(true);
    const legend = calendar.getByRole('list', { name: 'Legend' });
    expect(await legend.getByRole('listitem').allTextContents()).toEqual([
      'Booked',
      'Checked in',
      'No-show',
      'Cancelled',
    ]);

    // The patient turns up while the desk is about to mark them: the server refuses, and says why.
    await calendar.getByRole('button', { name: /FARROWDALE, Piet Booked$/ }).click();
    await details.getByRole('button', { name: 'Mark no-show' }).click();
    await api(`/appointments/${refused.id}/check-in`, { method: 'POST', json: {} });
    await details.getByRole('button', { name: 'Confirm no-show' }).click();
    const refusal = details.getByRole('alert').filter({ hasText: 'The no-show was not recorded' });
    await eventually(() => refusal.isVisible()).toBe(true);
    expect(await refusal.getByText('An appointment that is arrived cannot be marked as a no-show').isVisible()).toBe(
      true,
    );
    expect((await api<Appointment>(`/appointments/${refused.id}`)).status).toBe('arrived');
    // The dialog reads the appointment again: it is checked in now, with nothing left to mark.
    await eventually(() => details.getByText('Checked in', { exact: true }).isVisible()).toBe(true);
    expect(await details.getByRole('button', { name: 'Mark no-show' }).count()).toBe(0);
    await details.getByRole('button', { name: 'Close' }).click();
    await eventually(() => calendar.getByRole('button', { name: /FARROWDALE, Piet Checked in$/ }).isVisible()).toBe(
      true,
    );
    await expectAccessible(page, 'the calendar day with a no-show');
    await screenshot(page, 'front-desk-no-show');

    // Today's list on the workspace home shows it too, when the appointment was today in its zone.
    await page.goto('/');
    const today = page.getByRole('region', { name: "Today's schedule" });
    const zoneText = today.getByText(/times in /);
    await eventually(() => zoneText.isVisible()).toBe(true);
    const zone = /times in ([\w/+-]+)/.exec((await zoneText.textContent()) ?? '')?.[1] ?? 'UTC';
    if (localDate(new Date(missed.start!), zone) === localDate(new Date(), zone)) {
      const line = today.getByRole('row', { name: /QUENNELL, Ruth/ });
      await eventually(() => line.isVisible()).toBe(true);
      expect((await line.getByRole('cell').allTextContents()).at(-1)).toBe('No-show');
    }
    expect(desk.problems).toEqual([]);
  });
});
