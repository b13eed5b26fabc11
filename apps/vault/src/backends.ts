import { approleBackend } from './auth/approle.js';
import { tokenBackend } from './auth/token-routes.js';
import { userpassBackend } from './auth/userpass.js';
import type { Core } from './core/core.js';
import { cubbyholeBackend } from './engines/cubbyhole.js';
import { kvV1Backend } from './engines/kv-v1.js';
import { kvV2Backend } from './engines/kv-v2.js';
import { transitBackend } from './engines/transit.js';
import { sysBackend } from './sys/backend.js';

/** Connects the secrets engines, auth methods and built-in backends to a core. */
export function wireBackends(core: Core): void {
  core.secretEngines = {
    kv: (ctx) => (ctx.entry.options.version === '2' ? kvV2Backend(ctx) : kvV1Backend(ctx)),
    transit: (ctx) => transitBackend(ctx),
    cubbyhole: () => cubbyholeBackend(core),
  };
  core.authMethods = {
    userpass: (ctx) => userpassBackend(ctx),
    approle: (ctx) => approleBackend(ctx),
  };
  core.sysBackend = sysBackend(core);
  core.tokenBackend = tokenBackend(core);
}
