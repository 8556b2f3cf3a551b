import type { z } from 'zod';
import { HttpError } from '../http-error.js';

/** Parses request input with a zod schema; a bad value becomes a 400 naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
  throw new HttpError(400, 'invalid-request', field ? `${field}: ${issue.message}` : issue.message);
}
