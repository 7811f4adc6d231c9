import type { ImportRecord, JsonlSchemas } from './jsonl-format.js';

export interface RecordProblem {
  /** The field, e.g. `signals.playTimeMs`; '' for the record itself. */
  field: string;
  /** What is wrong, with the value. */
  problem: string;
  value: string | undefined;
}

/**
 * Holds a record a dataset reader made (KuaiRand, MovieLens, ...) to the bounds
 * of the JSONL lines (`bounds.ts`), so `genfeed import` of any format stores
 * nothing the HTTP API would refuse. An event's default id is left out: it is
 * made from two ids and a time, so it may outgrow the id bound, and no route
 * reads an event by id.
 */
export function checkRecord(schemas: JsonlSchemas, record: ImportRecord): RecordProblem | undefined {
  const result =
    record.type === 'item'
      ? schemas.item.safeParse({ type: 'item', ...record.item })
      : record.type === 'user'
        ? schemas.user.safeParse({ type: 'user', ...record.user })
        : schemas.event.safeParse({ type: 'event', ...record.event, id: undefined });
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  const source: unknown =
    record.type === 'item' ? record.item : record.type === 'user' ? record.user : record.event;
  let got = source;
  for (const key of issue.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[key];
  const value = got === undefined ? undefined : JSON.stringify(got)?.slice(0, 80);
  return {
    field: issue.path.join('.'),
    problem: `${issue.message}${value === undefined ? '' : `, got ${value}`}`,
    value,
  };
}
