import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** docs/events: one JSON Schema per event type and version. */
export const EVENT_SCHEMAS_DIR = join(import.meta.dirname, '..', '..', '..', 'docs', 'events');

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
// ajv-formats is CommonJS: its plugin is the module itself or its default, depending on the loader.
const formats = (addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats;
formats(ajv);
const compiled = new Map<string, ValidateFunction>();

export function eventSchemaFile(type: string, version = 1): string {
  return join(EVENT_SCHEMAS_DIR, `${type}.v${version}.json`);
}

/**
 * What is wrong with an event's data against its schema (`docs/events/<type>.v<version>.json`): an empty
 * list when it conforms. Throws when the type has no schema. Modules' tests use it on what they publish.
 */
export function eventSchemaErrors(type: string, version: number | undefined, data: unknown): string[] {
  const file = eventSchemaFile(type, version ?? 1);
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    compiled.set(file, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}
