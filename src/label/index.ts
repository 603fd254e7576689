/** @file The labelling workspace's pure core: tools on masks, superpixels, similarity, entropy, history, export/import, storage. */
export * from './box';
export * from './brush';
export * from './flood';
export * from './polygon';
export * from './slic';
export * from './similar';
export * from './entropy';
export * from './history';
export * from './workspace';
export * from './bundle';
export * from './store';
