/** @file `vfm-lab make-demo`: the synthetic demo dataset and a tiny timm-style checkpoint, offline. */
import { join } from 'node:path';
import { makeDemoFiles } from '../data/synthetic';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { writeSafetensors } from '../model/safetensors';
import { parse, requireString, number } from './args';
import { writeAtomicIn } from './files';

export const MAKE_DEMO_HELP = `vfm-lab make-demo --out DIR [--seed K]

Writes the synthetic demo dataset (DIR/train, DIR/val, DIR/classes.json) and a tiny randomly
initialised ViT checkpoint (DIR/model.safetensors, timm key names, no decoder) — everything the
embedded browser demo uses, for "vfm-lab train --model DIR/model.safetensors --data DIR".`;

export async function makeDemo(argv: string[]): Promise<void> {
  const v = parse(argv, { out: { type: 'string' }, seed: { type: 'string' } }, 'make-demo');
  const out = requireString(v, 'out', 'make-demo');
  const seed = number(v, 'seed', 0, { integer: true });
  const files = makeDemoFiles(seed);
  for (const f of files) await writeAtomicIn(join(out, f.path), f.bytes);
  await writeAtomicIn(join(out, 'model.safetensors'), writeSafetensors(makeTinyVit({ ...DEMO_MODEL, seed }), { format: 'pt', producer: 'vfm-lab make-demo' }));
  process.stderr.write(`wrote ${files.length} dataset files and model.safetensors to ${out}\n`);
}
