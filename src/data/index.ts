/** @file The data pipeline's public surface. */
export * from './errors';
export * from './source';
export * from './image';
export * from './dataset';
export * from './augment';
export * from './batches';
export * from './synthetic';
export { DEMO_CLASSES } from './synthetic';
