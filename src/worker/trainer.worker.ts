/** @file The Web Worker entry: the Trainer with the browser's backends, OPFS runs and cached downloads, over comlink. */
import { expose } from 'comlink';
import { browserCompute } from './browser-compute';
import { deleteCached, fetchCached, listCached } from './download';
import { opfsRoot } from './folders';
import { RunStore } from './runs';
import { Trainer } from './trainer';

expose(new Trainer({ compute: browserCompute, store: new RunStore(opfsRoot('runs')), fetchBytes: fetchCached, cache: { list: listCached, remove: deleteCached } }));
