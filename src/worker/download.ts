/**
 * @file Fetching a checkpoint by URL with byte progress, cancellation, and a copy in Cache
 * Storage so the second start works offline. Only a complete download is cached: its length must
 * match Content-Length (and its SHA-256 the expected one, when known); the cached copy records
 * its length and digest, and a copy that no longer matches them is dropped and fetched again.
 */
import { sha256 as digest } from './digest';

const CACHE = 'vfm-lab-models';
const LENGTH = 'x-vfm-lab-length';
const SHA = 'x-vfm-lab-sha256';

/** The cached bytes when they are whole, else undefined (and the entry is removed). */
async function verifiedHit(cache: Cache, url: string, sha256?: string): Promise<Uint8Array | undefined> {
  const hit = await cache.match(url);
  if (!hit) return undefined;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  const length = Number(hit.headers.get(LENGTH));
  const want = sha256 ?? hit.headers.get(SHA);
  if (length === bytes.length && want && (await digest(bytes)) === want) return bytes;
  console.warn(`the cached copy of ${url} is incomplete or damaged (or from an older version): downloading it again`);
  await cache.delete(url);
  return undefined;
}

export async function fetchCached(url: string, label: string, onProgress: (done: number, total: number) => void, signal: AbortSignal, sha256?: string): Promise<Uint8Array> {
  const cache = 'caches' in globalThis ? await caches.open(CACHE) : undefined;
  const hit = cache && (await verifiedHit(cache, url, sha256));
  if (hit) {
    onProgress(hit.length, hit.length);
    return hit;
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
  if (total && done !== total) throw new Error(`download of ${label} is incomplete: ${done} of ${total} bytes arrived; try again`);
  const sum = await digest(bytes);
  if (sha256 && sum !== sha256) throw new Error(`download of ${label} is damaged: its SHA-256 is ${sum}, expected ${sha256}; try again`);
  const headers = { [LENGTH]: String(bytes.length), [SHA]: sum };
  await cache?.put(url, new Response(bytes, { headers })).catch(() => undefined); // a full disk only costs the offline copy
  return bytes;
}

/** Cached model files and their sizes (for the storage panel). */
export async function listCached(): Promise<{ url: string; bytes: number }[]> {
  if (!('caches' in globalThis)) return [];
  const cache = await caches.open(CACHE);
  const out: { url: string; bytes: number }[] = [];
  for (const request of await cache.keys()) {
    const hit = await cache.match(request);
    out.push({ url: request.url, bytes: Number(hit?.headers.get(LENGTH)) || (await hit?.blob())?.size || 0 });
  }
  return out;
}

export async function deleteCached(url: string): Promise<void> {
  if ('caches' in globalThis) await (await caches.open(CACHE)).delete(url);
}
