/**
 * @file Fetching a checkpoint by URL with byte progress, cancellation, and a copy in Cache
 * Storage so the second start works offline.
 */
const CACHE = 'vfm-lab-models';

export async function fetchCached(url: string, label: string, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<Uint8Array> {
  const cache = 'caches' in globalThis ? await caches.open(CACHE) : undefined;
  const hit = await cache?.match(url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress(bytes.length, bytes.length);
    return bytes;
  }
  let response: Response;
  try {
    response = await fetch(url, { signal, mode: 'cors' });
  } catch (e) {
    if (signal.aborted) throw new Error(`download of ${label} cancelled`);
    throw new Error(`download of ${label} failed (${(e as Error).message}); are you online? Once downloaded, a model is cached for offline use`);
  }
  if (!response.ok || !response.body) throw new Error(`download of ${label} failed: HTTP ${response.status} from ${url}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const chunks: Uint8Array[] = [];
  let done = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      chunks.push(value);
      done += value.length;
      onProgress(done, Math.max(total, done));
    }
  } catch (e) {
    if (signal.aborted) throw new Error(`download of ${label} cancelled`);
    throw new Error(`download of ${label} was interrupted (${(e as Error).message})`);
  }
  // one copy into the final buffer (the chunks are released right after)
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  await cache?.put(url, new Response(bytes)).catch(() => undefined); // a full disk only costs the offline copy
  return bytes;
}
