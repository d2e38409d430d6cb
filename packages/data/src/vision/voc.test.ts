import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../image/decode.js';
import { IGNORE_INDEX, maskBounds } from './sample.js';
import { decodeVocMask, parseVocXml, vocTargets } from './voc.js';

const fixtures = new URL('../../test/fixtures/voc/', import.meta.url);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, fixtures)));
const text = (path: string): string => readFileSync(new URL(path, fixtures), 'utf8');

describe('Pascal VOC', () => {
  it('reads the annotation XML: size, objects, 1-based boxes to pixel edges', () => {
    const a = parseVocXml(text('Annotations/tiny1.xml'), { file: 'tiny1.xml' });
    expect(a).toMatchObject({ filename: 'tiny1.jpg', width: 12, height: 10, depth: 3 });
    expect(a.objects).toEqual([
      { name: 'person', box: [1, 1, 5, 8], difficult: false, truncated: false },
      { name: 'dog', box: [7, 4, 11, 9], difficult: false, truncated: false },
    ]);
    const targets = vocTargets(a);
    expect(Array.from(targets.labels)).toEqual([15, 12]);
    const b = parseVocXml(text('Annotations/tiny2.xml'));
    expect(b.objects[0]).toMatchObject({ name: 'cat', difficult: true, truncated: true });
    expect(vocTargets(b, { skipDifficult: true }).labels.length).toBe(0);
  });

  it('reads palette masks as class indices, void kept as 255, boxes matching the object masks', () => {
    const classes = decodeVocMask(read('SegmentationClass/tiny1.png'), { file: 'tiny1.png' });
    expect([classes.width, classes.height]).toEqual([12, 10]);
    expect(new Set(classes.mask)).toEqual(new Set([0, 12, 15, IGNORE_INDEX]));
    expect(classes.mask[1 * 12 + 1]).toBe(15);
    expect(classes.mask[0]).toBe(IGNORE_INDEX);
    const objects = decodeVocMask(read('SegmentationObject/tiny1.png')).mask;
    const { boxes } = vocTargets(parseVocXml(text('Annotations/tiny1.xml')));
    for (const k of [1, 2]) {
      const bounds = maskBounds(objects.map((v) => (v === k ? 1 : 0)), 0, 10, 12);
      expect(bounds).toEqual(Array.from(boxes.subarray(4 * (k - 1), 4 * k)));
    }
  });

  it('does not expand nested entities (an XML bomb stays small)', () => {
    let dtd = '<!DOCTYPE annotation [<!ENTITY a0 "xxxxxxxxxx">';
    for (let i = 1; i < 10; i++) dtd += `<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`;
    const xml = `${dtd}]><annotation><filename>&a9;</filename><size><width>1</width><height>1</height></size></annotation>`;
    expect(parseVocXml(xml).filename.length).toBeLessThan(100); // 10^10 characters if expanded
  });

  it('names the file and field of bad annotations', () => {
    const xml = text('Annotations/tiny1.xml');
    expect(() => parseVocXml(xml.replace('<xmax>5</xmax>', '<xmax>five</xmax>'), { file: 'a.xml' })).toThrow(
      'a.xml: annotation.object[0].bndbox.xmax must be a number, got "five"',
    );
    expect(() => parseVocXml(xml.replace('<xmax>11</xmax>', '<xmax>13</xmax>'), { file: 'a.xml' })).toThrow(
      'a.xml: annotation.object[1].bndbox (8, 5, 13, 9) must satisfy 1 ≤ xmin ≤ xmax ≤ width = 12',
    );
    expect(() => parseVocXml(xml.replace(/<bndbox>[^]*?<\/bndbox>/, ''), { file: 'a.xml' })).toThrow("a.xml: annotation.object[0].bndbox is missing (object 'person')");
    expect(() => parseVocXml(xml.replace('<width>12</width>', ''), { file: 'a.xml' })).toThrow('a.xml: annotation.size.width must be an integer, got nothing (missing)');
    expect(() => parseVocXml(xml.replace('</object>', ''), { file: 'a.xml' })).toThrow('a.xml: not well-formed XML:');
    expect(() => parseVocXml('<doc/>', { file: 'a.xml' })).toThrow('a.xml: expected an <annotation> root element');
    expect(() => vocTargets(parseVocXml(xml.replace('<name>dog</name>', '<name>wolf</name>')), { file: 'a.xml' })).toThrow("a.xml: object 'wolf' is not one of the classes: aeroplane");
    const rgb = encodePng({ channels: 3, height: 2, width: 2, data: new Uint8Array(12) });
    expect(() => decodeVocMask(rgb, { file: 'm.png' })).toThrow('m.png: a label mask must be a palette PNG or an 8-bit grey PNG (one class index per pixel), got 3 channel(s) of 8 bits');
  });
});

describe('VOC and COCO files', () => {
  it('read from disk with the path in errors', async () => {
    const { readCocoFile, readVocMaskFile, readVocXmlFile } = await import('../node.js');
    const dir = new URL('../../test/fixtures/', import.meta.url).pathname;
    expect((await readVocXmlFile(`${dir}voc/Annotations/tiny2.xml`)).objects[0].name).toBe('cat');
    expect((await readVocMaskFile(`${dir}voc/SegmentationObject/tiny2.png`)).mask[2]).toBe(1);
    expect((await readCocoFile(`${dir}coco/instances.json`)).annotations.length).toBe(4);
    await expect(readCocoFile(`${dir}voc/Annotations/tiny2.xml`)).rejects.toThrow(`${dir}voc/Annotations/tiny2.xml: not valid JSON`);
  });
});
