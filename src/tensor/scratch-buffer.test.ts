import { describe, expect, it } from 'vitest';
import { ScratchBuffer } from './scratch-buffer.js';
import { withoutPool } from './test-support/pool.js';

describe('ScratchBuffer', () => {
  it('hands out views of one buffer, growing it only when a request is larger', () => {
    const scratch = new ScratchBuffer();
    const large = scratch.take(3000);
    expect(large.length).toBe(3000);
    const small = scratch.take(2000);
    expect(small.length).toBe(2000);
    expect(small.buffer).toBe(large.buffer);
    const larger = scratch.take(4000);
    expect(larger.length).toBe(4000);
    expect(larger.buffer).not.toBe(large.buffer);
    scratch.release();
  });

  it('gives its buffer back to the pool on release, where the next scratch of that size finds it', () => {
    const first = new ScratchBuffer();
    const buffer = first.take(5000).buffer;
    first.release();
    first.release(); // twice is harmless: the buffer is lent once
    const second = new ScratchBuffer();
    const third = new ScratchBuffer();
    expect(second.take(5000).buffer).toBe(buffer);
    expect(third.take(5000).buffer).not.toBe(buffer);
    second.release();
    third.release();
  });

  it('with the pool off, takes a fresh zero-filled buffer every time', () => {
    withoutPool(() => {
      const first = new ScratchBuffer();
      const view = first.take(5000);
      const buffer = view.buffer;
      view.fill(7);
      first.release();
      const again = new ScratchBuffer().take(5000);
      expect(again.buffer).not.toBe(buffer);
      expect(again.every((value) => value === 0)).toBe(true);
    });
  });
});
