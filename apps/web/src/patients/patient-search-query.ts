/**
 * Turns what a person types in the patient search box into FHIR search parameters: an ISO date is a
 * birth date, a token with digits is an identifier (MRN and the like), and the other words are name parts
 * (each must match, so "jane doe" finds Jane Doe and not every Jane). Phone numbers: `patientSearches`.
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

/** Seven digits or more, written with nothing but digits, spaces and phone punctuation: "(555) 010-0199". */
export function looksLikePhone(text: string): boolean {
  const trimmed = text.trim();
  return (
    /^\+?[\d\s().-]+$/.test(trimmed) &&
    trimmed.replace(/\D/g, '').length >= 7 &&
    !/^\d{4}-\d{2}(-\d{2})?$/.test(trimmed)
  );
}

/**
 * The searches to run for what was typed, whose results together are the answer. A phone-like entry is
 * asked both ways: as a phone number (the server compares digits) and as an identifier, since an MRN may
 * be all digits too.
 */
export function patientSearches(text: string): [string, string][][] {
  if (looksLikePhone(text)) {
    const trimmed = text.trim();
    return [[['phone', trimmed]], [['identifier', trimmed.replace(/\s+/g, '')]]];
  }
  const params = patientSearchParams(text);
  return params.length ? [params] : [];
}

/** Worth asking the server: at least two characters, or one full token such as a date. */
export function isSearchable(text: string): boolean {
  return text.trim().length >= 2;
}
