import { Worker } from 'node:worker_threads';
import { workerEntry } from '../core/index.js';
import type { Environment } from '../simulate/index.js';
import { type AbSummary, AbTally } from './ab-summary.js';
import { type SimulationStateMessage, simulationStateMessage } from './simulation-state-message.js';
import type { DriveOptions, TrafficDriverOptions } from './traffic-driver.js';

const entry = workerEntry(import.meta.url, 'traffic-driver-worker');

export interface ThreadedTrafficDriverOptions extends TrafficDriverOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** The arm the summary compares the others with (`AbTally.control`). */
  control?: string;
}

/** What the worker is started with (`workerData`). */
export interface DriverWorkerData {
  environment: Environment;
  baseUrl: string;
  options: Omit<ThreadedTrafficDriverOptions, 'state'> & { state?: SimulationStateMessage };
  drive: DriveOptions;
}

export type ToDriverWorker = { type: 'summary' } | { type: 'stop' };
export type FromDriverWorker = { type: 'summary' | 'done'; summary: AbSummary };

/**
 * A `TrafficDriver` against the server at `baseUrl`, run in a worker thread.
 * In the server's process the simulated users share its event loop: they
 * delayed the very responses they timed (client p99 1.4 s against a server
 * p99 of 20-30 ms in the demo). Off the loop, the client round trip is the
 * clients' own. Same draws as the in-process driver for a seed; the
 * simulation state is copied into the worker, so `options.state` is not
 * advanced by the driven days.
 */
export class ThreadedTrafficDriver {
  readonly #environment: Environment;
  readonly #baseUrl: string;
  readonly #options: ThreadedTrafficDriverOptions;
  #worker: Worker | undefined;
  #stopped = false;
  #final: AbSummary | undefined;
  readonly #waiting: Array<(summary: AbSummary) => void> = [];

  constructor(environment: Environment, baseUrl: string, options: ThreadedTrafficDriverOptions = {}) {
    this.#environment = environment;
    this.#baseUrl = baseUrl;
    this.#options = options;
  }

  /** Stops starting pages; `drive` resolves once in-flight pages have posted their events. */
  stop(): void {
    this.#stopped = true;
    this.#worker?.postMessage({ type: 'stop' } satisfies ToDriverWorker);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** The tally so far: the worker's, while it drives; else the final one (or an empty one before `drive`). */
  summary(): Promise<AbSummary> {
    const worker = this.#worker;
    if (worker === undefined) return Promise.resolve(this.#final ?? new AbTally().summary());
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      worker.postMessage({ type: 'summary' } satisfies ToDriverWorker);
    });
  }

  /** Drives simulated days in the worker until `seconds` or `days` ran out or `stop()`; resolves with the final summary. */
  drive(options: DriveOptions = {}): Promise<AbSummary> {
    if (this.#worker !== undefined) return Promise.reject(new Error('The traffic driver is already driving'));
    const { state, ...rest } = this.#options;
    const data: DriverWorkerData = {
      environment: this.#environment,
      baseUrl: this.#baseUrl,
      options: { ...rest, ...(state === undefined ? {} : { state: simulationStateMessage(state) }) },
      drive: options,
    };
    const worker = new Worker(entry.url, { workerData: data, ...entry.options });
    this.#worker = worker;
    if (this.#stopped) worker.postMessage({ type: 'stop' } satisfies ToDriverWorker);
    return new Promise((resolve, reject) => {
      let failure: Error | undefined;
      worker.on('message', (message: FromDriverWorker) => {
        if (message.type === 'done') {
          this.#final = message.summary;
          // Idle keep-alive sockets could hold the worker's loop open: its work is done.
          void worker.terminate();
        } else this.#waiting.shift()?.(message.summary);
      });
      worker.on('error', (error) => {
        failure = error;
      });
      worker.on('exit', (code) => {
        this.#worker = undefined;
        // Summaries asked while the worker ended: the final tally answers them.
        const last = this.#final ?? new AbTally().summary();
        for (const answer of this.#waiting.splice(0)) answer(last);
        if (this.#final !== undefined) resolve(this.#final);
        else
          reject(
            new Error(`The traffic driver's worker stopped (exit code ${code}) before its final summary`, {
              cause: failure,
            }),
          );
      });
    });
  }
}
