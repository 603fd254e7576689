/** GraphRunner: outputs written straight into the caller's arrays (pre-allocated fetches), and a wrong size is named. */
import { describe, expect, it } from 'vitest';
import { Graph, add, exportOnnx, mul } from '../graph';
import { createNodeRunner } from './node';

function graph() {
  const g = new Graph();
  const x = g.input('x', [4]);
  g.output('y', mul(add(x, 1), 2));
  g.output('z', add(x, 3));
  return exportOnnx(g);
}

describe('GraphRunner.run into', () => {
  it('writes the named outputs into the given arrays and returns those arrays; the others as usual', async () => {
    const runner = await createNodeRunner(graph());
    const y = new Float32Array(4).fill(-1);
    const out = await runner.run({ x: Float32Array.of(1, 2, 3, 4) }, ['y', 'z'], { y });
    expect(out.y.data).toBe(y);
    expect([...y]).toEqual([4, 6, 8, 10]);
    expect([...out.z.data]).toEqual([4, 5, 6, 7]);
    expect(out.y.dims).toEqual([4]);
    await runner.release();
  });

  it('names the output and both sizes when the array does not fit', async () => {
    const runner = await createNodeRunner(graph());
    await expect(runner.run({ x: Float32Array.of(1, 2, 3, 4) }, ['y'], { y: new Float32Array(3) })).rejects.toThrow('output "y" needs 4 values for [4], the array given has 3');
    await expect(runner.run({ x: Float32Array.of(1, 2, 3, 4) }, ['y'], { z: new Float32Array(4) })).rejects.toThrow('an array is given for output "z", which is not requested (y)');
    await runner.release();
  });
});
