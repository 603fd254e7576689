/** @file The data pipeline's public surface. */
export * from './errors';
export * from './source';
export * from './png';
export * from './classes';
export * from './random';
export * from './dataset';
export * from './augment';
export * from './batches';
export * from './window';
export * from './synthetic';
export * from './coco';
export * from './layouts';
