import { formatMinor } from './money';

/**
 * An ANSI X12 837 Professional claim (005010X222A1), written to the implementation guide's loop
 * structure: ISA/GS envelope, ST/BHT header, 1000A submitter, 1000B receiver, 2000A/2010AA billing
 * provider, 2000B/2010BA subscriber and 2010BB payer, 2000C/2010CA patient when the patient is not the
 * subscriber, 2300 claim (CLM, HI), 2400 service lines (LX, SV1, DTP), then SE/GE/IEA with their counts.
 */
export interface Claim837 {
  control: number;
  /** Sender and receiver interchange ids (ISA06/ISA08, GS02/GS03). */
  senderId: string;
  receiverId: string;
  submitter: { name: string; id: string; contact: string; phone: string };
  receiver: { name: string; id: string };
  billingProvider: { name: string; npi: string; taxId: string; address: Address };
  subscriber: Person & { memberId: string; group?: string | undefined };
  /** IG code of the patient's relationship to the subscriber; absent when the patient is the subscriber. */
  patient?: (Person & { relationship: string }) | undefined;
  payer: { name: string; id: string };
  claim: {
    /** CLM01, the patient control number (at most 20 characters). */
    id: string;
    currency: string;
    /** ICD-10-CM codes, principal first (with or without the dot). */
    diagnoses: string[];
    placeOfService: string;
    lines: {
      code: string;
      modifiers: string[];
      amount: number;
      quantity: string;
      date: string;
      diagnosisPointers: number[];
    }[];
  };
  createdAt: Date;
  production: boolean;
}

export interface Person {
  family: string;
  given?: string | undefined;
  birthDate: string;
  gender: 'F' | 'M' | 'U';
  address: Address;
}
export interface Address {
  line: string;
  city: string;
  state: string;
  postalCode: string;
}

/** X12 text allows no separators inside values; upper case is conventional. */
function clean(value: string, max = 60): string {
  return value
    .replace(/[~*:^\r\n]/g, ' ')
    .trim()
    .toUpperCase()
    .slice(0, max);
}

function amount(minor: number, currency: string): string {
  const text = formatMinor(minor, currency);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

const pad = (value: string, length: number) => clean(value, length).padEnd(length, ' ');
const ymd = (date: Date) => date.toISOString().slice(0, 10).replace(/-/g, '');
const hm = (date: Date) => date.toISOString().slice(11, 16).replace(':', '');

export function generate837P(input: Claim837): string {
  const { claim } = input;
  const segments: string[][] = [];
  const add = (...elements: string[]) => {
    // Trailing empty elements are left out.
    while (elements.length > 1 && elements[elements.length - 1] === '') elements.pop();
    segments.push(elements);
  };
  const control = String(input.control).padStart(9, '0');
  const at = input.createdAt;
  const isa = [
    'ISA',
    '00',
    pad('', 10),
    '00',
    pad('', 10),
    'ZZ',
    pad(input.senderId, 15),
    'ZZ',
    pad(input.receiverId, 15),
    ymd(at).slice(2),
    hm(at),
    '^',
    '00501',
    control,
    '0',
    input.production ? 'P' : 'T',
    ':',
  ];
  const group = String(input.control);
  add('GS', 'HC', clean(input.senderId, 15), clean(input.receiverId, 15), ymd(at), hm(at), group, 'X', '005010X222A1');
  const transactionStart = segments.length;
  add('ST', '837', '0001', '005010X222A1');
  add('BHT', '0019', '00', clean(claim.id, 30), ymd(at), hm(at), 'CH');
  // 1000A submitter, 1000B receiver.
  add('NM1', '41', '2', clean(input.submitter.name), '', '', '', '', '46', clean(input.submitter.id, 80));
  add('PER', 'IC', clean(input.submitter.contact), 'TE', input.submitter.phone.replace(/\D/g, ''));
  add('NM1', '40', '2', clean(input.receiver.name), '', '', '', '', '46', clean(input.receiver.id, 80));
  // 2000A billing provider.
  add('HL', '1', '', '20', '1');
  add('NM1', '85', '2', clean(input.billingProvider.name), '', '', '', '', 'XX', input.billingProvider.npi);
  addAddress(add, input.billingProvider.address);
  add('REF', 'EI', input.billingProvider.taxId.replace(/\D/g, ''));
  // 2000B subscriber: SBR02 is 18 (self) when the patient is the subscriber, else empty.
  add('HL', '2', '1', '22', input.patient ? '1' : '0');
  add('SBR', 'P', input.patient ? '' : '18', clean(input.subscriber.group ?? '', 50), '', '', '', '', '', 'CI');
  addPerson(add, 'IL', input.subscriber, ['MI', clean(input.subscriber.memberId, 80)]);
  add('NM1', 'PR', '2', clean(input.payer.name), '', '', '', '', 'PI', clean(input.payer.id, 80));
  if (input.patient) {
    // 2000C patient, when not the subscriber.
    add('HL', '3', '2', '23', '0');
    add('PAT', input.patient.relationship);
    addPerson(add, 'QC', input.patient);
  }
  // 2300 claim.
  const total = claim.lines.reduce((sum, line) => sum + line.amount, 0);
  add(
    'CLM',
    clean(claim.id, 20),
    amount(total, claim.currency),
    '',
    '',
    `${claim.placeOfService}:B:1`,
    'Y',
    'A',
    'Y',
    'Y',
  );
  add(
    'HI',
    ...claim.diagnoses.slice(0, 12).map((code, index) => `${index === 0 ? 'ABK' : 'ABF'}:${code.replace('.', '')}`),
  );
  // 2400 service lines.
  claim.lines.forEach((line, index) => {
    add('LX', String(index + 1));
    const procedure = ['HC', line.code, ...line.modifiers.slice(0, 4)].join(':');
    add(
      'SV1',
      procedure,
      amount(line.amount, claim.currency),
      'UN',
      line.quantity,
      '',
      '',
      line.diagnosisPointers.slice(0, 4).join(':'),
    );
    add('DTP', '472', 'D8', line.date.slice(0, 10).replace(/-/g, ''));
  });
  // SE01 counts the segments from ST to SE, both included.
  add('SE', String(segments.length - transactionStart + 1), '0001');
  add('GE', '1', group);
  add('IEA', '1', control);
  return [isa, ...segments].map((elements) => `${elements.join('*')}~`).join('\n');
}

type Add = (...elements: string[]) => void;

function addAddress(add: Add, address: Address) {
  add('N3', clean(address.line, 55));
  add('N4', clean(address.city, 30), clean(address.state, 2), address.postalCode.replace(/\D/g, '').slice(0, 9));
}

function addPerson(add: Add, entity: string, person: Person, id?: [string, string]) {
  add('NM1', entity, '1', clean(person.family, 60), clean(person.given ?? '', 35), '', '', '', ...(id ?? []));
  addAddress(add, person.address);
  add('DMG', 'D8', person.birthDate.replace(/-/g, ''), person.gender);
}
