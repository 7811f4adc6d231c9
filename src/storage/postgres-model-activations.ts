import { sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from '../core/index.js';
import {
  type ModelActivationChannel,
  type ModelActivationListener,
  type StopListening,
  tell,
} from './model-activations.js';
import type { ModelActivation } from './records.js';
import type { Database } from './schema.js';

/** The PostgreSQL channel activations are announced on (every schema of a database shares it). */
export const MODEL_ACTIVATION_CHANNEL = 'genfeed_models';

export interface PostgresModelActivationsOptions {
  connectionString: string;
  /** The schema the store's tables live in: announcements name it, and listeners ignore other schemas'. */
  schema: string;
  /** The URL without its password, for messages. */
  location: string;
  logger: Logger;
  /** First wait before reconnecting a dropped listening connection, doubled up to 30 s (default 1 s). */
  reconnectMs?: number;
}

const MAX_RECONNECT_MS = 30_000;

/**
 * Activations through `LISTEN` / `NOTIFY`: the activating transaction sends
 * `pg_notify('genfeed_models', '{"schema":..,"name":..,"version":..}')`,
 * which PostgreSQL delivers to every listening connection when (and only if)
 * it commits, this server's included. Listening takes one connection of its
 * own, outside the pool, opened by the first listener. When it drops it is
 * reopened with backoff, and listeners are then told to check everything
 * (notifications sent meanwhile are lost); servers keep polling as a fallback.
 */
export class PostgresModelActivations implements ModelActivationChannel {
  readonly #options: PostgresModelActivationsOptions;
  readonly #listeners = new Set<ModelActivationListener>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #delayMs: number;
  #closed = false;

  constructor(options: PostgresModelActivationsOptions) {
    this.#options = options;
    this.#delayMs = options.reconnectMs ?? 1000;
  }

  async announce(trx: Transaction<Database>, activation: ModelActivation): Promise<void> {
    const payload = JSON.stringify({ schema: this.#options.schema, ...activation });
    await sql`select pg_notify(${MODEL_ACTIVATION_CHANNEL}, ${payload})`.execute(trx);
  }

  committed(): void {}

  /** Resolves once the connection listens (or its first attempt failed: it is retried in the background). */
  async listen(listener: ModelActivationListener): Promise<StopListening> {
    if (this.#closed) throw new Error('the store is closed');
    this.#listeners.add(listener);
    if (this.#client === undefined && this.#retry === undefined) await (this.#connecting ?? this.#connect());
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.#disconnect();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  /** Whether a connection listens now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  #connect(): Promise<void> {
    const attempt = (async () => {
      const client = new pg.Client({
        connectionString: this.#options.connectionString,
        // What an operator sees in pg_stat_activity.
        application_name: `genfeed models ${this.#options.schema}`,
      });
      client.on('notification', (message) => this.#receive(message.payload));
      client.on('error', (error) => this.#dropped(client, error));
      client.on('end', () => this.#dropped(client));
      try {
        await client.connect();
        await client.query(`LISTEN ${MODEL_ACTIVATION_CHANNEL}`);
      } catch (error) {
        client.removeAllListeners();
        client.on('error', () => {});
        await client.end().catch(() => {});
        this.#options.logger.warn(
          `PostgreSQL ${this.#options.location}: cannot listen for model activations (${(error as Error).message}); retrying, servers poll meanwhile`,
        );
        this.#schedule();
        return;
      }
      if (this.#closed || this.#listeners.size === 0) {
        await client.end().catch(() => {});
        return;
      }
      this.#client = client;
      this.#delayMs = this.#options.reconnectMs ?? 1000;
    })();
    this.#connecting = attempt.finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #receive(payload: string | undefined): void {
    let message: { schema?: unknown; name?: unknown; version?: unknown };
    try {
      message = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    if (message.schema !== this.#options.schema) return;
    if (typeof message.name !== 'string' || typeof message.version !== 'number') return;
    tell(this.#listeners, { name: message.name, version: message.version });
  }

  #dropped(client: pg.Client, error?: Error): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.removeAllListeners();
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.#closed || this.#listeners.size === 0) return;
    this.#options.logger.warn(
      `PostgreSQL ${this.#options.location}: the connection listening for model activations dropped${error ? ` (${error.message})` : ''}; reconnecting, servers poll meanwhile`,
    );
    this.#schedule();
  }

  /** Reconnects after the current delay (doubling it); listeners then check everything they may have missed. */
  #schedule(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect().then(() => {
        if (this.#client !== undefined) tell(this.#listeners, undefined);
      });
    }, this.#delayMs);
    this.#retry.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, MAX_RECONNECT_MS);
  }

  async #disconnect(): Promise<void> {
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#connecting;
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.removeAllListeners();
    client.on('error', () => {});
    await client.end().catch(() => {});
  }
}
