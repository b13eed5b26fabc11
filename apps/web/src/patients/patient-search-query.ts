/**
 * Turns what a person types in the patient search box into FHIR search parameters: an ISO date is a
 * birth date, a token with digits is an identifier (MRN and the like), and the other words are name parts
 * (each must match, so "jane doe" finds Jane Doe and not every Jane).
 */
export function patientSearchParams(text: string): [string, string][] {
  const tokens = text
    .split(/[\s,]+/)
    .map((token) => token.trim())
    .filter(Boolean);
  const params: [string, string][] = [];
  for (const token of tokens) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(token) || /^\d{4}-\d{2}$/.test(token)) {
      params.push(['birthdate', token]);
    } else if (/\d/.test(token)) {
      params.push(['identifier', token]);
    } else {
      params.push(['name', token]);
    }
  }
  return params;
}

/** Worth asking the server: at least two characters, or one full token such as a date. */
export function isSearchable(text: string): boolean {
  return text.trim().length >= 2;
}
