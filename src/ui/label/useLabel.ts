/**
 * @file The app's labelling store, bound to the labelling worker (decoding, superpixels, OPFS
 * storage) and to the lab's alert region for messages.
 */
import { useLab } from '../lab';
import { labelWorker } from './label-worker';
import { createLabelStore } from './store';

const w = () => labelWorker();

export const useLabel = createLabelStore({
  decoder: {
    decode: (bytes, name, maxPixels) => w().decode(bytes, name, maxPixels),
    superpixels: (rgba, width, height) => w().superpixels(rgba, width, height),
  },
  persistence: {
    load: () => w().load(),
    saveWorkspace: (ws) => w().saveWorkspace(ws),
    saveImage: (image, bytes) => w().saveImage(image, bytes),
    readImage: (image) => w().readImage(image),
    saveMask: (image, mask) => w().saveMask(image, mask),
    removeImage: (image) => w().removeImage(image),
  },
  report: (e) => useLab.getState().reportError(e),
});

// Automation hook for end-to-end tests (read-only use), like the lab's `vfmLab`.
(globalThis as { vfmLabel?: typeof useLabel }).vfmLabel = useLabel;
