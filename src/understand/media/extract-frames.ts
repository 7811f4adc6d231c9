import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../../core/index.js';

export interface FrameOptions {
  /** Frames to take, one per `intervalSeconds`; default 4. */
  count?: number;
  /** Seconds between frames; default 2. */
  intervalSeconds?: number;
  /** Longest side in pixels; default 448 (a common VLM input size). */
  size?: number;
  /** The ffmpeg binary; default `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /** Default 60 s. */
  timeoutMs?: number;
}

/** Frames as JPEG bytes, or why there are none. */
export type FrameResult = { frames: Uint8Array[]; skipped?: undefined } | { frames: []; skipped: string };

const availability = new Map<string, boolean>();

/** Whether the ffmpeg binary runs (`ffmpeg -version`), cached per path. */
export function ffmpegAvailable(ffmpegPath = 'ffmpeg'): boolean {
  let known = availability.get(ffmpegPath);
  if (known === undefined) {
    known = spawnSync(ffmpegPath, ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    availability.set(ffmpegPath, known);
  }
  return known;
}

/**
 * Reads frames from a video (or an image) with the system ffmpeg (Debian
 * package `ffmpeg`; npm's ffmpeg-static downloads a binary at install and fails
 * here). Without ffmpeg it returns no frames and says why instead of failing,
 * so text-only tagging still works.
 */
export async function extractFrames(path: string, options: FrameOptions = {}): Promise<FrameResult> {
  if (!existsSync(path)) throw new InvalidInputError(`Cannot read frames of ${path}: no such file`);
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  if (!ffmpegAvailable(ffmpeg)) {
    return { frames: [], skipped: `${ffmpeg} not found: frames skipped (install the Debian package ffmpeg)` };
  }
  const count = options.count ?? 4;
  const size = options.size ?? 448;
  const filter = `fps=1/${options.intervalSeconds ?? 2},scale='min(${size},iw)':'min(${size},ih)':force_original_aspect_ratio=decrease`;
  const args = [
    '-v',
    'error',
    '-i',
    path,
    '-vf',
    filter,
    '-frames:v',
    String(count),
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-',
  ];
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(ffmpeg, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const chunks: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else
        reject(
          new InvalidInputError(
            `Cannot read frames of ${path}: ffmpeg exited with ${code}: ${errors.trim().split('\n')[0] ?? ''}`,
          ),
        );
    });
  });
  return { frames: splitJpegStream(output) };
}

/** Splits concatenated JPEG images at their end-of-image markers (FF D9 followed by a start-of-image FF D8). */
export function splitJpegStream(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let start = 0;
  for (let i = 2; i + 1 < bytes.length; i++) {
    if (bytes[i - 2] === 0xff && bytes[i - 1] === 0xd9 && bytes[i] === 0xff && bytes[i + 1] === 0xd8) {
      frames.push(bytes.subarray(start, i));
      start = i;
    }
  }
  if (start < bytes.length) frames.push(bytes.subarray(start));
  return frames.filter((frame) => frame.length > 4);
}
