/**
 * Copies `value` without its undefined properties: with exactOptionalPropertyTypes
 * an optional field must be absent, not present as undefined.
 */
export function omitUndefined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) result[key] = entry;
  }
  return result as T;
}

/** `undefined` for an empty list, so empty lists are left out like other absent fields. */
export function nonEmpty<T>(values: T[]): T[] | undefined {
  return values.length === 0 ? undefined : values;
}
