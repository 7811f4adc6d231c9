import { NotFoundError } from '../core/index.js';
import type { Experiment, ExperimentInput } from './records.js';
import { experimentRecord } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';
import type { Store } from './store.js';

/** A/B experiments: how traffic splits between pipelines, by name. */
export class SqlExperiments
  implements Pick<Store, 'putExperiment' | 'getExperiment' | 'listExperiments' | 'deleteExperiment'>
{
  readonly #context: SqlContext;

  constructor(context: SqlContext) {
    this.#context = context;
  }

  async putExperiment(input: ExperimentInput): Promise<Experiment> {
    const now = this.#context.now();
    await this.#context.db
      .insertInto('experiments')
      .values({
        name: input.name,
        split: JSON.stringify(input.split),
        description: input.description ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet((eb) => ({
          split: eb.ref('excluded.split'),
          description: eb.ref('excluded.description'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return (await this.getExperiment(input.name))!;
  }

  async getExperiment(name: string): Promise<Experiment | undefined> {
    const row = await this.#context.db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : experimentRecord(row);
  }

  async listExperiments(): Promise<Experiment[]> {
    const rows = await this.#context.db.selectFrom('experiments').selectAll().orderBy('name').execute();
    return rows.map(experimentRecord);
  }

  async deleteExperiment(name: string): Promise<void> {
    const result = await this.#context.db
      .deleteFrom('experiments')
      .where('name', '=', name)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError(`No experiment named ${name}`);
  }
}
