/**
 * Progress reporting for long work. Library code calls a Progress; the CLI
 * decides how (or whether) to draw it.
 */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start() {},
  update() {},
  stop() {},
};
