/** @file The one error type for bad datasets: its message names the file and what is wrong. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}
