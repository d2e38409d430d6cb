import '@nn/backend-cpu';
import { encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeJpeg, decodePng, encodePng } from './decode.js';
import { convertChannels, fromInterleaved, imageToTensor, toInterleaved, type Image } from './image.js';
import { jpegBomb, pngBomb } from '../test-utils/bombs.js';

/** A 3×2 RGB image with distinct values: pixel p, channel c = 40 p + c. */
const rgbPixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, k) => 40 * Math.floor(k / 3) + (k % 3));

describe('PNG', () => {
  it('decodes RGB, RGBA and grey PNGs to planar CHW bytes', () => {
    const png = encodePngBytes({ width: 3, height: 2, channels: 3, depth: 8, data: rgbPixels });
    const image = decodePng(png);
    expect([image.channels, image.height, image.width]).toEqual([3, 2, 3]);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([0, 40, 80, 120, 160, 200]); // red plane
    expect(Array.from(image.data.subarray(6, 8))).toEqual([1, 41]); // green plane starts
    expect(toInterleaved(image)).toEqual(rgbPixels);
    const rgba = decodePng(encodePngBytes({ width: 1, height: 1, channels: 4, depth: 8, data: Uint8Array.from([9, 8, 7, 6]) }));
    expect(Array.from(rgba.data)).toEqual([9, 8, 7, 6]);
    const grey = decodePng(encodePngBytes({ width: 2, height: 1, channels: 1, depth: 8, data: Uint8Array.from([3, 250]) }));
    expect(grey.channels).toBe(1);
    expect(Array.from(grey.data)).toEqual([3, 250]);
  });

  it('scales 16-bit and 2-bit samples to bytes and looks palettes up', () => {
    const deep = decodePng(encodePngBytes({ width: 2, height: 1, channels: 1, depth: 16, data: Uint16Array.from([65535, 257 * 100]) }));
    expect(Array.from(deep.data)).toEqual([255, 100]);
    // 2-bit grey, 3 pixels a row: samples 0, 1, 3 packed as 00 01 11 00 = 0x1c, rows padded to a byte.
    const low = decodePng(encodePngBytes({ width: 3, height: 2, channels: 1, depth: 2, data: Uint8Array.from([0x1c, 0xe4]) }));
    expect(Array.from(low.data)).toEqual([0, 85, 255, 255, 170, 85]);
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
    ];
    const indexed = decodePng(encodePngBytes({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.from([1, 0, 1]), palette }));
    expect(indexed.channels).toBe(3);
    expect(Array.from(toInterleaved(indexed))).toEqual([0, 0, 255, 255, 0, 0, 0, 0, 255]);
  });

  it('converts channels on request: luma for grey, opaque alpha for RGBA', () => {
    const png = encodePngBytes({ width: 1, height: 1, channels: 3, depth: 8, data: Uint8Array.from([100, 200, 50]) });
    expect(Array.from(decodePng(png, { mode: 'grey' }).data)).toEqual([Math.round(0.299 * 100 + 0.587 * 200 + 0.114 * 50)]);
    expect(Array.from(decodePng(png, { mode: 'rgba' }).data)).toEqual([100, 200, 50, 255]);
    const grey: Image = { channels: 1, height: 1, width: 2, data: Uint8Array.from([7, 9]) };
    expect(Array.from(convertChannels(grey, 3).data)).toEqual([7, 9, 7, 9, 7, 9]);
  });

  it('rejects bytes that are not a PNG, and a damaged PNG, naming the file', () => {
    const text = new TextEncoder().encode('hello, I am a text file');
    expect(() => decodePng(text, { file: 'cat.png' })).toThrow(
      /^cat\.png: not a PNG image: it starts with 68 65 6c 6c 6f 2c 20 49, expected the PNG signature 89 50 4e 47 0d 0a 1a 0a$/,
    );
    expect(() => decodeImage(text, { file: 'notes.txt' })).toThrow(/^notes\.txt: not a PNG or JPEG image: it starts with 68 65 .*expected 89 50 4e 47 \(PNG\) or ff d8 ff \(JPEG\)$/);
    expect(() => decodeImage(new Uint8Array(0), { file: 'empty.png' })).toThrow(/empty\.png: not a PNG or JPEG image: it starts with \(none\)/);
    const png = encodePngBytes({ width: 8, height: 8, channels: 3, depth: 8, data: new Uint8Array(192) });
    const damaged = png.slice(0, 40);
    expect(() => decodePng(damaged, { file: 'cut.png' })).toThrow(/^cut\.png: the PNG image is damaged or truncated: /);
    const flipped = png.slice();
    flipped[45] ^= 0xff; // inside the compressed pixel data
    expect(() => decodePng(flipped, { file: 'flip.png' })).toThrow(/^flip\.png: the PNG image is damaged or truncated: CRC mismatch/);
  });

  it('round-trips through encodePng, floats rounded from [0, 1]', () => {
    const image = fromInterleaved(rgbPixels, 3, 2, 3);
    expect(decodePng(encodePng(image))).toEqual(image);
    const floats: Image = { channels: 1, height: 1, width: 2, data: Float32Array.from([0, 0.5]) };
    expect(Array.from(decodePng(encodePng(floats)).data)).toEqual([0, 128]);
  });
});

describe('JPEG', () => {
  it('decodes a JPEG made by jpeg-js to RGB close to the original', () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba.set([200, 100, 50, 255], p * 4);
    const bytes = new Uint8Array(jpeg.encode({ width, height, data: rgba }, 95).data);
    const image = decodeImage(bytes);
    expect([image.channels, image.height, image.width]).toEqual([3, 8, 16]);
    const plane = width * height;
    for (const [c, v] of [200, 100, 50].entries()) {
      for (let p = 0; p < plane; p++) expect(Math.abs(image.data[c * plane + p] - v)).toBeLessThanOrEqual(3);
    }
    const t = imageToTensor(image);
    expect(t.shape).toEqual([3, 8, 16]);
    expect(t.dataSync()[0]).toBeCloseTo(image.data[0] / 255, 6);
    t.dispose();
  });

  it('rejects bytes that are not a JPEG, and a damaged JPEG', () => {
    expect(() => decodeJpeg(Uint8Array.from([1, 2, 3]), { file: 'a.jpg' })).toThrow(/^a\.jpg: not a JPEG image: it starts with 01 02 03, expected ff d8 ff$/);
    expect(() => decodeJpeg(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 2]), { file: 'b.jpg' })).toThrow(/^b\.jpg: the JPEG image is damaged: /);
  });
});

describe('decompression bombs', () => {
  it('refuses a PNG whose header declares more than maxPixels, before decoding, naming the file and the cap', () => {
    const bomb = pngBomb(20000, 20000);
    expect(bomb.length).toBeLessThan(2000);
    expect(() => decodeImage(bomb, { file: 'bomb.png' })).toThrow(
      /^bomb\.png: the PNG header declares 20000×20000 = 400000000 pixels, more than maxPixels = 100000000; if the image is real, raise the cap with \{ maxPixels: 400000000 \}$/,
    );
    expect(() => decodePng(pngBomb(12000, 12000, 16), { file: 'deep.png' })).toThrow(/^deep\.png: the PNG header declares 12000×12000 = 144000000 pixels/);
    const hidden = bomb.slice();
    hidden.set([0x74, 0x45, 0x58, 0x74], 12); // the IHDR renamed tEXt: a header the check would not see
    expect(() => decodePng(hidden, { file: 'hidden.png' })).toThrow(/^hidden\.png: the PNG image is damaged: its first chunk is 'tEXt', expected 'IHDR'$/);
  });

  it('decodes up to the cap and refuses one pixel more; the cap can be raised', () => {
    const png = pngBomb(125, 80, 16);
    expect(decodePng(png, { maxPixels: 10000 }).data).toEqual(new Uint8Array(10000));
    expect(() => decodePng(png, { maxPixels: 9999 })).toThrow(/125×80 = 10000 pixels, more than maxPixels = 9999/);
    expect(() => decodePng(png, { maxPixels: 0 })).toThrow(/maxPixels must be a positive number, got 0/);
  });

  it('refuses a JPEG whose frame header declares more than maxPixels', () => {
    const bomb = jpegBomb(20000, 20000);
    expect(() => decodeImage(bomb, { file: 'bomb.jpg' })).toThrow(/^bomb\.jpg: the JPEG header declares 20000×20000 = 400000000 pixels, more than maxPixels = 100000000; .*maxPixels: 400000000/);
    expect(() => decodeJpeg(jpegBomb(8, 8), { maxPixels: 63 })).toThrow(/8×8 = 64 pixels, more than maxPixels = 63/);
    expect(decodeJpeg(jpegBomb(8, 8), { maxPixels: 64 }).width).toBe(8);
  });
});
