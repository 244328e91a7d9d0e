// File paths in a bucket as the browser handles them: folders end in "/", the root is "",
// and a path is folders and a name joined by "/" (the server cleans them the same way).

/** A folder as the listing takes it: "" (the root) or "a/b/". */
export function normalizeFolder(folder: string): string {
  const parts = folder
    .replace(/\\/g, '/')
    .split('/')
    .map((p) => p.trim())
    .filter((p) => p && p !== '.' && p !== '..');
  return parts.length ? `${parts.join('/')}/` : '';
}

/** The path of `name` in `folder`: joinPath("a/b/", "c.txt") is "a/b/c.txt". A name may hold
 * folders of its own ("sub/c.txt"), as a dropped folder's files do. */
export function joinPath(folder: string, name: string): string {
  return `${normalizeFolder(folder)}${normalizeFolder(name).slice(0, -1)}`;
}

/** The folder a path is in ("a/b/" for "a/b/c.txt", "" for "c.txt"). */
export function folderOf(path: string): string {
  const clean = normalizeFolder(path).slice(0, -1);
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? '' : clean.slice(0, slash + 1);
}

/** The last segment of a path or folder ("c.txt", or "b" for "a/b/"). */
export function baseName(path: string): string {
  const clean = normalizeFolder(path).slice(0, -1);
  return clean.slice(clean.lastIndexOf('/') + 1);
}

export interface Crumb {
  /** The segment's name; "" for the bucket's root. */
  name: string;
  folder: string;
}

/** The breadcrumbs of a folder, from the root: "a/b/" gives root, "a/", "a/b/". */
export function breadcrumbs(folder: string): Crumb[] {
  const crumbs: Crumb[] = [{ name: '', folder: '' }];
  let current = '';
  for (const part of normalizeFolder(folder).split('/').filter(Boolean)) {
    current += `${part}/`;
    crumbs.push({ name: part, folder: current });
  }
  return crumbs;
}

/** A folder the listing returned ("a/b/") relative to the one shown ("a/"): "b". */
export function childName(folder: string, parent: string): string {
  const clean = normalizeFolder(folder);
  const base = normalizeFolder(parent);
  const rest = clean.startsWith(base) ? clean.slice(base.length) : clean;
  return rest.replace(/\/$/, '');
}

/** A name's extension in lower case, without the dot ("md" for "Notes.MD"; "" when none). */
export function extensionOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export type FileKind = 'image' | 'document' | 'text' | 'audio' | 'video' | 'archive' | 'other';

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/epub+zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
const ARCHIVE_TYPES = new Set(['application/zip', 'application/gzip', 'application/x-7z-compressed']);
const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/yaml']);

/** The kind of a content type, as the listing's type filter groups them. */
export function kindOf(contentType: string): FileKind {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (DOCUMENT_TYPES.has(type)) return 'document';
  if (ARCHIVE_TYPES.has(type)) return 'archive';
  if (type.startsWith('text/') || TEXT_TYPES.has(type)) return 'text';
  return 'other';
}

/** Whether a file can be exported, and read as what: its stored type decides, as on the
 * server (Markdown and plain text are read as Markdown). */
export function exportableKind(contentType: string): 'markdown' | 'html' | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/markdown' || type === 'text/plain') return 'markdown';
  if (type === 'text/html') return 'html';
  return null;
}
