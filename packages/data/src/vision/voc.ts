/**
 * Pascal VOC annotations: the XML file of an image's objects (Annotations/*.xml: size, then
 * one <object> per object with <name> and a 1-based inclusive <bndbox>) and the class masks
 * (SegmentationClass/*.png, SegmentationObject/*.png: palette PNGs whose palette index is the
 * class or instance number; 255 marks the void border around objects, kept as IGNORE_INDEX).
 * XML is parsed by fast-xml-parser; every error names the file and the field.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodePngIndices, type DecodeOptions } from '../image/decode.js';

/** The 20 VOC classes in their usual order: class index i + 1 in the masks (0 background). */
export const VOC_CLASSES = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const;

export interface VocObject {
  name: string;
  /** x0, y0, x1, y1 with edges on pixel edges (VOC's 1-based inclusive xmin..xmax is [xmin - 1, xmax)). */
  box: [number, number, number, number];
  difficult: boolean;
  truncated: boolean;
}

export interface VocAnnotation {
  filename: string;
  width: number;
  height: number;
  depth: number;
  objects: VocObject[];
}

export interface VocOptions {
  /** The file name errors mention. */
  file?: string;
  /** The longest XML text read, in characters; default 16 MiB (VOC files are a few KB). */
  maxChars?: number;
}

const prefix = (file: string | undefined): string => (file === undefined ? '' : `${file}: `);

function number(value: unknown, file: string | undefined, field: string, integer = true): number {
  const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`${prefix(file)}${field} must be ${integer ? 'an integer' : 'a number'}, got ${value === undefined ? 'nothing (missing)' : JSON.stringify(value)}`);
  }
  return v;
}

/** Parses one VOC annotation XML. */
export function parseVocXml(xml: string, options: VocOptions = {}): VocAnnotation {
  const { file } = options;
  const maxChars = options.maxChars ?? 16 * 2 ** 20;
  if (xml.length > maxChars) throw new Error(`${prefix(file)}the XML has ${xml.length} characters, more than maxChars = ${maxChars}; raise the cap with { maxChars } if it is real`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`${prefix(file)}not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  // Numbers are kept as text and checked here, so '0012' or '1e3' are not silently read.
  const root: unknown = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === 'object' }).parse(xml);
  const annotation = (root as Record<string, unknown>).annotation as Record<string, unknown> | undefined;
  if (typeof annotation !== 'object' || annotation === null) throw new Error(`${prefix(file)}expected an <annotation> root element`);
  const size = annotation.size as Record<string, unknown> | undefined;
  if (typeof size !== 'object' || size === null) throw new Error(`${prefix(file)}annotation.size is missing; expected <size><width>, <height>, <depth>`);
  const width = number(size.width, file, 'annotation.size.width');
  const height = number(size.height, file, 'annotation.size.height');
  const depth = size.depth === undefined ? 3 : number(size.depth, file, 'annotation.size.depth');
  if (width < 1 || height < 1) throw new Error(`${prefix(file)}annotation.size must be at least 1×1, got ${width}×${height}`);
  const objects = ((annotation.object as unknown[] | undefined) ?? []).map((entry, i) => {
    const field = `annotation.object[${i}]`;
    const o = entry as Record<string, unknown>;
    if (typeof o !== 'object' || o === null) throw new Error(`${prefix(file)}${field} is empty; expected <name> and <bndbox>`);
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new Error(`${prefix(file)}${field}.name is missing or empty`);
    const b = o.bndbox as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null) throw new Error(`${prefix(file)}${field}.bndbox is missing (object '${o.name}')`);
    // Some VOC-style exporters write fractional corners: numbers, not only integers.
    const xmin = number(b.xmin, file, `${field}.bndbox.xmin`, false);
    const ymin = number(b.ymin, file, `${field}.bndbox.ymin`, false);
    const xmax = number(b.xmax, file, `${field}.bndbox.xmax`, false);
    const ymax = number(b.ymax, file, `${field}.bndbox.ymax`, false);
    if (xmin < 1 || ymin < 1 || xmax < xmin || ymax < ymin || xmax > width || ymax > height) {
      throw new Error(
        `${prefix(file)}${field}.bndbox (${xmin}, ${ymin}, ${xmax}, ${ymax}) must satisfy 1 ≤ xmin ≤ xmax ≤ width = ${width} and 1 ≤ ymin ≤ ymax ≤ height = ${height} (VOC boxes are 1-based, inclusive)`,
      );
    }
    const flag = (name: string): boolean => o[name] !== undefined && number(o[name], file, `${field}.${name}`) === 1;
    return { name: o.name.trim(), box: [xmin - 1, ymin - 1, xmax, ymax], difficult: flag('difficult'), truncated: flag('truncated') } satisfies VocObject;
  });
  const filename = typeof annotation.filename === 'string' ? annotation.filename : '';
  return { filename, width, height, depth, objects };
}

/** Boxes and labels of an annotation, labels being 1 + the index in `classes` (default VOC_CLASSES). */
export function vocTargets(annotation: VocAnnotation, options: { classes?: readonly string[]; file?: string; skipDifficult?: boolean } = {}): { boxes: Float32Array; labels: Int32Array } {
  const classes = options.classes ?? VOC_CLASSES;
  const objects = options.skipDifficult ? annotation.objects.filter((o) => !o.difficult) : annotation.objects;
  const labels = objects.map((o) => {
    const i = classes.indexOf(o.name);
    if (i < 0) throw new Error(`${prefix(options.file)}object '${o.name}' is not one of the classes: ${classes.join(', ')}`);
    return i + 1;
  });
  return { boxes: Float32Array.from(objects.flatMap((o) => o.box)), labels: Int32Array.from(labels) };
}

/** A VOC mask PNG's palette indices (row-major [height, width]): class or instance numbers, 255 void. */
export function decodeVocMask(bytes: Uint8Array, options: Omit<DecodeOptions, 'mode'> = {}): { width: number; height: number; mask: Uint8Array } {
  const { width, height, data } = decodePngIndices(bytes, options);
  return { width, height, mask: data };
}
