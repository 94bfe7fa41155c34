import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { envSchema, parseConfig } from '../../src/config/env';

describe('.env.example', () => {
  const file = fs.readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');

  it('lists every variable the bridge reads, and no other', () => {
    const listed = Object.keys(dotenv.parse(file)).sort();
    expect(listed).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('is a valid configuration as it stands', () => {
    expect(() => parseConfig(dotenv.parse(file))).not.toThrow();
  });
});
