import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** What a worker answers a request: its id, and an error or the request's results. */
export interface WorkerReply {
  id: number;
  error?: string;
  code?: string;
  [result: string]: unknown;
}

export interface SqliteWorkerOptions {
  /** What it is, for messages: `writer`, `reader`. */
  role: string;
  path: string;
  /** The worker's CommonJS source; `workerData.driver` is better-sqlite3's entry. */
  source: string;
  workerData: Record<string, unknown>;
  /** After the worker dies: refuse every later request (a writer), or start a new one on the next (a reader). */
  afterFailure: 'refuse' | 'restart';
  /** The error a request whose reply carries `error` is rejected with. */
  failure(reply: WorkerReply): Error;
  /** Sees every reply first (e.g. to log a slow one). */
  onReply?(reply: WorkerReply): void;
}

/**
 * A better-sqlite3 connection in a worker thread, asked by message: the
 * worker starts on the first request and keeps the process alive only while
 * one is pending; each request resolves with the worker's reply to it. A
 * worker that dies fails the requests in flight.
 */
export class SqliteWorker {
  readonly #options: SqliteWorkerOptions;
  #worker: Worker | undefined;
  #failed: Error | undefined;
  readonly #pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }
  >();
  #nextId = 0;

  constructor(options: SqliteWorkerOptions) {
    this.#options = options;
  }

  request(message: object): Promise<WorkerReply> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...message });
    });
  }

  /** Stops the worker (callers await the requests they sent first); later requests are refused. */
  async close(): Promise<void> {
    const closed = new StoreUnavailableError(
      `The SQLite ${this.#options.role} of ${this.#options.path} is closed`,
    );
    this.#failed ??= closed;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.#rejectAll(closed);
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(this.#options.source, {
      eval: true,
      // Not the parent's flags: an `--import` of module hooks (the crash tests' TypeScript loader) stalls an eval worker.
      execArgv: [],
      workerData: { driver, ...this.#options.workerData },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      this.#options.onReply?.(reply);
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (pending === undefined) return;
      if (reply.error === undefined) pending.resolve(reply);
      else pending.reject(this.#options.failure(reply));
    });
    const fail = (error: Error) => {
      const stopped = new StoreUnavailableError(
        `The SQLite ${this.#options.role} of ${this.#options.path} stopped: ${error.message}`,
        { cause: error },
      );
      if (this.#options.afterFailure === 'refuse') this.#failed = stopped;
      this.#worker = undefined;
      this.#rejectAll(stopped);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.#worker === worker) fail(new Error(`its worker exited with code ${code}`));
    });
    this.#worker = worker;
    return worker;
  }

  #rejectAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
