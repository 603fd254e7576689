/**
 * @file The labelling workspace's own worker (comlink): decoding a photo, computing its SLIC
 * superpixels and writing masks as PNGs into OPFS each take from tens of milliseconds to seconds on
 * a phone-sized picture, so none runs on the page's thread. Decoding uses the datasets' decoder
 * (src/data/png.ts), so the workspace accepts exactly what training will read, with the same
 * pixel-limit check before anything is allocated. Storage is src/label/store.ts on OPFS.
 */
import { expose, transfer } from 'comlink';
import { decodeImage } from '../../data/png';
import { snapToRegions } from '../../label/similar';
import { exportGenericLayout, exportZip, importGenericLayout, type LabelledImage } from '../../label/bundle';
import { zipSource } from '../../data/source';
import { LabelStore, LabelStorageError, opfsPort } from '../../label/store';
import { emptyMask, type LabelImage, type LabelWorkspace } from '../../label/workspace';
import type { Saved } from './ports';
import { superpixelsOf } from './superpixels';

const store = new LabelStore(opfsPort('label'));

export interface DecodedPhoto {
  width: number;
  height: number;
  /** RGBA, 8 bits (alpha 255): what a canvas draws. */
  rgba: Uint8ClampedArray;
}

export interface Superpixels {
  regions: Int32Array;
  /** 1 where a pixel's right or bottom neighbour lies in another region: the faint outline. */
  edges: Uint8Array;
}

const api = {
  /** Refuses (naming `name`) a file that is no PNG/JPEG, is damaged, or declares more than `maxPixels`. */
  decode(bytes: Uint8Array, name: string, maxPixels: number): DecodedPhoto {
    const img = decodeImage(bytes, name, { maxPixels });
    const n = img.width * img.height;
    const rgba = new Uint8ClampedArray(n * 4);
    for (let i = 0; i < n; i++) {
      rgba[4 * i] = img.data[3 * i];
      rgba[4 * i + 1] = img.data[3 * i + 1];
      rgba[4 * i + 2] = img.data[3 * i + 2];
      rgba[4 * i + 3] = 255;
    }
    return transfer({ width: img.width, height: img.height, rgba }, [rgba.buffer]);
  },
  superpixels(rgba: Uint8ClampedArray, width: number, height: number): Superpixels {
    const { regions, edges } = superpixelsOf(rgba, width, height);
    return transfer({ regions, edges }, [regions.buffer, edges.buffer]);
  },
  /** Similar patches snapped to superpixels: a pass over every pixel (0.65 s on a 12 MP photo here). */
  snap(patches: Uint8Array, grid: number, regions: Int32Array, width: number, height: number): Uint8Array {
    const pixels = snapToRegions(patches, grid, grid, regions, width, height);
    return transfer(pixels, [pixels.buffer]);
  },
  /** The saved workspace with every mask (an image whose mask was never written starts unlabelled). */
  async load(): Promise<Saved | undefined> {
    const ws = await store.loadWorkspace();
    if (!ws) return undefined;
    const masks = new Map<string, Uint8Array>();
    for (const image of ws.images) masks.set(image.id, (await store.loadMask(image)) ?? emptyMask(image));
    return transfer({ ws, masks }, [...masks.values()].map((m) => m.buffer as ArrayBuffer));
  },
  saveWorkspace: (ws: LabelWorkspace) => store.saveWorkspace(ws),
  saveImage: (image: LabelImage, bytes: Uint8Array) => store.saveImage(image.id, bytes),
  async readImage(image: LabelImage): Promise<Uint8Array> {
    const bytes = await store.loadImage(image.id);
    if (!bytes) throw new LabelStorageError(image.id, `${image.name}: its photo is missing from the browser's storage`);
    return bytes;
  },
  saveMask: (image: LabelImage, mask: Uint8Array) => store.saveMask(image, mask),
  removeImage: (image: LabelImage) => store.removeImage(image.id),
  // packing and unpacking encode and decode every mask and photo: seconds for a dozen phone photos
  layout: (ws: LabelWorkspace, images: LabelledImage[]) => exportGenericLayout(ws, images),
  zip(ws: LabelWorkspace, images: LabelledImage[]): Uint8Array {
    const zip = exportZip(ws, images);
    return transfer(zip, [zip.buffer as ArrayBuffer]);
  },
  /** A generic-layout zip as a workspace; refused as a whole, naming the file, when anything in it is wrong. */
  async importZip(name: string, bytes: Uint8Array, maxPixels: number) {
    const r = await importGenericLayout(zipSource(name, bytes), { limits: { maxPixels } });
    return transfer(r, r.images.flatMap((i) => [i.bytes.buffer as ArrayBuffer, i.mask.buffer as ArrayBuffer]));
  },
};

export type LabelWorkerApi = typeof api;
expose(api);
