import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A commit function whose transactions finish only when the test says so. */
function controlledCommits() {
  const commits: Array<{ records: number[]; finish: (error?: Error) => void; done: boolean }> = [];
  const committed: number[] = [];
  const commit = (records: number[]) =>
    new Promise<void>((resolve, reject) => {
      const entry = {
        records,
        done: false,
        finish: (error?: Error) => {
          entry.done = true;
          if (error) reject(error);
          else {
            committed.push(...records);
            resolve();
          }
        },
      };
      commits.push(entry);
    });
  return { commits, committed, commit };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('puts calls arriving during a commit into the next one, and resolves each only after its commit', async () => {
    const { commits, committed, commit } = controlledCommits();
    const group = new GroupCommit<number>(commit);
    const resolved: number[] = [];
    const add = (records: number[]) => group.add(records).then(() => resolved.push(records[0]!));

    const first = add([1, 2]);
    await tick();
    expect(commits).toHaveLength(1);
    expect(commits[0]!.records).toEqual([1, 2]);
    // Three calls while the first commit runs: they wait, then share one transaction.
    const others = [add([3]), add([4, 5]), add([6])];
    await tick();
    expect(commits).toHaveLength(1);
    expect(resolved).toEqual([]);

    commits[0]!.finish();
    await first;
    expect(resolved).toEqual([1]);
    await tick();
    expect(commits).toHaveLength(2);
    expect(commits[1]!.records).toEqual([3, 4, 5, 6]);
    expect(resolved).toEqual([1]); // not before their commit finished

    commits[1]!.finish();
    await Promise.all(others);
    expect(resolved).toEqual([1, 3, 4, 6]);
    expect(committed).toEqual([1, 2, 3, 4, 5, 6]);
    expect(group.stats).toEqual({ commits: 2, calls: 4, records: 6 });
  });

  it('calls of one turn of the event loop share a commit, up to maxBatch records of whole calls', async () => {
    const { commits, commit } = controlledCommits();
    const group = new GroupCommit<number>(commit, { maxBatch: 3 });
    const all = [group.add([1]), group.add([2, 3]), group.add([4, 5]), group.add([6])];
    await tick();
    expect(commits.map((c) => c.records)).toEqual([[1, 2, 3]]);
    commits[0]!.finish();
    await tick();
    await tick();
    expect(commits.map((c) => c.records)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    commits[1]!.finish();
    await Promise.all(all);
  });

  it('retries each call alone when a shared commit fails, so only the bad call fails', async () => {
    const committed: number[] = [];
    const group = new GroupCommit<number>(async (records) => {
      if (records.includes(13)) throw new Error('bad record 13');
      committed.push(...records);
    });
    const results = await Promise.allSettled([group.add([1]), group.add([13, 14]), group.add([2])]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('bad record 13');
    expect(committed.sort()).toEqual([1, 2]);
    await group.idle();
  });

  it('resolves an empty call at once and refuses a bad maxBatch', async () => {
    const group = new GroupCommit<number>(async () => {
      throw new Error('never called');
    });
    await expect(group.add([])).resolves.toBeUndefined();
    expect(() => new GroupCommit<number>(async () => {}, { maxBatch: 0 })).toThrow(/maxBatch/);
  });
});
