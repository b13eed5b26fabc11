import type { Invoice, Patient } from '@medplum/fhirtypes';
import PDFDocument from 'pdfkit';
import { invoiceMoney, isCreditNote } from './invoices';
import { formatMinor } from './money';

/** A printable invoice or credit note: who it is for, each line's amounts, totals. */
export function invoicePdf(invoice: Invoice, patient: Patient | undefined, clinic: string): Promise<Buffer> {
  const money = invoiceMoney(invoice);
  const format = (minor: number) => `${formatMinor(minor, money.currency)} ${money.currency}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Invoice ${invoice.id}`, Producer: 'Meridian' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.fontSize(18).text(isCreditNote(invoice) ? 'Credit note' : 'Invoice', { align: 'left' });
  doc.fontSize(10).text(clinic);
  doc.moveDown();
  doc.text(`Number: ${invoice.id}`);
  doc.text(`Date: ${(invoice.date ?? '').slice(0, 10)}`);
  doc.text(`Status: ${invoice.status}`);
  const name = patient?.name?.[0];
  if (name) doc.text(`Patient: ${[...(name.given ?? []), name.family].filter(Boolean).join(' ')}`);
  doc.moveDown();

  const columns = [50, 90, 300, 380, 450];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, index) => {
      doc.text(cell, columns[index]!, y, {
        width: (columns[index + 1] ?? 545) - columns[index]! - 5,
        align: index >= 2 ? 'right' : 'left',
      });
    });
    doc.moveDown(0.5);
  };
  row(['#', 'Charge', 'Amount', 'Discount', 'Tax'], true);
  money.lines.forEach((line, index) => {
    row([String(index + 1), line.charge ?? '', format(line.gross), format(line.discount), format(line.tax)]);
  });
  doc.moveDown();
  doc.font('Helvetica');
  const totals: [string, number][] = [
    ['Subtotal', money.gross],
    ['Discounts', money.discount],
    ['Tax', money.tax],
    ['Total due', money.total],
  ];
  for (const [label, value] of totals) {
    doc.text(`${label}: ${format(value)}`, 300, doc.y, { width: 245, align: 'right' });
  }
  doc.moveDown();
  doc.fontSize(8).text('Amounts are rounded per line, half to even; totals are the sums of the lines.', 50, doc.y);
  doc.end();
  return done;
}
