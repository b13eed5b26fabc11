import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from './config';

describe('loadConfig', () => {
  it('gives working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('.data');
  });

  it('names every bad setting at once and hides sensitive values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://secret-password@db' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('DATABASE_URL=(hidden)');
    expect(message).not.toContain('secret-password');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('reads values from the environment', () => {
    const config = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db', REQUEST_LOG: 'false' });
    expect(config.port).toBe(9000);
    expect(config.databaseUrl).toBe('postgres://u@h/db');
    expect(config.requestLog).toBe(false);
  });

  it('describes every setting', () => {
    for (const setting of Object.values(SETTINGS)) expect(setting.description.length).toBeGreaterThan(10);
  });
});
