const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A FHIR date (`1980`, `1980-03`, `1980-03-12`) as a person reads it, without time-zone shifts: day and
 * month names are never ambiguous the way 03/12/1980 is.
 */
export function formatFhirDate(value: string | undefined): string {
  if (!value) return '';
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  const monthName = month ? MONTHS[Number(month) - 1] : undefined;
  if (!monthName) return year!;
  if (!day) return `${monthName} ${year}`;
  return `${Number(day)} ${monthName} ${year}`;
}

/** A FHIR dateTime or instant: the date, and the local time when the value has one. */
export function formatFhirDateTime(value: string | undefined): string {
  if (!value) return '';
  if (!value.includes('T')) return formatFhirDate(value);
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  const date = `${instant.getDate()} ${MONTHS[instant.getMonth()]} ${instant.getFullYear()}`;
  const time = `${String(instant.getHours()).padStart(2, '0')}:${String(instant.getMinutes()).padStart(2, '0')}`;
  return `${date}, ${time}`;
}

/** Age from a FHIR birth date: years, or months and days for the very young, as charts show it. */
export function ageFrom(birthDate: string | undefined, now: Date = new Date()): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (!match) {
    const year = /^(\d{4})/.exec(birthDate ?? '')?.[1];
    return year ? `${now.getUTCFullYear() - Number(year)} y` : undefined;
  }
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const today = { y: now.getUTCFullYear(), m: now.getUTCMonth() + 1, d: now.getUTCDate() };
  let months = (today.y - y) * 12 + (today.m - m);
  if (today.d < d) months -= 1;
  if (months < 0) return undefined;
  if (months >= 24) return `${Math.floor(months / 12)} y`;
  if (months >= 1) return `${months} mo`;
  const days = Math.floor((Date.UTC(today.y, today.m - 1, today.d) - Date.UTC(y, m - 1, d)) / 86_400_000);
  return `${days} d`;
}

/** Sort key for FHIR dates and instants: newest first when compared descending. */
export function dateSortKey(value: string | undefined): number {
  if (!value) return Number.NEGATIVE_INFINITY;
  const time = Date.parse(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
