import { BlockList, isIP } from 'node:net';

/** True when the address falls in one of the CIDR blocks (or single addresses); empty list allows all. */
export function addressAllowed(address: string, cidrs: string[]): boolean {
  if (cidrs.length === 0) return true;
  const addr = address.replace(/^::ffff:/, '');
  const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [ip, bits] = cidr.split('/');
    if (!ip || !isIP(ip)) continue;
    const f = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, f);
    else list.addSubnet(ip, Number(bits), f);
  }
  return list.check(addr, family);
}

export function validateCidrs(cidrs: string[]): string | null {
  for (const cidr of cidrs) {
    const [ip, bits] = cidr.split('/');
    if (!ip || !isIP(ip)) return cidr;
    if (bits !== undefined) {
      const n = Number(bits);
      const max = isIP(ip) === 6 ? 128 : 32;
      if (!Number.isInteger(n) || n < 0 || n > max) return cidr;
    }
  }
  return null;
}
