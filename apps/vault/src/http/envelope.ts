import type { Response } from '../core/types.js';

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

/** Vault's response envelope. */
export function envelope(
  requestId: string,
  response: Response,
  mountType: string,
  wrapInfo: WrapInfo | null = null,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: requestId,
    lease_id: '',
    renewable: response.renewable ?? false,
    lease_duration: response.leaseDuration ?? 0,
    data: wrapInfo ? null : (response.data ?? null),
    wrap_info: wrapInfo,
    warnings: response.warnings && response.warnings.length > 0 ? response.warnings : null,
    auth: wrapInfo ? null : (response.auth ?? null),
    mount_type: mountType,
  };
  if (response.topLevel && response.data && !wrapInfo) {
    for (const [key, value] of Object.entries(response.data)) if (!(key in body)) body[key] = value;
  }
  return body;
}

export function isEmpty(response: Response): boolean {
  return !response.data && !response.auth && !(response.warnings && response.warnings.length > 0);
}
