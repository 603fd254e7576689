/**
 * @file What the workspace's store needs from the outside, as ports: the saved workspace (OPFS in
 * the app, memory in tests) and the photo decoder (the labelling worker in the app). The store is
 * tested in Node through in-memory versions of both.
 */
import type { LabelImage, LabelWorkspace } from '../../label/workspace';
import type { DecodedPhoto, Superpixels } from './label.worker';

export type { DecodedPhoto, Superpixels };

export interface Saved {
  ws: LabelWorkspace;
  masks: Map<string, Uint8Array>;
}

export interface Persistence {
  /** The saved workspace, or undefined on a first visit. */
  load(): Promise<Saved | undefined>;
  saveWorkspace(ws: LabelWorkspace): Promise<void>;
  saveImage(image: LabelImage, bytes: Uint8Array): Promise<void>;
  readImage(image: LabelImage): Promise<Uint8Array>;
  saveMask(image: LabelImage, mask: Uint8Array): Promise<void>;
  removeImage(image: LabelImage): Promise<void>;
}

export interface Decoder {
  decode(bytes: Uint8Array, name: string, maxPixels: number): Promise<DecodedPhoto>;
  superpixels(rgba: Uint8ClampedArray, width: number, height: number): Promise<Superpixels>;
}
