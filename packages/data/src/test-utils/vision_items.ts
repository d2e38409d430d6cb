/** Tiny labelled items for the vision tests: ten 8×8 shapes (a class each), ink 255 on 0 with a soft 96 edge. */
import type { SceneSource } from '../vision/scene.js';

export function testItems(): SceneSource {
  const n = 10;
  const data = new Uint8Array(n * 64);
  for (let k = 0; k < n; k++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        // class k: a rectangle inset by k % 3 at the left and k % 2 at the top, its right column soft.
        const inside = x >= k % 3 && y >= k % 2 && x < 8 - ((k >> 2) % 2) && y < 7;
        data[k * 64 + y * 8 + x] = inside ? (x === 7 - ((k >> 2) % 2) ? 96 : 255) : 0;
      }
    }
  }
  return { images: { dtype: 'uint8', shape: [n, 8, 8], data }, labels: { dtype: 'uint8', shape: [n], data: Uint8Array.from({ length: n }, (_, i) => i) } };
}

/** FNV-1a over the bytes of typed arrays: a checksum to pin generated data in a test. */
export function checksum(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
