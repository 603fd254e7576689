/**
 * @file Resampling as matrices, matching PyTorch: a 1-D resize from n to m samples is an
 * [m, n] matrix R, and a 2-D separable resize is Y = Rh · X · Rwᵀ. The same matrices drive
 * the graph's constant-matrix resize (src/graph/nn.ts `resize2d`), pos-embed resampling and
 * FlexiViT patch-embed resampling.
 */
import type { HostTensor } from './safetensors';

/**
 * torch F.interpolate(mode='bilinear', align_corners=False) as an [out, in] matrix; with
 * antialias the triangle filter is widened by the scale when downsampling (torch's AA kernel,
 * what torchvision's `resize(antialias=True)` uses).
 */
export function bilinearMatrix(inSize: number, outSize: number, antialias = false): Float64Array {
  if (antialias) return antialiasMatrix(inSize, outSize, 1, (x) => Math.max(0, 1 - Math.abs(x)));
  const m = new Float64Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    // source index of the output pixel centre, clamped at 0 (torch's area_pixel_compute_source_index)
    const src = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const w1 = src - i0;
    m[o * inSize + i0] += 1 - w1;
    m[o * inSize + i1] += w1;
  }
  return m;
}

/** Keys' cubic convolution kernel with parameter a (torch: −0.75; PIL / antialiased torch: −0.5). */
export function cubicKernel(x: number, a: number): number {
  x = Math.abs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/**
 * torch bicubic resize, align_corners=False, as an [out, in] matrix.
 * antialias=false: 4 taps with a = −0.75, indices clamped at the borders (upsample_bicubic2d).
 * antialias=true: torch's separable AA kernel (a = −0.5, support widened by the scale when
 * downsampling, weights renormalised at the borders) — what timm's resamplers use by default.
 */
export function bicubicMatrix(inSize: number, outSize: number, antialias = false): Float64Array {
  if (antialias) return antialiasMatrix(inSize, outSize, 2, (x) => cubicKernel(x, -0.5));
  const m = new Float64Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = scale * (o + 0.5) - 0.5;
    const i = Math.floor(src);
    const t = src - i;
    for (let k = -1; k <= 2; k++) {
      const idx = Math.min(Math.max(i + k, 0), inSize - 1);
      m[o * inSize + idx] += cubicKernel(t - k, -0.75);
    }
  }
  return m;
}

/**
 * torch's separable antialiased resize (`_compute_indices_weights_aa`): a kernel of half-width
 * `radius`, widened by the scale when downsampling, weights renormalised at the borders.
 */
function antialiasMatrix(inSize: number, outSize: number, radius: number, kernel: (x: number) => number): Float64Array {
  const m = new Float64Array(outSize * inSize);
  const scale = inSize / outSize;
  const support = scale >= 1 ? radius * scale : radius;
  const invScale = scale >= 1 ? 1 / scale : 1;
  for (let o = 0; o < outSize; o++) {
    const centre = scale * (o + 0.5);
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let total = 0;
    for (let j = lo; j < hi; j++) total += (m[o * inSize + j] = kernel((j - centre + 0.5) * invScale));
    for (let j = lo; j < hi; j++) m[o * inSize + j] /= total;
  }
  return m;
}

/** Applies Y = Rh · X · Rwᵀ to every channel of a CHW array. */
export function resizeWithMatrices(data: ArrayLike<number>, channels: number, h: number, w: number, rh: Float64Array, outH: number, rw: Float64Array, outW: number): Float32Array {
  const out = new Float32Array(channels * outH * outW);
  const tmp = new Float64Array(outH * w);
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    tmp.fill(0);
    for (let i = 0; i < outH; i++) for (let k = 0; k < h; k++) {
      const r = rh[i * h + k];
      if (r === 0) continue;
      for (let x = 0; x < w; x++) tmp[i * w + x] += r * data[base + k * w + x];
    }
    for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
      let s = 0;
      for (let x = 0; x < w; x++) s += tmp[i * w + x] * rw[j * w + x];
      out[(c * outH + i) * outW + j] = s;
    }
  }
  return out;
}

export function resizeChannels(data: ArrayLike<number>, channels: number, h: number, w: number, outH: number, outW: number, mode: 'bilinear' | 'bicubic', antialias = false): Float32Array {
  const matrix = (i: number, o: number) => (mode === 'bilinear' ? bilinearMatrix(i, o, antialias) : bicubicMatrix(i, o, antialias));
  return resizeWithMatrices(data, channels, h, w, matrix(h, outH), outH, matrix(w, outW), outW);
}

/**
 * timm `resample_abs_pos_embed` (bicubic, antialias=True): prefix tokens kept as they are, the
 * patch part reshaped to [D, h, w], resized, and flattened back. pos_embed is [1, P + h·w, D].
 */
export function resamplePosEmbed(pos: HostTensor, numPrefix: number, newGrid: [number, number], oldGrid?: [number, number]): HostTensor {
  const [, n, d] = pos.shape;
  const side = Math.round(Math.sqrt(n - numPrefix));
  const [oh, ow] = oldGrid ?? [side, side];
  if (oh * ow + numPrefix !== n) throw new Error(`pos_embed has ${n} tokens, not ${numPrefix} + ${oh}×${ow}`);
  const [nh, nw] = newGrid;
  if (nh === oh && nw === ow) return pos;
  // [h·w, D] → [D, h, w]
  const grid = new Float32Array(d * oh * ow);
  for (let t = 0; t < oh * ow; t++) for (let c = 0; c < d; c++) grid[c * oh * ow + t] = pos.data[(numPrefix + t) * d + c];
  const resized = resizeChannels(grid, d, oh, ow, nh, nw, 'bicubic', true);
  const out = new Float32Array((numPrefix + nh * nw) * d);
  out.set(pos.data.subarray(0, numPrefix * d));
  for (let t = 0; t < nh * nw; t++) for (let c = 0; c < d; c++) out[(numPrefix + t) * d + c] = resized[c * nh * nw + t];
  return { shape: [1, numPrefix + nh * nw, d], data: out };
}

/**
 * timm `resample_patch_embed` (FlexiViT): W_new = pinv(Rᵀ) · W_old for the 2-D resize R
 * (bicubic, antialias=True). R = Rh ⊗ Rw is separable and pinv(Aᵀ ⊗ Bᵀ) = pinv(Aᵀ) ⊗ pinv(Bᵀ),
 * so per axis P = pinv(Rᵀ) = R·(RᵀR)⁻¹ (Rᵀ has full row rank when upsampling), and
 * W_new = Ph · W_old · Pwᵀ for every (out, in) channel pair. It keeps ⟨R·x, W_new⟩ = ⟨x, W_old⟩.
 */
export function resamplePatchEmbed(weight: HostTensor, newSize: [number, number]): HostTensor {
  const [dOut, cIn, oh, ow] = weight.shape;
  const [nh, nw] = newSize;
  if (nh === oh && nw === ow) return weight;
  const ph = pinvTranspose(bicubicMatrix(oh, nh, true), nh, oh);
  const pw = pinvTranspose(bicubicMatrix(ow, nw, true), nw, ow);
  const data = resizeWithMatrices(weight.data, dOut * cIn, oh, ow, ph, nh, pw, nw);
  return { shape: [dOut, cIn, nh, nw], data };
}

/** pinv(Rᵀ) for R [m, n] with m ≥ n and full column rank: R·(RᵀR)⁻¹, an [m, n] matrix. */
export function pinvTranspose(r: Float64Array, m: number, n: number): Float64Array {
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += r[k * n + i] * r[k * n + j];
    gram[i * n + j] = s;
  }
  const inv = invert(gram, n);
  const out = new Float64Array(m * n);
  for (let k = 0; k < m; k++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += r[k * n + i] * inv[i * n + j];
    out[k * n + j] = s;
  }
  return out;
}

/** Gauss–Jordan with partial pivoting (n ≤ a few dozen here). */
function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
    if (Math.abs(m[pivot * n + col]) < 1e-12) throw new Error('resample: singular resize matrix (is the new size smaller than the old one?)');
    for (const x of [m, inv]) for (let j = 0; j < n; j++) [x[col * n + j], x[pivot * n + j]] = [x[pivot * n + j], x[col * n + j]];
    const p = m[col * n + col];
    for (let j = 0; j < n; j++) { m[col * n + j] /= p; inv[col * n + j] /= p; }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * n + col];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) { m[r * n + j] -= f * m[col * n + j]; inv[r * n + j] -= f * inv[col * n + j]; }
    }
  }
  return inv;
}
