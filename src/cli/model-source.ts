/** @file `--model FILE|PRESET`: a checkpoint path, or a preset name looked up in the cache folder. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, readSafetensorsWithMetadata } from '../model/safetensors';
import { PRESETS, presetUrl, resolvePreset, type Preset } from '../model/presets';
import { CliError } from './args';

export const DEFAULT_CACHE_DIR = join(homedir(), '.cache', 'vfm-lab');

export async function readModel(model: string, cacheDir = DEFAULT_CACHE_DIR): Promise<{ bytes: Uint8Array; path: string; preset?: Preset }> {
  const preset = resolvePreset(model);
  if (existsSync(model) || !preset) {
    if (!existsSync(model) && !model.endsWith('.safetensors') && !model.includes('/')) {
      throw new CliError(`--model ${model}: no such file, and not a preset. Presets: ${PRESETS.filter((p) => !p.unavailable).map((p) => p.name).join(', ')}`);
    }
    const bytes = await readFile(model).catch(() => {
      throw new CheckpointError(`${model}: cannot read the checkpoint file`);
    });
    return { bytes: new Uint8Array(bytes), path: model };
  }
  if (preset.unavailable) throw new CliError(`--model ${model}: unavailable — ${preset.unavailable}`);
  const candidates = [join(cacheDir, `${preset.name}.safetensors`), join(cacheDir, preset.name, 'model.safetensors')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new CliError(
      `--model ${model}: not in the cache folder ${cacheDir}. Download it once (this machine needs internet for that), e.g.\n` +
        `  mkdir -p ${cacheDir} && curl -L -o ${candidates[0]} ${presetUrl(preset)}\n` +
        'or pass --cache-dir DIR where the file is, or --model FILE.',
    );
  }
  return { bytes: new Uint8Array(await readFile(path)), path, preset };
}

/**
 * Reads and parses a model as `train` will (the file or the cached preset, a whole safetensors
 * file), so that `benchmark` refuses a missing or damaged one before the first model trains.
 */
export async function checkModel(model: string, cacheDir?: string): Promise<void> {
  const source = await readModel(model, cacheDir);
  readSafetensorsWithMetadata(source.bytes, source.path);
}
