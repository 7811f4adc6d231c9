/** One statement cannot upsert an id twice (PostgreSQL refuses); the last write of a batch wins. */
export function lastById<T extends { id: string }>(records: readonly T[]): T[] {
  return [...new Map(records.map((record) => [record.id, record])).values()];
}
