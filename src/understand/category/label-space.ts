/** Label of a missing level in the heads of levels 2 and 3. */
export const ABSENT = '';

/**
 * The labels of each category level seen in training, and the distinct paths.
 * Levels after the first carry an extra ABSENT class at index 0, so a model can
 * say "this video has no finer category" and paths of any depth can be scored.
 */
export class LabelSpace {
  readonly labels: string[][];
  readonly #index: Map<string, number>[];
  /** Distinct training paths as label indices per level (0 = ABSENT after level 1). */
  readonly paths: Int32Array[];

  constructor(labels: string[][], paths: Int32Array[]) {
    this.labels = labels;
    this.#index = labels.map((names) => new Map(names.map((name, i) => [name, i])));
    this.paths = paths;
  }

  static fromPaths(paths: readonly (readonly string[])[], levels = 3): LabelSpace {
    const labels = Array.from({ length: levels }, (_, level) => (level === 0 ? [] : [ABSENT]) as string[]);
    const seen = labels.map((names) => new Set(names));
    for (const path of paths) {
      for (let level = 0; level < levels; level++) {
        const name = path[level];
        if (name === undefined || seen[level]!.has(name)) continue;
        seen[level]!.add(name);
        labels[level]!.push(name);
      }
    }
    const space = new LabelSpace(labels, []);
    const distinct = new Map<string, Int32Array>();
    for (const path of paths) {
      const indices = space.indicesOf(path);
      distinct.set(indices.join(','), indices);
    }
    space.paths.push(...distinct.values());
    return space;
  }

  get levels(): number {
    return this.labels.length;
  }

  /** A path's label index per level; a missing level is ABSENT (0) after the first, -1 at the first. */
  indicesOf(path: readonly string[]): Int32Array {
    return Int32Array.from(this.labels, (_, level) => {
      const name = path[level];
      if (name === undefined) return level === 0 ? -1 : 0;
      return this.#index[level]!.get(name) ?? -1;
    });
  }

  /** Class priors per level, add-one smoothed, from training paths. */
  priors(paths: readonly (readonly string[])[]): Float32Array[] {
    const counts = this.labels.map((names) => new Float64Array(names.length).fill(1));
    for (const path of paths) {
      this.indicesOf(path).forEach((index, level) => {
        if (index >= 0) counts[level]![index]!++;
      });
    }
    return counts.map((row) => {
      const total = row.reduce((sum, count) => sum + count, 0);
      return Float32Array.from(row, (count) => count / total);
    });
  }
}
