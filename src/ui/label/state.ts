/**
 * @file The labelling workspace's state and actions, as the components see them (implemented by
 * ./store's createLabelStore).
 */
import type { Box } from '../../label/box';
import type { Point } from '../../label/brush';
import type { LabelImage, LabelWorkspace } from '../../label/workspace';
import type { ClassActions } from './classes';
import type { DecodedPhoto, Superpixels } from './ports';

/** A phone's photo is 12 MP; more is refused before decoding (the training's decoder limit is 64 MP). */
export const LABEL_MAX_PIXELS = 16_000_000;

export type Tool = 'brush' | 'eraser' | 'fill' | 'polygon' | 'similar';

export interface LabelState extends ClassActions {
  open: boolean;
  /** The saved workspace has been read (or there was none). */
  ready: boolean;
  ws: LabelWorkspace;
  masks: Map<string, Uint8Array>;
  /** Images with at least one labelled pixel. */
  labelled: Set<string>;
  current: number;
  activeClass: number;
  tool: Tool;
  /** Brush radius in photo pixels. */
  brushSize: number;
  opacity: number;
  outline: boolean;
  photo?: DecodedPhoto & { id: string };
  superpixels?: Superpixels & { id: string };
  /** What the workspace is busy with, in words (decoding, superpixels, saving…). */
  busy?: string;
  revision: number;
  /** Names of images whose latest mask is only in memory (the save failed: export it). */
  unsaved: string[];
  saving: number;
  /** Images whose mask is a model's proposal not accepted yet (not counted as labelled, not trained on). */
  proposed: Set<string>;
  setOpen(open: boolean): void;
  setTool(tool: Tool): void;
  setActiveClass(i: number): void;
  setBrushSize(r: number): void;
  setOpacity(o: number): void;
  setOutline(on: boolean): Promise<void>;
  load(): Promise<void>;
  addPhotos(files: { name: string; bytes: Uint8Array }[]): Promise<void>;
  select(i: number): Promise<void>;
  /** Takes image `i` out of the workspace (its photo, mask and history too). */
  removeImage(i: number): Promise<void>;
  setSplit(i: number, split: LabelImage['split']): void;
  /** One undoable edit of the current mask; `fn` returns the box it changed. */
  edit(fn: (mask: Uint8Array, width: number, height: number) => Box): void;
  /** A brush or eraser drag: one undo step from the press to the release. */
  strokeStart(p: Point): void;
  strokeTo(p: Point): void;
  strokeEnd(): void;
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
  /** The current photo's superpixels, computed once (off the page's thread). */
  ensureSuperpixels(): Promise<Superpixels | undefined>;
  /** Replaces the whole workspace (an imported zip): masks and photos are saved as given. */
  replaceWith(ws: LabelWorkspace, images: { image: LabelImage; bytes: Uint8Array; mask: Uint8Array }[]): Promise<void>;
  /** The original bytes of an image (for export and training). */
  readBytes(image: LabelImage): Promise<Uint8Array>;
  /** Puts a model's prediction in the current image's mask, as an undoable edit awaiting Accept. */
  propose(prediction: Uint8Array): void;
  /** The proposal, as corrected, becomes the image's labels. */
  acceptProposal(): void;
  /** Every box changed since the last call ('all': repaint everything), for the canvas. */
  takeDirty(): Box | 'all';
  /** Resolves once every save asked for so far has ended. */
  saved(): Promise<void>;
}

