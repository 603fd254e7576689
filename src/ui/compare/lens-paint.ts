/**
 * @file The feature lens's pictures, as pixels (pure, unit-tested): a per-patch colour grid
 * (PCA RGB, or a similarity ramp) upsampled nearest-neighbour over the crop and blended with
 * the image, the probe patch under the pointer, and arrow-key moves of the probe.
 */

/** A probe position as a fraction of the crop (0…1 on each axis): the same place in panels whose grids differ. */
export interface Probe {
  fx: number;
  fy: number;
}

/** The patch (row-major index in a grid × grid layout) that holds the probe. */
export function probePatch(p: Probe, grid: number): number {
  const at = (f: number) => Math.min(grid - 1, Math.max(0, Math.floor(f * grid)));
  return at(p.fy) * grid + at(p.fx);
}

/** The centre of patch `index` as a probe. */
export function patchProbe(index: number, grid: number): Probe {
  return { fx: ((index % grid) + 0.5) / grid, fy: (Math.floor(index / grid) + 0.5) / grid };
}

const STEPS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** The probe one patch further in the arrow's direction (clamped at the edges); undefined for other keys. */
export function moveProbe(p: Probe | undefined, key: string, grid: number): Probe | undefined {
  const step = STEPS[key];
  if (!step) return undefined;
  const index = probePatch(p ?? { fx: 0.5, fy: 0.5 }, grid);
  if (!p) return patchProbe(index, grid); // the first key press puts the probe in the centre
  const clamp = (v: number) => Math.min(grid - 1, Math.max(0, v));
  return patchProbe(clamp(Math.floor(index / grid) + step[1]) * grid + clamp((index % grid) + step[0]), grid);
}

/** The similarity ramp, −1 → 1: dark blue, blue, grey, orange, yellow (equally spaced stops). */
export const RAMP: [number, number, number][] = [[20, 24, 82], [48, 104, 196], [150, 150, 150], [232, 120, 40], [255, 236, 80]];

/** The ramp's colour for a cosine similarity in −1…1 (linear between stops), as 0…1 RGB. */
export function rampColour(v: number): [number, number, number] {
  const t = (Math.min(1, Math.max(-1, v)) + 1) / 2 * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t)), f = t - i;
  return [0, 1, 2].map((c) => (RAMP[i][c] + (RAMP[i + 1][c] - RAMP[i][c]) * f) / 255) as [number, number, number];
}

/** Per-patch colours [N, 3] in 0…1 from similarities [N]. */
export function similarityColours(similarity: Float32Array): Float32Array {
  const out = new Float32Array(similarity.length * 3);
  similarity.forEach((v, j) => out.set(rampColour(v), j * 3));
  return out;
}

/**
 * RGBA pixels of the crop (size × size, image RGB HWC) with the patch colours ([grid², 3], 0…1)
 * laid over it nearest-neighbour: `blend` 0 shows the image only, 1 the colours only.
 */
export function paintPatches(image: Uint8Array, size: number, colours: Float32Array, grid: number, blend: number): Uint8ClampedArray<ArrayBuffer> {
  if (image.length !== size * size * 3) throw new Error(`paintPatches: an image of ${image.length} bytes is not ${size}×${size} RGB`);
  if (colours.length !== grid * grid * 3) throw new Error(`paintPatches: ${colours.length / 3} patch colours for a ${grid}×${grid} grid`);
  const out = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    const row = Math.min(grid - 1, Math.floor((y * grid) / size));
    for (let x = 0; x < size; x++) {
      const patch = row * grid + Math.min(grid - 1, Math.floor((x * grid) / size));
      const p = y * size + x;
      for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round((1 - blend) * image[p * 3 + c] + blend * 255 * colours[patch * 3 + c]);
      out[p * 4 + 3] = 255;
    }
  }
  return out;
}
