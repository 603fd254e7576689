/** Preset downloads: byte progress, cancellation, clear failures, and the Cache Storage copy. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchCached } from './download';

const URL = 'https://huggingface.co/timm/x/resolve/main/model.safetensors';

/** A response whose body arrives in `chunks`, one per macrotask; `hang` leaves it open after them. */
function streamed(chunks: Uint8Array[], hang = false, length = chunks.reduce((s, c) => s + c.length, 0)) {
  return (_url: string, init: RequestInit) => {
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      // as fetch does: aborting the request errors its body stream
      start: (c) => init.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError'))),
      pull: (c) => new Promise<void>((ok) => {
        setTimeout(() => {
          if (i < chunks.length) c.enqueue(chunks[i++]);
          else if (!hang) c.close();
          else return; // never answers: only an abort ends it
          ok();
        });
      }),
    });
    return Promise.resolve(new Response(body, { headers: { 'content-length': String(length) } }));
  };
}

/** An in-memory Cache Storage (bytes and headers per URL). */
function fakeCaches() {
  const store = new Map<string, Uint8Array<ArrayBuffer>>();
  const headers = new Map<string, Headers>();
  return {
    store,
    open: async () => ({
      match: async (url: string) => (store.has(url) ? new Response(store.get(url)!, { headers: headers.get(url) }) : undefined),
      put: async (url: string, r: Response) => {
        store.set(url, new Uint8Array(await r.arrayBuffer()));
        headers.set(url, r.headers);
      },
      delete: async (url: string) => store.delete(url),
    }),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchCached', () => {
  it('reports monotone byte progress up to the total, returns the bytes and caches them', async () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches);
    const fetch = vi.fn(streamed(chunks));
    vi.stubGlobal('fetch', fetch);
    const progress: [number, number][] = [];
    const bytes = await fetchCached(URL, 'x', (d, t) => progress.push([d, t]), new AbortController().signal);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress).toEqual([[3, 6], [5, 6], [6, 6]]);
    expect([...caches.store.get(URL)!]).toEqual([1, 2, 3, 4, 5, 6]);

    // the second time comes from the cache: no request
    const again = await fetchCached(URL, 'x', () => {}, new AbortController().signal);
    expect([...again]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('cancelling mid-download says so, and caches nothing', async () => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches);
    vi.stubGlobal('fetch', streamed([new Uint8Array(10)], true, 100));
    const abort = new AbortController();
    const pending = fetchCached(URL, 'vit_base_patch16_224.mae', (done) => { if (done === 10) abort.abort(); }, abort.signal);
    await expect(pending).rejects.toThrow('download of vit_base_patch16_224.mae cancelled');
    expect(caches.store.size).toBe(0);
  });

  it('an HTTP error and a network failure are explained, naming the model', async () => {
    vi.stubGlobal('caches', fakeCaches());
    vi.stubGlobal('fetch', async () => new Response('no', { status: 404 }));
    await expect(fetchCached(URL, 'x', () => {}, new AbortController().signal)).rejects.toThrow(`download of x failed: HTTP 404 from ${URL}`);
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    await expect(fetchCached(URL, 'x', () => {}, new AbortController().signal)).rejects.toThrow(/download of x failed \(Failed to fetch\); are you online\?/);
  });

  it('a download shorter than its Content-Length fails and is not cached', async () => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches);
    vi.stubGlobal('fetch', streamed([new Uint8Array(10)], false, 100));
    await expect(fetchCached(URL, 'x', () => {}, new AbortController().signal)).rejects.toThrow('download of x is incomplete: 10 of 100 bytes arrived');
    expect(caches.store.size).toBe(0);
  });

  it('a download whose SHA-256 differs from the expected one fails and is not cached', async () => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches);
    vi.stubGlobal('fetch', streamed([new Uint8Array([1, 2, 3])]));
    await expect(fetchCached(URL, 'x', () => {}, new AbortController().signal, '00'.repeat(32))).rejects.toThrow(/download of x is damaged: its SHA-256 is [0-9a-f]{64}, expected 0000/);
    expect(caches.store.size).toBe(0);
  });

  it('a cached copy that was cut short is detected and fetched again', async () => {
    const caches = fakeCaches();
    vi.stubGlobal('caches', caches);
    const fetch = vi.fn(streamed([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])]));
    vi.stubGlobal('fetch', fetch);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fetchCached(URL, 'x', () => {}, new AbortController().signal);
    caches.store.set(URL, caches.store.get(URL)!.slice(0, 4)); // the stored copy loses its tail
    const again = await fetchCached(URL, 'x', () => {}, new AbortController().signal);
    expect([...again]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect([...caches.store.get(URL)!]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
