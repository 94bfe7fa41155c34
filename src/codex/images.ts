import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors';
import { resolveInWorkspace } from './policy';
import type { UserInput } from './requests';

/*
 * Images of a turn: inline data URLs or files in the user's workspace, checked before codex sees them. Only
 * the raster types the models read; the bytes must be what the type claims (a "PNG" that is an ELF binary or
 * an SVG with scripts is refused), and no bigger than IMAGE_MAX_BYTES.
 */

export type ImageDetail = 'auto' | 'high' | 'original';

export type ImageRequest =
  | { kind: 'data_url'; dataUrl: string; detail?: ImageDetail | undefined; field: string }
  | { kind: 'file'; path: string; detail?: ImageDetail | undefined; field: string };

/** At most this many images per turn: each one costs the model (and codex's memory) a lot. */
export const MAX_IMAGES_PER_TURN = 16;

const SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  'image/png': (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff,
  'image/gif': (bytes) => /^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1')),
  'image/webp': (bytes) =>
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
};

const EXTENSIONS: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

const ACCEPTED = Object.keys(SIGNATURES).join(', ');
const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

const invalid = (field: string, message: string): ValidationError =>
  new ValidationError(`image ${message}`, [{ field, message }]);

function assertImage(bytes: Buffer, mediaType: string, maxBytes: number, field: string): void {
  if (bytes.length === 0) throw invalid(field, 'is empty');
  if (bytes.length > maxBytes) throw invalid(field, `is ${bytes.length} bytes, more than ${maxBytes} (IMAGE_MAX_BYTES)`);
  const matches = SIGNATURES[mediaType];
  if (!matches) throw invalid(field, `has the type '${mediaType}'; accepted: ${ACCEPTED}`);
  if (!matches(bytes)) throw invalid(field, `is not a ${mediaType} image (its bytes say otherwise)`);
}

function dataUrlInput(image: Extract<ImageRequest, { kind: 'data_url' }>, maxBytes: number): UserInput {
  const match = DATA_URL.exec(image.dataUrl);
  if (!match) throw invalid(image.field, `must be a base64 data URL: data:<type>;base64,<data>`);
  const mediaType = (match[1] as string).toLowerCase();
  const encoded = match[2] as string;
  // Checked before decoding, so an oversized image costs no decode.
  if (Math.floor((encoded.length * 3) / 4) > maxBytes + 2)
    throw invalid(image.field, `is more than ${maxBytes} bytes (IMAGE_MAX_BYTES)`);
  assertImage(Buffer.from(encoded, 'base64'), mediaType, maxBytes, image.field);
  return { type: 'image', url: `data:${mediaType};base64,${encoded}`, ...(image.detail ? { detail: image.detail } : {}) };
}

/** A workspace file (symlinks resolved, never outside the workspace), read by codex itself. */
function fileInput(image: Extract<ImageRequest, { kind: 'file' }>, workspace: string, maxBytes: number): UserInput {
  const { real, asCodexSees } = resolveInWorkspace(workspace, image.path, (message) => invalid(image.field, message));
  // The agent writes the workspace and may swap the path after it was resolved: what is checked is what was
  // opened (no symlink followed, a FIFO opened without blocking the process), and it is read no further than its size.
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw invalid(image.field, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw invalid(image.field, 'is not a file');
    if (stat.size > maxBytes) throw invalid(image.field, `is ${stat.size} bytes, more than ${maxBytes} (IMAGE_MAX_BYTES)`);
    const mediaType = EXTENSIONS[path.extname(real).toLowerCase()];
    if (!mediaType) throw invalid(image.field, `must be a ${Object.keys(EXTENSIONS).join(', ')} file`);
    const bytes = Buffer.alloc(stat.size);
    assertImage(bytes.subarray(0, fs.readSync(fd, bytes, 0, stat.size, 0)), mediaType, maxBytes, image.field);
  } finally {
    fs.closeSync(fd);
  }
  return { type: 'localImage', path: asCodexSees, ...(image.detail ? { detail: image.detail } : {}) };
}

/** Codex's image inputs for the requested images, or a 400 naming the first bad one. */
export function imageInputs(images: ImageRequest[], workspace: string, maxBytes: number): UserInput[] {
  if (images.length > MAX_IMAGES_PER_TURN) {
    throw new ValidationError(`at most ${MAX_IMAGES_PER_TURN} images per turn`, [
      { field: '/body/messages', message: `has ${images.length} images, more than ${MAX_IMAGES_PER_TURN}` },
    ]);
  }
  return images.map((image) =>
    image.kind === 'data_url' ? dataUrlInput(image, maxBytes) : fileInput(image, workspace, maxBytes),
  );
}
