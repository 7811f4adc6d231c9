// Media: frames from video files through the system ffmpeg.
export {
  extractFrames,
  type FrameOptions,
  type FrameResult,
  ffmpegAvailable,
  splitJpegStream,
} from './extract-frames.js';
