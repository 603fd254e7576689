/**
 * @file Progress on stderr. A terminal gets one line rewritten in place (`\r`); a log (CI, a file,
 * a pipe) gets one line when a stage starts — "validating dataset (120 images)" — not one per
 * image, and the training steps at most every 1/100 of the run, plus the last.
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

export interface Progress {
  /** Image `done` of `total` in the stage `label` (a new stage begins when `done` does not grow). */
  count(label: string, done: number, total: number): void;
  /** A step line: step `step` of `steps`. */
  step(step: number, steps: number, text: string): void;
}

export function progressReporter(stream: ProgressStream): Progress {
  let stage = '', last = Infinity;
  const rewrite = (s: string) => stream.write(`\r${s.padEnd(70)}`);
  return {
    count(label, done, total) {
      if (stream.isTTY) rewrite(`${label} ${done}/${total}`);
      else if (label !== stage || done <= last) stream.write(`${label} (${total} images)\n`);
      stage = label;
      last = done;
    },
    step(step, steps, text) {
      stage = '';
      if (stream.isTTY) rewrite(text);
      else if (step % Math.max(1, Math.ceil(steps / 100)) === 0 || step === steps) stream.write(`${text}\n`);
    },
  };
}
