import type { Transaction } from 'kysely';
import { ConflictError, NotFoundError } from '../core/index.js';
import type { ModelActivationChannel, ModelActivationListener, StopListening } from './model-activations.js';
import type { ModelVersion, ModelVersionInput } from './records.js';
import { modelVersionRecord } from './row-mapping.js';
import type { Database } from './schema.js';
import type { SqlContext } from './sql-context.js';
import { deleteModelFiles, writeModelFiles } from './sql-model-files.js';
import type { Store } from './store.js';

/**
 * Trained model versions by name, at most one of each name active, with the
 * files of each version when the publisher hands them over. Activations are
 * announced on `activations` (PostgreSQL: NOTIFY to every server).
 */
export class SqlModelVersions
  implements
    Pick<
      Store,
      | 'addModelVersion'
      | 'getModelVersion'
      | 'listModelVersions'
      | 'activeModelVersion'
      | 'activateModelVersion'
      | 'deleteModelVersion'
      | 'listenModelActivations'
    >
{
  readonly #context: SqlContext;
  readonly #activations: ModelActivationChannel;

  constructor(context: SqlContext, activations: ModelActivationChannel) {
    this.#context = context;
    this.#activations = activations;
  }

  async addModelVersion(input: ModelVersionInput): Promise<ModelVersion> {
    try {
      return await this.#context.writes.transaction(async (trx) => {
        let version = input.version;
        if (version === undefined) {
          const newest = await trx
            .selectFrom('model_versions')
            .select((eb) => eb.fn.max('version').as('version'))
            .where('name', '=', input.name)
            .executeTakeFirst();
          version = Number(newest?.version ?? 0) + 1;
        }
        const row = {
          name: input.name,
          version,
          path: input.path,
          checksum: input.checksum,
          metrics: JSON.stringify(input.metrics ?? {}),
          created_at: this.#context.now(),
          active: 0,
          stored_files: 0,
          stored_bytes: 0,
        };
        // The row first: a version number taken meanwhile fails here, before any file is sent.
        await trx.insertInto('model_versions').values(row).execute();
        if (input.files === undefined || input.files.length === 0) return modelVersionRecord(row);
        const stored = await writeModelFiles(trx, input.name, version, input.files);
        await trx
          .updateTable('model_versions')
          .set({ stored_files: stored.files, stored_bytes: stored.bytes })
          .where('name', '=', input.name)
          .where('version', '=', version)
          .execute();
        return modelVersionRecord({ ...row, stored_files: stored.files, stored_bytes: stored.bytes });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError(
        `Model ${input.name} already has version ${input.version ?? '(the next number)'}`,
        { cause: error },
      );
    }
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const row = await this.#context.db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : modelVersionRecord(row);
  }

  async listModelVersions(name?: string): Promise<ModelVersion[]> {
    let query = this.#context.db.selectFrom('model_versions').selectAll();
    if (name !== undefined) query = query.where('name', '=', name);
    const rows = await query.orderBy('name').orderBy('version', 'desc').execute();
    return rows.map(modelVersionRecord);
  }

  async activeModelVersion(name: string): Promise<ModelVersion | undefined> {
    const row = await this.#context.db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('active', '=', 1)
      .executeTakeFirst();
    return row === undefined ? undefined : modelVersionRecord(row);
  }

  async activateModelVersion(name: string, version: number): Promise<ModelVersion> {
    await this.#context.writes.transaction(async (trx) => {
      await activeFlag(trx, name, version);
      await trx
        .updateTable('model_versions')
        .set({ active: 0 })
        .where('name', '=', name)
        .where('active', '=', 1)
        .execute();
      await trx
        .updateTable('model_versions')
        .set({ active: 1 })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await this.#activations.announce(trx, { name, version });
    });
    this.#activations.committed({ name, version });
    return (await this.getModelVersion(name, version))!;
  }

  listenModelActivations(listener: ModelActivationListener): Promise<StopListening> {
    return this.#activations.listen(listener);
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.#context.writes.transaction(async (trx) => {
      if ((await activeFlag(trx, name, version)) === 1) {
        throw new ConflictError(`Model ${name} version ${version} is active: activate another version first`);
      }
      await deleteModelFiles(trx, name, version);
      await trx
        .deleteFrom('model_versions')
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
    });
  }
}

/** The version's `active` column (0 or 1); throws NotFoundError if there is no such version. */
async function activeFlag(trx: Transaction<Database>, name: string, version: number): Promise<number> {
  const row = await trx
    .selectFrom('model_versions')
    .select('active')
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  if (row === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
  return row.active;
}

/** A primary-key or unique constraint failed (SQLite or PostgreSQL). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
