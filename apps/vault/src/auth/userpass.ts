import type { Backend, MountContext, Request } from '../core/types.js';
import { asString } from '../core/values.js';
import { listResponse } from '../engines/common.js';
import { VaultError } from '../http/errors.js';
import { hashPassword, verifyPassword } from './password.js';
import {
  authInfoFrom,
  DEFAULT_TOKEN_PARAMS,
  parseTokenParams,
  type TokenParams,
  tokenParamsView,
} from './token-params.js';

interface User extends TokenParams {
  password_hash: string;
}

const NAME = /^[\w.@+-]+$/;

/** The userpass auth method: users with scrypt-hashed passwords and policies. */
export function userpassBackend(ctx: MountContext): Backend {
  const { storage } = ctx;
  const nameOf = (req: Request) => {
    const name = (req.params.username ?? '').toLowerCase();
    if (!NAME.test(name)) throw VaultError.badRequest('invalid username');
    return name;
  };
  const load = (name: string) => storage.getJson<User>(`user/${name}`);
  const requireUser = async (name: string) => {
    const user = await load(name);
    if (!user) throw VaultError.badRequest(`username does not exist: ${name}`);
    return user;
  };

  return {
    routes: [
      {
        pattern: /^users\/?$/,
        operations: { list: async () => listResponse(await storage.list('user/')) },
      },
      {
        pattern: /^users\/(?<username>[^/]+)$/,
        existence: async (req) => (await load(nameOf(req))) !== null,
        operations: {
          create: async (req) => {
            const password = asString(req.data.password, 'password');
            if (!password) throw VaultError.badRequest('missing password');
            const user: User = {
              ...parseTokenParams(req.data, DEFAULT_TOKEN_PARAMS),
              password_hash: await hashPassword(password),
            };
            await storage.putJson(`user/${nameOf(req)}`, user);
            return null;
          },
          update: async (req) => {
            const name = nameOf(req);
            const user = await requireUser(name);
            const password = asString(req.data.password, 'password');
            const next: User = { ...parseTokenParams(req.data, user), password_hash: user.password_hash };
            if (password) next.password_hash = await hashPassword(password);
            await storage.putJson(`user/${name}`, next);
            return null;
          },
          read: async (req) => {
            const user = await load(nameOf(req));
            if (!user) throw VaultError.notFound();
            const { password_hash: _hash, ...params } = user;
            return { data: tokenParamsView(params) };
          },
          delete: async (req) => {
            await storage.delete(`user/${nameOf(req)}`);
            return null;
          },
        },
      },
      {
        pattern: /^users\/(?<username>[^/]+)\/password$/,
        operations: {
          update: async (req) => {
            const name = nameOf(req);
            const user = await requireUser(name);
            const password = asString(req.data.password, 'password');
            if (!password) throw VaultError.badRequest('missing password');
            await storage.putJson(`user/${name}`, { ...user, password_hash: await hashPassword(password) });
            return null;
          },
        },
      },
      {
        pattern: /^users\/(?<username>[^/]+)\/policies$/,
        operations: {
          update: async (req) => {
            const name = nameOf(req);
            const user = await requireUser(name);
            const next = parseTokenParams({ token_policies: req.data.token_policies ?? req.data.policies ?? [] }, user);
            await storage.putJson(`user/${name}`, { ...user, token_policies: next.token_policies });
            return null;
          },
        },
      },
      {
        pattern: /^login\/(?<username>[^/]+)$/,
        unauthenticated: true,
        operations: {
          update: async (req) => {
            const name = nameOf(req);
            const password = asString(req.data.password, 'password');
            if (!password) throw VaultError.badRequest('missing password');
            const user = await load(name);
            // Hash even for unknown users, so timing does not reveal which names exist.
            let ok = false;
            if (user) {
              ok = await verifyPassword(password, user.password_hash);
            } else {
              await verifyPassword(password, DUMMY_HASH);
            }
            if (!user || !ok) throw VaultError.badRequest('invalid username or password');
            return { login: authInfoFrom(user, name, { username: name }) };
          },
        },
      },
    ],
  };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
