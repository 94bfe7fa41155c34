import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { imageInputs, MAX_IMAGES_PER_TURN } from '../../src/codex/images';
import { ValidationError } from '../../src/errors';
import { makeTempDir } from '../support/tempDir';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
const dataUrl = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;

let workspace: string;
beforeAll(() => {
  workspace = makeTempDir('images-');
  fs.writeFileSync(path.join(workspace, 'a.PNG'), PNG);
});
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error('not refused');
}

describe('images', () => {
  it('accepts PNG, JPEG, GIF and WebP by their bytes, and workspace files as codex local images', () => {
    const inputs = imageInputs(
      [
        ...([['image/png', PNG], ['image/jpeg', JPEG], ['image/gif', GIF], ['image/webp', WEBP]] as const).map(
          ([type, bytes]) => ({ kind: 'data_url' as const, dataUrl: dataUrl(type, bytes), field: '/f' }),
        ),
        { kind: 'file', path: 'a.PNG', detail: 'high', field: '/g' },
      ],
      workspace,
      1024,
    );
    expect(inputs.slice(0, 4).map((input) => input.type)).toEqual(['image', 'image', 'image', 'image']);
    expect(inputs[4]).toEqual({ type: 'localImage', path: path.join(workspace, 'a.PNG'), detail: 'high' });
  });

  it('refuses a type claimed by other bytes, an oversized image and too many images', () => {
    expect(refusal(() => imageInputs([{ kind: 'data_url', dataUrl: dataUrl('image/jpeg', PNG), field: '/f' }], workspace, 1024))).toContain(
      'not a image/jpeg',
    );
    expect(refusal(() => imageInputs([{ kind: 'data_url', dataUrl: dataUrl('image/png', PNG), field: '/f' }], workspace, 10))).toContain(
      'IMAGE_MAX_BYTES',
    );
    const many = Array.from({ length: MAX_IMAGES_PER_TURN + 1 }, () => ({ kind: 'data_url' as const, dataUrl: dataUrl('image/png', PNG), field: '/f' }));
    expect(refusal(() => imageInputs(many, workspace, 1024))).toContain(`at most ${MAX_IMAGES_PER_TURN}`);
  });

  it('refuses a FIFO the agent named like an image, without waiting for a writer', () => {
    execFileSync('mkfifo', [path.join(workspace, 'pipe.png')]);
    expect(refusal(() => imageInputs([{ kind: 'file', path: 'pipe.png', field: '/g' }], workspace, 1024))).toContain('is not a file');
  });
});
