/** A two-way map between external string ids and dense indices 0..size-1. */
export class IdIndex {
  readonly #ids: string[] = [];
  readonly #indices = new Map<string, number>();

  get size(): number {
    return this.#ids.length;
  }

  /** The index of `id`, adding it when new. */
  intern(id: string): number {
    let index = this.#indices.get(id);
    if (index === undefined) {
      index = this.#ids.length;
      this.#ids.push(id);
      this.#indices.set(id, index);
    }
    return index;
  }

  /** The index of `id`, or undefined when unknown. */
  find(id: string): number | undefined {
    return this.#indices.get(id);
  }

  /** The external id of `index`. */
  id(index: number): string {
    const id = this.#ids[index];
    if (id === undefined) throw new RangeError(`No id at index ${index} (size ${this.#ids.length})`);
    return id;
  }

  ids(): readonly string[] {
    return this.#ids;
  }
}
