import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyTests, isSystemTest, listTestFiles, STARTS_SOMETHING, SYSTEM_TESTS } from '../../../vitest.system-tests.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('test projects', () => {
  const files = listTestFiles(ROOT);

  it('keeps every test that starts processes, browsers, brokers or S3 in the system project', () => {
    expect(files.length).toBeGreaterThan(100);
    const self = relative(ROOT, import.meta.filename);
    const misplaced = files.filter((file) => file !== self && !isSystemTest(file) && STARTS_SOMETHING.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(misplaced, 'add these to vitest.system-tests.ts').toEqual([]);
  });

  it('places every test file in exactly one project', () => {
    const { unit, integration, system } = classifyTests(ROOT);
    expect([...unit, ...integration, ...system].sort()).toEqual([...files].sort());
    expect(unit.length).toBeGreaterThan(30);
  });

  it('names no system test file that does not exist', () => {
    expect(SYSTEM_TESTS.filter((glob) => !glob.includes('*') && !files.includes(glob))).toEqual([]);
  });
});
