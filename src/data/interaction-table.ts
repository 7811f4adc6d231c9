import { IdIndex } from './id-index.js';
import type { Interaction } from './types.js';

/**
 * Interactions in columns of typed arrays: millions of rows cost tens of MB,
 * not the GBs one object per row would. Missing times and labels are NaN.
 */
export class InteractionTable {
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly time: Float64Array;
  readonly label: Float32Array;
  readonly length: number;

  constructor(columns: {
    users: IdIndex;
    items: IdIndex;
    user: Int32Array;
    item: Int32Array;
    time: Float64Array;
    label: Float32Array;
  }) {
    const n = columns.user.length;
    for (const [name, column] of Object.entries({
      item: columns.item,
      time: columns.time,
      label: columns.label,
    })) {
      if (column.length !== n) {
        throw new RangeError(`InteractionTable column ${name} has ${column.length} rows, user has ${n}`);
      }
    }
    this.users = columns.users;
    this.items = columns.items;
    this.user = columns.user;
    this.item = columns.item;
    this.time = columns.time;
    this.label = columns.label;
    this.length = n;
  }

  /** Collects interactions (from any reader) into a table. */
  static async from(
    interactions: AsyncIterable<Interaction> | Iterable<Interaction>,
    options: { users?: IdIndex; items?: IdIndex } = {},
  ): Promise<InteractionTable> {
    const builder = new InteractionTableBuilder(options);
    for await (const interaction of interactions) builder.push(interaction);
    return builder.build();
  }

  /** Row indices grouped by user, each group sorted by time (file order breaks ties and missing times). */
  rowsByUser(): Int32Array[] {
    const counts = new Int32Array(this.users.size);
    for (let row = 0; row < this.length; row++) counts[this.user[row]!]!++;
    const groups = Array.from(counts, (count) => new Int32Array(count));
    const filled = new Int32Array(this.users.size);
    for (let row = 0; row < this.length; row++) {
      const user = this.user[row]!;
      groups[user]![filled[user]!++] = row;
    }
    const time = this.time;
    for (const group of groups) {
      if (!isSortedByTime(group, time)) {
        // Stable: Array.prototype.sort is stable, typed-array sort is not guaranteed to be.
        const sorted = Array.from(group).sort((a, b) => compareTimes(time[a]!, time[b]!) || a - b);
        group.set(sorted);
      }
    }
    return groups;
  }

  /** Each user's items in time order (users indexed densely). */
  sequences(): Int32Array[] {
    return this.rowsByUser().map((rows) => rows.map((row) => this.item[row]!));
  }
}

/** Appends interactions one at a time, growing the columns geometrically. */
export class InteractionTableBuilder {
  readonly users: IdIndex;
  readonly items: IdIndex;
  #user = new Int32Array(1024);
  #item = new Int32Array(1024);
  #time = new Float64Array(1024);
  #label = new Float32Array(1024);
  #length = 0;

  constructor(options: { users?: IdIndex; items?: IdIndex } = {}) {
    this.users = options.users ?? new IdIndex();
    this.items = options.items ?? new IdIndex();
  }

  get length(): number {
    return this.#length;
  }

  push(interaction: Interaction): void {
    if (this.#length === this.#user.length) this.#grow();
    const row = this.#length++;
    this.#user[row] = this.users.intern(interaction.user);
    this.#item[row] = this.items.intern(interaction.item);
    this.#time[row] = interaction.time ?? Number.NaN;
    this.#label[row] = interaction.label ?? Number.NaN;
  }

  build(): InteractionTable {
    const n = this.#length;
    return new InteractionTable({
      users: this.users,
      items: this.items,
      user: this.#user.slice(0, n),
      item: this.#item.slice(0, n),
      time: this.#time.slice(0, n),
      label: this.#label.slice(0, n),
    });
  }

  #grow(): void {
    const capacity = this.#user.length * 2;
    this.#user = grow(this.#user, new Int32Array(capacity));
    this.#item = grow(this.#item, new Int32Array(capacity));
    this.#time = grow(this.#time, new Float64Array(capacity));
    this.#label = grow(this.#label, new Float32Array(capacity));
  }
}

function grow<T extends Int32Array | Float64Array | Float32Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** NaN (unknown time) sorts as equal to everything, so file order is kept around it. */
function compareTimes(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return 0;
  return a - b;
}

function isSortedByTime(rows: Int32Array, time: Float64Array): boolean {
  for (let i = 1; i < rows.length; i++) {
    if (compareTimes(time[rows[i - 1]!]!, time[rows[i]!]!) > 0) return false;
  }
  return true;
}
