/**
 * Cross-entropy by gather (no one-hot): value and float64 finite-difference gradient against a
 * per-pixel reference, with ignored and out-of-range labels and class weights; and the graph
 * holds no float [B, C, H, W] target.
 */
import { describe, expect, it } from 'vitest';
import * as G from './index';
import { checkGraph } from './testing/gradcheck';
import type { Arr } from './testing/reference';

/** Σ w_y·(logsumexp(z) − z_y) / Σ w_y over pixels whose label is in 0..C−1, written per pixel. */
function referenceCe(logits: Arr, labels: number[], weights?: number[]): Arr {
  const [, c, h, w] = logits.shape;
  let sum = 0, norm = 0;
  labels.forEach((y, p) => {
    if (!(y >= 0 && y < c)) return;
    const b = Math.floor(p / (h * w)), pix = p % (h * w);
    const z = Array.from({ length: c }, (_, k) => logits.data[(b * c + k) * h * w + pix]);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    const wy = weights ? weights[y] : 1;
    sum += wy * (lse - z[y]);
    norm += wy;
  });
  return { data: [norm ? sum / norm : 0], shape: [] };
}

describe('crossEntropy without one-hot', () => {
  // 255 = ignore; −1 and 4 are outside 0..C−1 and must be ignored too (not wrapped or clamped)
  const labels = [0, 3, 255, 1, -1, 2, 4, 0, 2, 2, 255, 1];
  const inputs = [{ shape: [2, 4, 2, 3] }, { shape: [2, 2, 3], dtype: 'int32' as const, values: labels }];

  it('value and float64 finite-difference gradient, with ignored and out-of-range labels', async () => {
    await checkGraph(inputs, ([x, l]) => G.crossEntropy(x, l), { reference: ([x]) => referenceCe(x, labels) });
  });

  it('class weights: value and gradient of Σ w_y·nll / Σ w_y', async () => {
    const weights = [0.5, 2, 1.5, 0.25];
    await checkGraph(inputs, ([x, l]) => G.crossEntropy(x, l, Float64Array.from(weights)), { reference: ([x]) => referenceCe(x, labels, weights) });
  });

  it('a batch without a labelled pixel has loss 0 and zero gradient', async () => {
    const none = new Array<number>(12).fill(255);
    const { value, grads } = await checkGraph([inputs[0], { ...inputs[1], values: none }], ([x, l]) => G.crossEntropy(x, l));
    expect(value[0]).toBe(0);
    expect(Array.from(grads[0]).every((v) => v === 0)).toBe(true);
  });

  it('neither the loss nor its gradient forms a float [B, C, H, W] target (no one-hot)', () => {
    const g = new G.Graph();
    const logits = g.param('logits', [2, 5, 8, 8]);
    const loss = G.crossEntropy(logits, g.input('labels', [2, 8, 8], 'int32'));
    G.grad(loss, [logits]);
    const full = g.tensors.filter((t) => t.size === logits.size);
    expect(full.filter((t) => t.op === 'Cast')).toEqual([]);
    // what is full-size: the logits' own path (x − max, exp), the softmax gradient and the pick's mask
    expect(full.length).toBeLessThanOrEqual(8);
  });

  it('its backward keeps at most three full-size float tensors alive at once in the emitted order, four in onnxruntime\'s (liveness plan)', () => {
    const g = new G.Graph();
    const logits = g.param('logits', [2, 50, 8, 8]);
    const loss = G.crossEntropy(logits, g.input('labels', [2, 8, 8], 'int32'));
    g.output('loss', loss);
    g.output('grad', G.grad(loss, [logits])[0]);
    const full = 4 * logits.size;
    // Exp (kept from the forward) + Expand + Mul of the softmax gradient, then the pick's Where
    // with its bool mask (¼ size) once those are gone; plus per-pixel [B, 1, H, W] values
    const outputs = [...g.outputs.values()];
    const ws = G.planMemory(G.ancestorsOf(outputs), outputs).workspaceBytes;
    expect(ws).toBeLessThanOrEqual(3 * full + full / 4 + 8 * (4 * 2 * 8 * 8));
    // onnxruntime's own order (what the manifest plans) runs the pick's branch earlier: one more
    expect(G.exportOnnx(g).manifest.plan.workspaceBytes).toBeLessThanOrEqual(4 * full + full / 4 + 8 * (4 * 2 * 8 * 8));
  });
});
