import { fileURLToPath } from 'node:url';

export async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const value of values) result.push(value);
  return result;
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

/** A path under the repository's fixtures/data. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../fixtures/data/${parts.join('/')}`, import.meta.url));
}
