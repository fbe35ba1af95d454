// Reads the JSON that `show`, `show --archive` and `show-config` print into domain objects.
// Output that is not JSON, is cut short, or does not fit the schema gives a ProbackupError
// with code 'invalid-output' and a message that says where it went wrong.
import type * as z from 'zod/mini';
import type { InstanceArchive, InstanceBackups, InstanceConfig } from './backup';
import { backupFromRaw, instanceConfigFromRaw, timelineFromRaw } from './backup';
import { ProbackupError } from './probackupError';
import { fastShow, fastShowArchive } from './showFastPath';
import { rawShowArchiveSchema, rawShowConfigSchema, rawShowSchema } from './showSchema';

function readJson(text: string, what: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new ProbackupError('invalid-output', `${what}: pg_probackup printed nothing`);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const hint = looksTruncated(trimmed) ? ' (the output looks cut short)' : '';
    throw new ProbackupError('invalid-output', `${what}: the output is not valid JSON${hint}: ${detail}`);
  }
}

function looksTruncated(text: string): boolean {
  const first = text[0];
  const last = text[text.length - 1];
  return (first === '[' && last !== ']') || (first === '{' && last !== '}');
}

function check<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.infer<S>;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  throw new ProbackupError('invalid-output', `${what}: unexpected JSON${where}: ${issue?.message ?? 'invalid'}${more}`);
}

/** `show --format=json` (with or without --instance / -i). */
export function parseShowJson(text: string): InstanceBackups[] {
  const json = readJson(text, 'show');
  const fast = fastShow(json);
  if (fast) return fast;
  const raw = check(rawShowSchema, json, 'show');
  return raw.map((inst) => ({
    instance: inst.instance,
    backups: inst.backups.map((b) => backupFromRaw(inst.instance, b)),
  }));
}

/** `show --archive --format=json`. */
export function parseShowArchiveJson(text: string): InstanceArchive[] {
  const json = readJson(text, 'show --archive');
  const fast = fastShowArchive(json);
  if (fast) return fast;
  const raw = check(rawShowArchiveSchema, json, 'show --archive');
  return raw.map((inst) => ({
    instance: inst.instance,
    timelines: inst.timelines.map((t) => timelineFromRaw(inst.instance, t)),
  }));
}

/** `show-config --format=json`. */
export function parseShowConfigJson(text: string): InstanceConfig {
  const raw = check(rawShowConfigSchema, readJson(text, 'show-config'), 'show-config');
  return instanceConfigFromRaw(raw);
}
