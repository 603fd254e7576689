/** The liveness plan on a graph small enough to follow by hand, and its place in the manifest. */
import { describe, expect, it } from 'vitest';
import * as G from './index';

describe('memory plan', () => {
  it('frees each value after its last reader, treats Reshape as a view, counts inputs and outputs once', () => {
    const g = new G.Graph();
    const x = g.param('x', [100]); //                          inputs: 400 B
    const a = G.exp(x); //                                      alive a            400
    const b = G.mul(a, a); //                                   alive a b          800
    const d = G.exp(G.reshape(b, [10, 10])); //                 alive a b d       1200, then b is released
    const e = G.add(G.reshape(d, [100]), a); //                 alive a d e       1200, then a and d
    g.output('y', G.reduceSum(e)); //                           e is released; y (4 B) is an output
    const { manifest } = G.exportOnnx(g);
    expect(manifest.plan).toEqual({
      inputBytes: 400, constantBytes: 0, outputBytes: 4, workspaceBytes: 1200, peakBytes: 1604, peakAt: { op: 'Exp', shape: [10, 10] },
    });
    expect(manifest.intermediateBytes).toBe(2404); // the old sum of everything (views included), for contrast
  });

  it('a value read late stays alive until then (in the emitted order, long-lived activations add up)', () => {
    const g = new G.Graph();
    const x = g.param('x', [10]);
    const kept = [G.exp(x)];
    for (let i = 0; i < 4; i++) kept.push(G.exp(kept[kept.length - 1]));
    // each exp is read again at the end, so all five are alive together (5 × 40 B), plus the sum chain
    const total = kept.reduce((s, t) => G.add(s, t));
    g.output('y', total);
    const live = G.ancestorsOf([total]);
    expect(G.planMemory(live, [total]).workspaceBytes).toBe(5 * 40 + 40);
    // onnxruntime's own order computes each exp just before the add that reads it: 3 alive at most
    expect(G.exportOnnx(g).manifest.plan.workspaceBytes).toBe(3 * 40);
  });

  it("plans in onnxruntime's order: a depth-first walk back from the last unread node, so an output nobody waits for runs last", () => {
    const g = new G.Graph();
    const x = g.param('x', [100]);
    const a = G.exp(x); //                            read by both outputs
    const m = G.mul(a, a);
    const w = G.reduceSum(m); //                      output 'w' (like a weight gradient), emitted early
    const c3 = G.exp(G.exp(G.exp(a))); //             the chain the last output needs
    g.output('w', w);
    g.output('y', G.reduceSum(c3));
    const live = G.ancestorsOf([w, g.outputs.get('y')!]);
    const order = G.runtimeOrder(live).filter((t) => t.op !== 'Param');
    // the walk starts from 'y' (the last unread node): c3's chain runs first, 'w' waits to the end
    expect(order.map((t) => t.op)).toEqual(['Exp', 'Exp', 'Exp', 'Exp', 'ReduceSum', 'Mul', 'ReduceSum']);
    expect(order[order.length - 1]).toBe(w);
    // emitted order: a dies after the chain's first exp (800 B); onnxruntime's: a lives through the chain (1200 B)
    expect(G.planMemory(live, [w, g.outputs.get('y')!]).workspaceBytes).toBe(800);
    expect(G.exportOnnx(g).manifest.plan.workspaceBytes).toBe(1200);
  });

  it('the backward pass starts from the loss (its seed reads it), so onnxruntime computes the loss first, not after the gradients', () => {
    const g = new G.Graph();
    const x = g.param('x', [100]);
    const logits = G.mul(G.exp(x), 2); //               like the loss head's logits: the loss's log-sum-exp reads them
    const loss = G.log(G.reduceSum(G.exp(logits)));
    g.output('loss', loss);
    g.output('grad.x', G.grad(loss, [x])[0]);
    const order = G.runtimeOrder(G.ancestorsOf([...g.outputs.values()]));
    const backward = order.filter((t) => t.gradOf !== undefined).map((t) => order.indexOf(t));
    expect(backward.length).toBeGreaterThan(0);
    expect(order.indexOf(loss)).toBeLessThan(Math.min(...backward));
  });
});
