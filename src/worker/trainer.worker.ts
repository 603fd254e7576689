/** @file The Web Worker entry: exposes the Trainer over comlink. */
import { expose } from 'comlink';
import { Trainer } from './trainer';

expose(new Trainer());
