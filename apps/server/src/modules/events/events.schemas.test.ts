import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS_DIR, eventSchemaErrors, eventSchemaFile } from '../../../test/event-schemas';
import { EVENT_TYPE_PATTERN, EVENT_TYPES } from './events.catalog';

describe('docs/events', () => {
  it('has a schema for every event type, listed in its README, and nothing else', () => {
    const readme = readFileSync(join(EVENT_SCHEMAS_DIR, 'README.md'), 'utf8');
    for (const type of EVENT_TYPES) {
      expect(EVENT_TYPE_PATTERN.test(type)).toBe(true);
      expect(existsSync(eventSchemaFile(type)), type).toBe(true);
      expect(readme, type).toContain(`| \`${type}\` | 1 |`);
    }
    const files = readdirSync(EVENT_SCHEMAS_DIR).filter((name) => name.endsWith('.json'));
    const listed = new Set<string>(EVENT_TYPES.map((type) => `${type}.v1.json`));
    expect(files.filter((name) => !/\.v1\.json$/.test(name) || !listed.has(name))).toEqual([]);
  });

  it('schemas compile, name themselves and refuse payloads missing their ids', () => {
    for (const type of EVENT_TYPES) {
      const schema = JSON.parse(readFileSync(eventSchemaFile(type), 'utf8')) as { $id: string; required: string[] };
      expect(schema.$id).toBe(`https://meridian.health/events/${type}.v1.json`);
      expect(schema.required.length, type).toBeGreaterThan(0);
      expect(eventSchemaErrors(type, 1, {}), type).not.toEqual([]);
    }
  });

  it('accepts the payloads Meridian publishes and names what is wrong with others', () => {
    expect(
      eventSchemaErrors('encounter.finished', 1, {
        encounterId: 'e1',
        patientId: 'p1',
        class: 'AMB',
        finishedAt: '2026-11-24T09:30:00Z',
      }),
    ).toEqual([]);
    expect(
      eventSchemaErrors('appointment.booked', 1, {
        appointment: 'a1',
        status: 'booked',
        patient: 'p1',
        practitioner: 'pr1',
        start: '2026-11-25T09:00:00Z',
        end: '2026-11-25T09:20:00Z',
        visitType: 'follow-up',
      }),
    ).toEqual([]);
    expect(eventSchemaErrors('payment.posted', 1, { amount: 12.5, currency: 'usd' })).toEqual([
      '/amount must be integer',
      '/currency must match pattern "^[A-Z]{3}$"',
    ]);
    expect(eventSchemaErrors('encounter.finished', 1, { encounterId: 'e1', finishedAt: 'yesterday' })).toEqual([
      '/finishedAt must match format "date-time"',
    ]);
  });
});
