import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { randomToken, sha256 } from './identity.crypto';

const PERIOD = 30;

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export async function newTotpEnrolment(issuer: string, label: string): Promise<TotpEnrolment> {
  const secret = generateSecret();
  const otpauthUri = generateURI({ issuer, label, secret, period: PERIOD });
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' });
  return { secret, otpauthUri, qrCodeDataUrl };
}

/**
 * Checks a code at `now`, accepting the previous time step too (clock drift and typing time), and never
 * a step at or before `lastStep`, so one code cannot be used twice. Returns the step it matched.
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastStep: number | null,
): Promise<number | undefined> {
  const epoch = Math.floor(now.getTime() / 1000);
  const result = await verify({
    secret,
    token: code,
    epoch,
    period: PERIOD,
    epochTolerance: [PERIOD, 0],
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  if (!result.valid) return undefined;
  return 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : Math.floor(epoch / PERIOD);
}

/** Ten single-use recovery codes, shown once; only their hashes are kept. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const raw = randomToken(10).replace(/[-_]/g, 'x').slice(0, 12).toLowerCase();
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  });
  return { codes, hashes: codes.map(recoveryCodeHash) };
}

export function recoveryCodeHash(code: string): string {
  return sha256(code.trim().toLowerCase().replace(/\s/g, ''));
}
