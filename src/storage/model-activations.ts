import type { Transaction } from 'kysely';
import type { ModelActivation } from './records.js';
import type { Database } from './schema.js';

/**
 * Hears activations. `undefined` means some may have been missed (a dropped
 * connection was restored): check every model's active version.
 */
export type ModelActivationListener = (activation: ModelActivation | undefined) => void;

/** Stops a listener; resolves once it will hear nothing more. */
export type StopListening = () => Promise<void>;

/**
 * How a store tells servers that a model version became active: `announce`
 * runs inside the activating transaction (so nothing is heard of one that
 * rolls back), `committed` right after it committed, and `listen` subscribes.
 */
export interface ModelActivationChannel {
  announce(trx: Transaction<Database>, activation: ModelActivation): Promise<void>;
  committed(activation: ModelActivation): void;
  listen(listener: ModelActivationListener): Promise<StopListening>;
  close(): Promise<void>;
}

/**
 * Activations made through this store object, heard in this process once
 * committed: SQLite has no way to signal another process, so servers there
 * also poll (`ModelRegistry.watch`).
 */
export class LocalModelActivations implements ModelActivationChannel {
  readonly #listeners = new Set<ModelActivationListener>();

  async announce(): Promise<void> {}

  committed(activation: ModelActivation): void {
    tell(this.#listeners, activation);
  }

  async listen(listener: ModelActivationListener): Promise<StopListening> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}

/** Calls every listener; one that throws does not keep the news from the others. */
export function tell(
  listeners: Iterable<ModelActivationListener>,
  activation: ModelActivation | undefined,
): void {
  for (const listener of listeners) {
    try {
      listener(activation);
    } catch {
      // A listener's own failure is its to report (the registry logs its syncs).
    }
  }
}
