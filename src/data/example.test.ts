import { describe, expect, it } from 'vitest';
import { openDataset, validateDataset } from './dataset';
import { exampleDatasetZip } from './example';
import { zipSource } from './source';
import { DEMO_CLASSES } from './synthetic';

describe('the downloadable example dataset', () => {
  it('loads back through the normal dataset loader, every class in both splits', async () => {
    const source = zipSource('vfm-lab-example.zip', exampleDatasetZip());
    expect(await source.list()).toContain('vfm-lab-example/README.txt');
    const ds = await openDataset(source);
    expect(ds.format).toBe('generic');
    expect(ds.classes).toEqual(DEMO_CLASSES);
    expect([ds.train.length, ds.val.length]).toEqual([8, 4]);
    const summary = await validateDataset(ds);
    expect(summary.absentFromTrain).toEqual([]);
    expect(summary.imagesPerClass.train).toEqual([8, 2, 2, 2, 2]); // background in every image, each shape in a quarter
    expect(summary.imagesPerClass.val).toEqual([4, 1, 1, 1, 1]);
  });

  it('is small and the same at every download', () => {
    const zip = exampleDatasetZip();
    expect(zip.length).toBeLessThan(200_000);
    expect(exampleDatasetZip()).toEqual(zip);
  });
});
