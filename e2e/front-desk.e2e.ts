import type { Appointment, Bundle, Encounter, Patient, Practitioner } from '@medplum/fhirtypes';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessToken, fhirAs, USERS } from './support/api';
import { expectAccessible, launchBrowser, openPage, screenshot, signIn, type TestPage } from './support/browser';
import { type Api, apiAs, choose, createMorningSchedule, eventually, localDate, ZONE } from './support/front-desk';

const baseUrl = inject('meridianUrl');

interface BoardBed {
  id: string;
  name: string;
  status: string;
  encounter?: string;
  patient?: { id: string; name: string } | null;
}
interface BoardWard {
  id: string;
  name: string;
  now: { occupied: number; free: number; cleaning: number };
  rooms: { name: string; beds: BoardBed[] }[];
}

async function pressUntilFocused(page: Page, target: Locator, key: string, tries = 12): Promise<void> {
  for (let index = 0; index < tries; index += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  throw new Error('the menu item never took the focus');
}

describe('front desk: calendar and bed board', () => {
  let browser: Browser;
  let desk: TestPage;
  let api: Api;
  let practitionerId: string;
  let patientId: string;
  let inpatientId: string;
  let wardName: string;

  beforeAll(async () => {
    const adminToken = await accessToken(baseUrl, USERS.admin);
    const admin = apiAs(baseUrl, adminToken);
    const adminFhir = fhirAs(baseUrl, adminToken);
    api = apiAs(baseUrl, await accessToken(baseUrl, USERS.frontDesk));
    const practitioner = await adminFhir.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ prefix: ['Dr'], given: ['Ines'], family: 'Haldane' }],
    });
    practitionerId = practitioner.id!;
    await admin('/scheduling/visit-types', {
      method: 'POST',
      json: { code: 'follow-up-e2e', name: 'Follow-up', durationMinutes: 20 },
    });
    await createMorningSchedule(admin, practitionerId);
    const deskFhir = fhirAs(baseUrl, await accessToken(baseUrl, USERS.frontDesk));
    patientId = (
      await deskFhir.create<Patient>({
        resourceType: 'Patient',
        name: [{ use: 'official', family: 'Oyelaran', given: ['Marguerite'] }],
        gender: 'female',
        birthDate: '1981-04-17',
      })
    ).id!;
    inpatientId = (
      await deskFhir.create<Patient>({
        resourceType: 'Patient',
        name: [{ use: 'official', family: 'Wrenfield', given: ['Tobias'] }],
        gender: 'male',
        birthDate: '1950-09-03',
      })
    ).id!;
    wardName = 'North Ward';
    await admin('/beds/wards', {
      method: 'POST',
      json: {
        name: wardName,
        rooms: [
          { name: 'Room 1', beds: 2 },
          { name: 'Room 2', beds: 1 },
        ],
      },
    });
    browser = await launchBrowser();
    desk = await openPage(browser, baseUrl);
    await signIn(desk.page, USERS.frontDesk);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('books, reschedules and checks in an appointment on the calendar', async () => {
    const { page } = desk;
    await page.getByRole('link', { name: 'Schedule' }).click();
    await page.waitForURL('**/schedule');
    // Other files' practitioners may be on the list too: this one is chosen by name.
    await choose(page, page, 'Practitioner', 'Dr Ines Haldane');
    await eventually(() => page.getByRole('combobox', { name: 'Practitioner' }).inputValue()).toBe('Dr Ines Haldane');
    await expect.poll(() => page.getByText(/Times in Europe\/Berlin \(GMT[+-]\d+\)/).isVisible()).toBe(true);
    const calendar = page.getByRole('region', { name: 'Calendar of Dr Ines Haldane' });
    const loaded = async () =>
      (await calendar.isVisible()) || (await page.getByText('Nothing this week', { exact: true }).isVisible());
    await eventually(loaded).toBe(true);
    // Late on a Sunday the week has no slot left: the next one has.
    if ((await calendar.getByRole('button', { name: /^Book / }).count()) < 2) {
      await page.getByRole('button', { name: 'Next week' }).click();
    }
    await eventually(() => calendar.getByRole('button', { name: /^Book / }).count()).toBeGreaterThan(1);
    const first = calendar.getByRole('button', { name: /^Book / }).first();
    const firstLabel = (await first.getAttribute('aria-label'))!.replace(/^Book /, '');
    await first.click();

    const dialog = page.getByRole('dialog', { name: 'Book appointment' });
    await eventually(() => dialog.getByRole('combobox', { name: 'Time' }).inputValue()).toBe(firstLabel);
    await dialog.getByRole('button', { name: 'Book appointment' }).click();
    await eventually(() => dialog.getByText('Choose the patient').isVisible()).toBe(true);
    await dialog.getByRole('searchbox', { name: 'Patient' }).fill('Oyelaran');
    await dialog.getByRole('option', { name: /OYELARAN, Marguerite/ }).click();
    await expect.poll(() => dialog.getByText('Selected: OYELARAN, Marguerite').isVisible()).toBe(true);
    await dialog.getByRole('combobox', { name: 'Visit type' }).click();
    await page.getByRole('option', { name: 'Follow-up (20 min)' }).click();
    await expectAccessible(page, 'the booking dialog');
    await screenshot(page, 'front-desk-booking');
    await dialog.getByRole('button', { name: 'Book appointment' }).click();

    // The appointment sits where the free slot was: same day column, same start time.
    const time = firstLabel.split(' ').at(-1)!;
    const booked = calendar.getByRole('button', { name: /OYELARAN, Marguerite Follow-up Booked$/ });
    await eventually(() => booked.isVisible()).toBe(true);
    expect(
      await calendar
        .getByRole('button', { name: new RegExp(`^${time}–\\d\\d:\\d\\d OYELARAN, Marguerite Follow-up Booked$`) })
        .count(),
    ).toBe(1);
    await expectAccessible(page, 'the calendar week');
    await screenshot(page, 'front-desk-calendar-week');

    const query = (date: string) =>
      `/appointments?practitioner=${practitionerId}&date=${date}&view=week&timeZone=${encodeURIComponent(ZONE)}`;
    const week = async () => {
      const days = [0, 7].map((offset) => localDate(new Date(Date.now() + offset * 86_400_000)));
      const answers = await Promise.all(days.map((date) => api<{ appointments: Appointment[] }>(query(date))));
      return answers
        .flatMap((answer) => answer.appointments)
        .filter((appointment) => appointment.status !== 'cancelled');
    };
    const [stored] = await week();
    expect(stored).toMatchObject({
      status: 'booked',
      appointmentType: { coding: [{ display: 'Follow-up' }] },
    });
    expect(stored!.participant?.map((participant) => participant.actor?.reference)).toEqual(
      expect.arrayContaining([`Patient/${patientId}`, `Practitioner/${practitionerId}`]),
    );

    // Reschedule: another free slot of the view.
    await booked.click();
    const details = page.getByRole('dialog', { name: 'Appointment' });
    await details.getByRole('combobox', { name: 'New time' }).click();
    const target = details.getByRole('option').nth(1);
    const targetLabel = (await target.textContent())!;
    await target.click();
    await details.getByRole('button', { name: 'Move appointment' }).click();
    await eventually(() => details.getByText(`Moved to ${targetLabel}.`).isVisible()).toBe(true);
    const moved = await api<Appointment>(`/appointments/${stored!.id}`);
    expect(moved.status).toBe('booked');
    expect(moved.start).not.toBe(stored!.start);

    // Check in: an encounter opens; the chart is one click away.
    await details.getByRole('button', { name: 'Check in' }).click();
    await eventually(() => details.getByText('Checked in: the visit is open.').isVisible()).toBe(true);
    await expect.poll(() => details.getByText('Checked in', { exact: true }).isVisible()).toBe(true);
    expect((await api<Appointment>(`/appointments/${stored!.id}`)).status).toBe('arrived');
    const encounters = await fhirAs(baseUrl, await accessToken(baseUrl, USERS.frontDesk)).get<Bundle<Encounter>>(
      `Encounter?patient=Patient/${patientId}`,
    );
    expect(encounters.entry?.map((entry) => entry.resource?.status)).toEqual(['arrived']);
    await details.getByRole('link', { name: "Open OYELARAN, Marguerite's chart" }).click();
    await page.waitForURL(`**/patients/${patientId}`);

    // The workspace home lists today's appointments (the clinic's: this account is no practitioner).
    await page.goto('/');
    const today = page.getByRole('region', { name: "Today's schedule" });
    await eventually(() => today.getByText("The clinic's appointments", { exact: false }).isVisible()).toBe(true);
    if (localDate(new Date(moved.start!)) === localDate(new Date())) {
      const row = today.getByRole('row', { name: /OYELARAN, Marguerite/ });
      await eventually(() => row.isVisible()).toBe(true);
      expect(await row.getByRole('cell').allTextContents()).toEqual([
        expect.stringMatching(/^\d\d:\d\d$/),
        'OYELARAN, Marguerite',
        'Follow-up',
        'Checked in',
      ]);
    } else {
      await eventually(() => today.getByText('No appointments today').isVisible()).toBe(true);
    }
    await expectAccessible(page, "the workspace home with today's schedule");
    expect(desk.problems).toEqual([]);
  });

  it('cancels an appointment with a reason; a no-show waits until the appointment has begun', async () => {
    const { page } = desk;
    const now = new Date();
    const { slots } = await api<{ slots: { id: string; start: string }[] }>(
      `/scheduling/slots?practitioner=${practitionerId}&from=${now.toISOString()}&to=${new Date(now.getTime() + 14 * 86_400_000).toISOString()}`,
    );
    // Two slots of the same (Berlin) week as the first free one, so one calendar view shows both.
    const week = (start: string) => {
      const date = new Date(`${localDate(new Date(start))}T00:00:00Z`);
      return new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    };
    const [first, second] = slots.filter((slot) => week(slot.start) === week(slots[0]!.start));
    const cancelled = await api<Appointment>('/appointments', {
      method: 'POST',
      json: { slot: first!.id, patient: inpatientId },
    });
    const missed = await api<Appointment>('/appointments', {
      method: 'POST',
      json: { slot: second!.id, patient: inpatientId },
    });

    await page.goto('/schedule');
    await choose(page, page, 'Practitioner', 'Dr Ines Haldane');
    const calendar = page.getByRole('region', { name: 'Calendar of Dr Ines Haldane' });
    const chips = calendar.getByRole('button', { name: /WRENFIELD, Tobias Booked$/ });
    if (week(first!.start) !== week(new Date().toISOString()))
      await page.getByRole('button', { name: 'Next week' }).click();
    await eventually(() => chips.count()).toBe(2);

    await chips.first().click();
    const details = page.getByRole('dialog', { name: 'Appointment' });
    await details.getByRole('combobox', { name: 'Cancellation reason' }).click();
    await details.getByRole('option', { name: 'Patient cancelled' }).click();
    await details.getByRole('button', { name: 'Cancel appointment' }).click();
    await eventually(() =>
      details.getByText('The appointment is cancelled and its slot is free again.').isVisible(),
    ).toBe(true);
    const stored = await api<Appointment>(`/appointments/${cancelled.id}`);
    expect(stored.status).toBe('cancelled');
    expect(stored.cancelationReason?.coding?.[0]?.code).toBe('pat');
    await details.getByRole('button', { name: 'Close' }).click();
    await eventually(() => calendar.getByRole('button', { name: /WRENFIELD, Tobias Cancelled$/ }).isVisible()).toBe(
      true,
    );

    // A no-show is for an appointment that has begun: the server refuses one ahead of time, so the
    // calendar does not offer it.
    await calendar.getByRole('button', { name: /WRENFIELD, Tobias Booked$/ }).click();
    await eventually(() =>
      details.getByText('A no-show can be marked once the appointment has begun.').isVisible(),
    ).toBe(true);
    expect(await details.getByRole('button', { name: 'Mark no-show' }).count()).toBe(0);
    expect((await api<Appointment>(`/appointments/${missed.id}`)).status).toBe('booked');
    await details.getByRole('button', { name: 'Close' }).click();
    expect(desk.problems).toEqual([]);
  });

  it('admits by drag-and-drop, transfers by drag-and-drop and by the keyboard, and discharges on the bed board', async () => {
    const { page } = desk;
    await page.goto('/beds');
    const ward = page.getByRole('region', { name: wardName });
    await eventually(() => ward.getByText('0 of 3 available beds occupied (0 %)').isVisible()).toBe(true);
    const bed = (label: string) => ward.getByRole('listitem', { name: new RegExp(`^Bed ${label}, ${wardName}: `) });
    expect(await bed('1, Room 1').getAttribute('aria-label')).toBe(`Bed 1, Room 1, ${wardName}: Free`);

    await page.getByRole('searchbox', { name: 'Find a patient to admit' }).fill('Wrenfield');
    const waiting = page
      .getByRole('list', { name: 'Patients found' })
      .getByRole('listitem', { name: 'WRENFIELD, Tobias' });
    await waiting.dragTo(bed('1, Room 1'));
    await eventually(() =>
      page.getByText(`Admitted WRENFIELD, Tobias to Bed 1, Room 1, ${wardName}.`).isVisible(),
    ).toBe(true);
    await eventually(() => bed('1, Room 1').getAttribute('aria-label')).toBe(
      `Bed 1, Room 1, ${wardName}: Occupied, Tobias Wrenfield`,
    );
    await expect.poll(() => ward.getByText('1 of 3 available beds occupied (33.3 %)').isVisible()).toBe(true);
    const board = async () =>
      (await api<{ wards: BoardWard[] }>('/beds/board')).wards.find((w) => w.name === wardName)!;
    const occupied = async () =>
      (await board()).rooms.flatMap((room) =>
        room.beds.filter((b) => b.status === 'occupied').map((b) => `${room.name}/${b.name}:${b.patient?.id}`),
      );
    expect(await occupied()).toEqual([`Room 1/1:${inpatientId}`]);
    await expectAccessible(page, 'the bed board');
    await screenshot(page, 'front-desk-bed-board');

    // Transfer by dragging the occupied bed onto a free one.
    await bed('1, Room 1').dragTo(bed('2, Room 1'));
    await eventually(() => page.getByText(`Moved Tobias Wrenfield to Bed 2, Room 1, ${wardName}.`).isVisible()).toBe(
      true,
    );
    await eventually(occupied).toEqual([`Room 1/2:${inpatientId}`]);
    await eventually(() => bed('1, Room 1').getAttribute('aria-label')).toBe(`Bed 1, Room 1, ${wardName}: Cleaning`);

    // Transfer by the keyboard: the "Move to…" menu.
    const move = bed('2, Room 1').getByRole('button', { name: 'Move to… (Tobias Wrenfield)' });
    await move.focus();
    await page.keyboard.press('Enter');
    const item = page.getByRole('menuitem', { name: `Bed 1, Room 2, ${wardName}` });
    await eventually(() => item.isVisible()).toBe(true);
    await pressUntilFocused(page, item, 'ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(() => page.getByText(`Moved Tobias Wrenfield to Bed 1, Room 2, ${wardName}.`).isVisible()).toBe(
      true,
    );
    await eventually(occupied).toEqual([`Room 2/1:${inpatientId}`]);

    // Discharge: the stay ends and the bed goes to cleaning; a cleaned bed is free again.
    await bed('1, Room 2').getByRole('button', { name: 'Discharge Tobias Wrenfield' }).click();
    await eventually(() =>
      page.getByText(`Discharged Tobias Wrenfield; Bed 1, Room 2, ${wardName} is now being cleaned.`).isVisible(),
    ).toBe(true);
    await eventually(() => bed('1, Room 2').getAttribute('aria-label')).toBe(`Bed 1, Room 2, ${wardName}: Cleaning`);
    expect(await occupied()).toEqual([]);
    const encounters = await fhirAs(baseUrl, await accessToken(baseUrl, USERS.frontDesk)).get<Bundle<Encounter>>(
      `Encounter?patient=Patient/${inpatientId}`,
    );
    expect(encounters.entry?.map((entry) => entry.resource?.status)).toEqual(['finished']);
    await bed('1, Room 1')
      .getByRole('button', { name: `Cleaned (Bed 1, Room 1, ${wardName})` })
      .click();
    await eventually(() => bed('1, Room 1').getAttribute('aria-label')).toBe(`Bed 1, Room 1, ${wardName}: Free`);
    // Bed 2 of Room 1 (left by the keyboard move) and the discharge bed are still being cleaned.
    expect((await board()).now).toMatchObject({ occupied: 0, cleaning: 2, free: 1 });
    await expect.poll(() => ward.getByText('0 of 3 available beds occupied (0 %)').isVisible()).toBe(true);
    expect(desk.problems).toEqual([]);
  });
});
