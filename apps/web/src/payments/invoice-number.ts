/** A short number a person can read out (at the desk, on the portal): the first block of the invoice id. */
export function invoiceNumber(id: string): string {
  return id.split('-')[0]!.toUpperCase();
}
