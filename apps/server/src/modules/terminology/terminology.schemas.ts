import { z } from 'zod';
import { terminologyErrors } from './terminology.errors';

export const searchQuery = z.object({
  system: z.string().trim().min(1).max(500),
  q: z.string().trim().max(200).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const concept = z.object({
  code: z.string().trim().min(1).max(200),
  display: z.string().trim().min(1).max(2000),
  parent: z.string().trim().min(1).max(200).optional(),
  abstract: z.boolean().default(false),
  inactive: z.boolean().default(false),
  properties: z.record(z.string(), z.unknown()).default({}),
});

/** What `meridian terminology import` sends once it has read the release file. */
export const importBody = z.object({
  system: z.string().trim().min(1).max(500),
  version: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(200).optional(),
  title: z.string().trim().min(1).max(500).optional(),
  concepts: z.array(concept).min(1).max(2_000_000),
});

export function parseTerminologyInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw terminologyErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
