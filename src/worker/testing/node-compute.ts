/**
 * @file The browser's wasm path with onnxruntime-node sessions, for the worker's tests: the
 * Trainer's real engine (HostEngine) and runners, without a browser.
 */
import { createNodeRunner } from '../../runtime/node';
import { HostEngine } from '../../train/engine';
import type { Compute } from '../compute';

export const nodeCompute = async (): Promise<Compute> => ({
  info: { backend: 'wasm', reason: 'test' }, where: 'wasm', lost: new Promise(() => {}),
  createRunner: (graph) => createNodeRunner(graph),
  createEngine: async (p, c) => {
    const weights = new Map([...p.model.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
    return new HostEngine(await createNodeRunner(p.trainGraph), await createNodeRunner(p.evalGraph), weights, p.trainable, c, 'image');
  },
});
