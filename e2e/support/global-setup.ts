import type { TestProject } from 'vitest/node';
import { accessToken, createUser, fhirAs, USERS } from './api';
import { startMeridian } from './meridian-server';
import { totpCode, totpStep } from './totp';
import { startVault } from './vault-server';

declare module 'vitest' {
  export interface ProvidedContext {
    meridianUrl: string;
    /** Meridian Vault's own address (the web app reaches it through Meridian at /vault/v1). */
    vaultUrl: string;
    /** The TOTP user's secret and the time step its enrolment used up. */
    totp: { secret: string; usedStep: number };
    /** The CLI's token for /admin/local (tenants, users), for tests that need their own. */
    adminToken: string;
  }
}

/** One Meridian (and the Meridian Vault next to it) for the whole run, with the users the tests sign in as. */
export default async function setup(project: TestProject) {
  const vault = await startVault();
  let server: Awaited<ReturnType<typeof startMeridian>>;
  try {
    server = await startMeridian({ VAULT_ADDR: vault.url });
  } catch (error) {
    await vault.stop();
    throw error;
  }
  try {
    for (const user of Object.values(USERS)) await createUser(server.url, server.adminToken, user);
    // Two-factor for the TOTP user, enrolled as its owner would: start, then confirm with a first code.
    const token = await accessToken(server.url, USERS.totp);
    const api = fhirAs(server.url, token);
    const enrolment = await api.post<{ secret: string }>('/auth/mfa/totp', {});
    const usedStep = totpStep();
    await api.post('/auth/mfa/totp/verify', { code: totpCode(enrolment.secret, usedStep) });
    project.provide('totp', { secret: enrolment.secret, usedStep });
  } catch (error) {
    await server.stop();
    await vault.stop();
    throw error;
  }
  project.provide('meridianUrl', server.url);
  project.provide('vaultUrl', vault.url);
  project.provide('adminToken', server.adminToken);
  return async () => {
    await server.stop();
    await vault.stop();
  };
}
