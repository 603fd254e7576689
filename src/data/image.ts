/** @file Kept for existing imports: image decoding lives in `./png` (PNG and JPEG). */
export * from './png';
