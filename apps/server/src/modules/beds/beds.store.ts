import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import type { BedStatus } from './beds.status';

export interface Occupancy {
  id: string;
  bedId: string;
  wardId: string | null;
  encounterId: string;
  patientId: string;
  admittedAt: string;
  startedAt: string;
  endedAt: string | null;
  endedBy: string | null;
}

export type BedEvent =
  | 'created'
  | 'admit'
  | 'transfer-in'
  | 'transfer-out'
  | 'discharge'
  | 'cleaned'
  | 'block'
  | 'unblock'
  | 'fhir';

export interface StatusChange {
  position: number;
  bedId: string;
  wardId: string | null;
  from: BedStatus | null;
  to: BedStatus;
  at: string;
  event: BedEvent;
  byUser: string | null;
  encounterId: string | null;
  reason: string | null;
}

const OCCUPANCY_COLUMNS = `id, bed_id AS "bedId", ward_id AS "wardId", encounter_id AS "encounterId",
  patient_id AS "patientId", admitted_at AS "admittedAt", started_at AS "startedAt", ended_at AS "endedAt",
  ended_by AS "endedBy"`;
const CHANGE_COLUMNS = `position, bed_id AS "bedId", ward_id AS "wardId", from_status AS "from",
  to_status AS "to", at, event, by_user AS "byUser", encounter_id AS "encounterId", reason`;

/** A unique index of bed_occupancy refused a second open stay (bed, patient or encounter). */
export function occupancyClash(error: unknown): 'bed' | 'patient' | 'encounter' | undefined {
  const { code, constraint, message } = error as { code?: string; constraint?: string; message?: string };
  if (code !== '23505') return undefined;
  const name = `${constraint ?? ''} ${message ?? ''}`;
  if (name.includes('bed_occupancy_one_per_bed')) return 'bed';
  if (name.includes('bed_occupancy_one_per_patient')) return 'patient';
  if (name.includes('bed_occupancy_one_per_encounter')) return 'encounter';
  return undefined;
}

function normalise(row: Occupancy): Occupancy {
  return { ...row, admittedAt: iso(row.admittedAt)!, startedAt: iso(row.startedAt)!, endedAt: iso(row.endedAt) };
}

function iso(value: string | Date | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString();
}

/** SQL of the bed board's own tables. Every query names the tenant (row-level security is the second fence). */
export const bedStore = {
  async openStay(
    db: Queryable,
    tenantId: string,
    stay: Omit<Occupancy, 'id' | 'endedAt' | 'endedBy'>,
  ): Promise<Occupancy> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO bed_occupancy (tenant_id, id, bed_id, ward_id, encounter_id, patient_id, admitted_at, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, id, stay.bedId, stay.wardId, stay.encounterId, stay.patientId, stay.admittedAt, stay.startedAt],
    );
    return { ...stay, id, endedAt: null, endedBy: null };
  },

  /** The open stay of an encounter, locked until the transaction ends (transfer and discharge queue on it). */
  async lockOpenStay(db: Queryable, tenantId: string, encounterId: string): Promise<Occupancy | undefined> {
    const { rows } = await db.query<Occupancy>(
      `SELECT ${OCCUPANCY_COLUMNS} FROM bed_occupancy
        WHERE tenant_id = $1 AND encounter_id = $2 AND ended_at IS NULL FOR UPDATE`,
      [tenantId, encounterId],
    );
    return rows[0] ? normalise(rows[0]) : undefined;
  },

  async closeStay(db: Queryable, tenantId: string, id: string, at: string, by: 'transfer' | 'discharge') {
    await db.query('UPDATE bed_occupancy SET ended_at = $3, ended_by = $4 WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
      at,
      by,
    ]);
  },

  async openStayOf(db: Queryable, tenantId: string, encounterId: string): Promise<boolean> {
    const { rows } = await db.query(
      'SELECT 1 FROM bed_occupancy WHERE tenant_id = $1 AND encounter_id = $2 AND ended_at IS NULL',
      [tenantId, encounterId],
    );
    return rows.length > 0;
  },

  async openStayOfBed(db: Queryable, tenantId: string, bedId: string): Promise<Occupancy | undefined> {
    const { rows } = await db.query<Occupancy>(
      `SELECT ${OCCUPANCY_COLUMNS} FROM bed_occupancy WHERE tenant_id = $1 AND bed_id = $2 AND ended_at IS NULL`,
      [tenantId, bedId],
    );
    return rows[0] ? normalise(rows[0]) : undefined;
  },

  async openStaysOfBeds(db: Queryable, tenantId: string, bedIds: string[]): Promise<Occupancy[]> {
    if (!bedIds.length) return [];
    const { rows } = await db.query<Occupancy>(
      `SELECT ${OCCUPANCY_COLUMNS} FROM bed_occupancy
        WHERE tenant_id = $1 AND bed_id = ANY($2::text[]) AND ended_at IS NULL`,
      [tenantId, bedIds],
    );
    return rows.map(normalise);
  },

  /** Stays of a ward's beds that ended by discharge in [from, to). */
  async dischargedStays(db: Queryable, tenantId: string, wardId: string, from: string, to: string) {
    const { rows } = await db.query<Occupancy>(
      `SELECT ${OCCUPANCY_COLUMNS} FROM bed_occupancy
        WHERE tenant_id = $1 AND ward_id = $2 AND ended_by = 'discharge' AND ended_at >= $3 AND ended_at < $4`,
      [tenantId, wardId, from, to],
    );
    return rows.map(normalise);
  },

  async recordChange(db: Queryable, tenantId: string, change: Omit<StatusChange, 'position'>): Promise<void> {
    await db.query(
      `INSERT INTO bed_status_change
         (tenant_id, bed_id, ward_id, from_status, to_status, at, event, by_user, encounter_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        tenantId,
        change.bedId,
        change.wardId,
        change.from,
        change.to,
        change.at,
        change.event,
        change.byUser,
        change.encounterId,
        change.reason,
      ],
    );
  },

  /** The latest change of each bed (its status since when, and why). */
  async latestChanges(db: Queryable, tenantId: string, bedIds: string[]): Promise<Map<string, StatusChange>> {
    if (!bedIds.length) return new Map();
    const { rows } = await db.query<StatusChange>(
      `SELECT DISTINCT ON (bed_id) ${CHANGE_COLUMNS} FROM bed_status_change
        WHERE tenant_id = $1 AND bed_id = ANY($2::text[]) ORDER BY bed_id, position DESC`,
      [tenantId, bedIds],
    );
    return new Map(rows.map((row) => [row.bedId, normaliseChange(row)]));
  },

  /**
   * The changes in [from, to) of the beds that ever belonged to the ward, with each bed's last change before
   * `from` (its status when the period begins); oldest first per bed.
   */
  async wardHistory(db: Queryable, tenantId: string, wardId: string, from: string, to: string) {
    const { rows } = await db.query<StatusChange>(
      `WITH beds AS (
         SELECT DISTINCT bed_id FROM bed_status_change WHERE tenant_id = $1 AND ward_id = $2
       ), earlier AS (
         SELECT DISTINCT ON (c.bed_id) c.* FROM bed_status_change c JOIN beds USING (bed_id)
          WHERE c.tenant_id = $1 AND c.at < $3 ORDER BY c.bed_id, c.position DESC
       ), within AS (
         SELECT c.* FROM bed_status_change c JOIN beds USING (bed_id)
          WHERE c.tenant_id = $1 AND c.at >= $3 AND c.at < $4
       )
       SELECT ${CHANGE_COLUMNS} FROM (SELECT * FROM earlier UNION ALL SELECT * FROM within) AS changes
        ORDER BY bed_id, position`,
      [tenantId, wardId, from, to],
    );
    return rows.map(normaliseChange);
  },
};

function normaliseChange(row: StatusChange): StatusChange {
  return { ...row, position: Number(row.position), at: iso(row.at)! };
}
