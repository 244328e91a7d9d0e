import { describe, expect, it } from 'vitest';
import { baseName, breadcrumbs, childName, exportableKind, extensionOf, folderOf, joinPath, kindOf, normalizeFolder } from './paths';
import { defaultOrder, validateFilesSearch } from './search';

describe('file paths', () => {
  it('normalises folders: no empty, "." or ".." segments, one trailing slash', () => {
    expect(normalizeFolder('')).toBe('');
    expect(normalizeFolder('/')).toBe('');
    expect(normalizeFolder('a')).toBe('a/');
    expect(normalizeFolder('/a//b/')).toBe('a/b/');
    expect(normalizeFolder('a/../b/./c')).toBe('a/b/c/');
    expect(normalizeFolder('a\\b')).toBe('a/b/');
    expect(normalizeFolder(' a / b ')).toBe('a/b/');
  });

  it('joins a folder and a name, a name with folders of its own too', () => {
    expect(joinPath('', 'notes.md')).toBe('notes.md');
    expect(joinPath('reports/2026/', 'summary.md')).toBe('reports/2026/summary.md');
    expect(joinPath('reports/2026', 'summary.md')).toBe('reports/2026/summary.md');
    expect(joinPath('photos/', 'trip/day 1/a.jpg')).toBe('photos/trip/day 1/a.jpg');
    expect(joinPath('a/', '../b.txt')).toBe('a/b.txt');
  });

  it('splits a path into its folder and name', () => {
    expect(folderOf('a/b/c.txt')).toBe('a/b/');
    expect(folderOf('c.txt')).toBe('');
    expect(baseName('a/b/c.txt')).toBe('c.txt');
    expect(baseName('a/b/')).toBe('b');
    expect(childName('a/b/', 'a/')).toBe('b');
    expect(extensionOf('Notes.MD')).toBe('md');
    expect(extensionOf('.env')).toBe('');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
  });

  it('gives breadcrumbs from the root', () => {
    expect(breadcrumbs('')).toEqual([{ name: '', folder: '' }]);
    expect(breadcrumbs('a/b/')).toEqual([
      { name: '', folder: '' },
      { name: 'a', folder: 'a/' },
      { name: 'b', folder: 'a/b/' },
    ]);
  });

  it('groups content types as the type filter does', () => {
    expect(kindOf('image/png')).toBe('image');
    expect(kindOf('application/pdf')).toBe('document');
    expect(kindOf('text/markdown; charset=utf-8')).toBe('text');
    expect(kindOf('application/json')).toBe('text');
    expect(kindOf('application/zip')).toBe('archive');
    expect(kindOf('video/mp4')).toBe('video');
    expect(kindOf('application/octet-stream')).toBe('other');
  });

  it('knows which files can be exported', () => {
    expect(exportableKind('text/markdown')).toBe('markdown');
    expect(exportableKind('text/plain; charset=utf-8')).toBe('markdown');
    expect(exportableKind('text/html')).toBe('html');
    expect(exportableKind('application/json')).toBeNull();
    expect(exportableKind('image/png')).toBeNull();
  });
});

describe('the file browser address', () => {
  it('keeps valid values and drops the rest', () => {
    expect(validateFilesSearch({ bucket: 'docs', folder: '/a//b', q: ' x ', type: 'image', sort: 'size', order: 'desc', deleted: 'true' })).toEqual({
      bucket: 'docs',
      folder: 'a/b/',
      q: ' x ',
      type: 'image',
      sort: 'size',
      order: 'desc',
      deleted: true,
    });
    expect(validateFilesSearch({ bucket: 'No_Caps', folder: '', q: '  ', type: 'pdf', sort: 'owner', order: 'up', deleted: false })).toEqual({});
  });

  it('starts names A to Z, sizes and dates largest and newest first', () => {
    expect(defaultOrder('name')).toBe('asc');
    expect(defaultOrder('size')).toBe('desc');
    expect(defaultOrder('updated_at')).toBe('desc');
  });
});
