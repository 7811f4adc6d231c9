import { ConflictError, NotFoundError } from '../../core/index.js';
import type { Experiment, ExperimentInput, Store } from '../../storage/index.js';
import { type BucketsReport, type BucketsReportOptions, bucketsReport } from './bucket-report.js';
import type { DataWindow } from './data-window.js';
import { TrafficSplit } from './traffic-split.js';

/**
 * Running experiments, one implementation behind the admin API, the
 * dashboard's forms and `genfeed experiment`: create one with its buckets and
 * shares, change its split, stop it, and report its buckets. Servers read the
 * split from the store (`FeedService`, every second by default), so a change
 * here reaches every process on the store without a restart.
 *
 * Stopping removes the experiment's record: servers naming it fall back to
 * their default pipeline. Its logged feeds and events keep its name, so it can
 * still be reported.
 */
export class ExperimentService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The running experiments by name. */
  list(): Promise<Experiment[]> {
    return this.#store.listExperiments();
  }

  /** Throws NotFoundError for an experiment that is not running. */
  async get(name: string): Promise<Experiment> {
    const experiment = await this.#store.getExperiment(name);
    if (experiment === undefined) throw unknown(name);
    return experiment;
  }

  /** Starts an experiment; ConflictError if one of that name runs, InvalidInputError for a split no user could be assigned by. */
  async create(input: ExperimentInput): Promise<Experiment> {
    new TrafficSplit(input.name, input.split);
    if ((await this.#store.getExperiment(input.name)) !== undefined)
      throw new ConflictError(
        `Experiment "${input.name}" already runs: change its split instead, or stop it first`,
      );
    return this.#store.putExperiment(withDescription(input.name, input.split, input.description));
  }

  /**
   * Replaces the split (and the description when given) of a running
   * experiment. Users move only between buckets whose ranges changed (`TrafficSplit`).
   */
  async setSplit(
    name: string,
    split: Readonly<Record<string, number>>,
    description?: string,
  ): Promise<Experiment> {
    new TrafficSplit(name, split);
    const current = await this.get(name);
    return this.#store.putExperiment(withDescription(name, split, description ?? current.description));
  }

  /** Creates the experiment or changes its split (`genfeed experiment set`). */
  async save(input: ExperimentInput): Promise<Experiment> {
    return (await this.#store.getExperiment(input.name)) === undefined
      ? this.create(input)
      : this.setSplit(input.name, input.split, input.description);
  }

  /** Stops a running experiment and answers its last record; NotFoundError if none runs under that name. */
  async stop(name: string): Promise<Experiment> {
    const experiment = await this.get(name);
    await this.#store.deleteExperiment(name);
    return experiment;
  }

  /**
   * The buckets of `options.experiment` (all traffic without one) over
   * `window`. NotFoundError when the experiment neither runs nor served a feed
   * in the window: a misspelt name is an error, not an empty report.
   */
  async report(window: DataWindow, options: BucketsReportOptions = {}): Promise<BucketsReport> {
    const running =
      options.experiment === undefined || (await this.#store.getExperiment(options.experiment)) !== undefined;
    const report = await bucketsReport(this.#store, window, options);
    if (!running && report.buckets.length === 0)
      throw new NotFoundError(
        `No experiment "${options.experiment}": none runs under that name and none of its feeds was logged between ${new Date(window.since).toISOString()} and ${new Date(window.until).toISOString()}`,
      );
    return report;
  }
}

function unknown(name: string): NotFoundError {
  return new NotFoundError(`No experiment "${name}" is running`);
}

function withDescription(
  name: string,
  split: Readonly<Record<string, number>>,
  description: string | undefined,
): ExperimentInput {
  return { name, split, ...(description === undefined ? {} : { description }) };
}
