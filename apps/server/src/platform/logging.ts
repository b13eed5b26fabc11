import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/**
 * JSON logs. Request lines carry the request id, method, route pattern, status and time — never URLs,
 * query strings, bodies or headers that could hold patient data or credentials.
 */
export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'meridian' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], remove: true },
    serializers: {
      req: (request: { id: string }) => ({ id: request.id }),
      res: () => undefined,
    },
  });
}
