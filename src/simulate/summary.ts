import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import { calibratedSignals } from './signals.js';

const signalRecord = z.object(
  Object.fromEntries(calibratedSignals.map((s) => [s, z.number().nonnegative()])),
);

/**
 * The summary figures the playground world is generated from: aggregates of the
 * real files (never rows), written by `genfeed simulate --write-summary`.
 */
export const summarySchema = z
  .object({
    description: z.string(),
    /** SIGNAL_STATS.md: the calibration targets. */
    signalStats: z.object({
      interactions: z.number().int().positive(),
      positives: signalRecord,
      cooccurrence: z.object(Object.fromEntries(calibratedSignals.map((s) => [s, signalRecord]))),
    }),
    /** KuaiRand-Pure video durations at quantiles 0, 0.05, ..., 1 (21 values, ms, non-decreasing). */
    durationQuantilesMs: z.array(z.number().positive()).length(21),
    /** KuaiRec first-level categories and their share of videos. */
    categories: z.array(z.object({ name: z.string(), share: z.number().positive() })).min(1),
    /** KuaiRand-Pure: how many authors upload 1, 2, ... videos. */
    videosPerAuthor: z
      .array(z.object({ videos: z.number().int().positive(), authors: z.number().int().positive() }))
      .min(1),
    /** KuaiRand-Pure tag field values (most common) and their share of videos. */
    tags: z.array(z.object({ tag: z.string(), share: z.number().positive() })).min(1),
    /** KuaiRand-Pure `upload_dt` range. */
    uploadDates: z.object({
      first: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      last: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }),
    /** KuaiRand-Pure `user_active_degree` shares. */
    userActivity: z.array(z.object({ degree: z.string(), share: z.number().positive() })).min(1),
    /** Of the taste model fit on the KuaiRec small-matrix train split (see factorize.ts). */
    affinity: z.object({
      dimensions: z.number().int().positive(),
      itemBiasMean: z.number(),
      itemBiasSd: z.number().nonnegative(),
      /** Sd of the user-item dot product over random pairs. */
      interactionSd: z.number().positive(),
      /** Share of the dot product's variance explained by the items' taste clusters. */
      clusterShare: z.number().min(0).max(1),
    }),
  })
  .strict();

export type PlaygroundSummary = z.infer<typeof summarySchema>;

export function parseSummary(text: string, file: string): PlaygroundSummary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`Cannot parse playground summary ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const result = summarySchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new InvalidInputError(`Invalid playground summary ${file}: field "${field}": ${issue.message}`);
  }
  const quantiles = result.data.durationQuantilesMs;
  for (let i = 1; i < quantiles.length; i++) {
    if (quantiles[i]! < quantiles[i - 1]!) {
      throw new InvalidInputError(
        `Invalid playground summary ${file}: field "durationQuantilesMs.${i}": ${quantiles[i]} is below the previous quantile ${quantiles[i - 1]}`,
      );
    }
  }
  return result.data;
}

export function readSummary(file: string): PlaygroundSummary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read playground summary ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      { cause: error },
    );
  }
  return parseSummary(text, file);
}

/**
 * The summary shipped in the repository (src/simulate/playground-summary.json),
 * validated. Found beside this file when run from src, or in src/simulate when run
 * from the compiled dist/simulate.
 */
export function shippedSummary(): PlaygroundSummary {
  const candidates = [
    new URL('./playground-summary.json', import.meta.url),
    new URL('../../src/simulate/playground-summary.json', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path)
    throw new InvalidInputError(
      `The shipped playground summary is missing (looked in ${candidates.join(', ')})`,
    );
  return readSummary(path);
}
