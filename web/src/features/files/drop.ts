// Files dropped on the browser, folders included: a dropped folder's files keep their place
// below it ("photos/2026/a.jpg"), read through the File and Directory Entries API.

export interface DroppedFile {
  file: File;
  /** The path below the drop target: the file's name, or folders and its name. */
  relativePath: string;
}

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath?: string;
}
interface FileEntry extends Entry {
  file: (success: (file: File) => void, failure?: (error: unknown) => void) => void;
}
interface DirectoryEntry extends Entry {
  createReader: () => { readEntries: (success: (entries: Entry[]) => void, failure?: (error: unknown) => void) => void };
}

function readFile(entry: FileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every entry of a folder (readEntries answers in batches until an empty one). */
async function readAll(entry: DirectoryEntry): Promise<Entry[]> {
  const reader = entry.createReader();
  const out: Entry[] = [];
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walk(entry: Entry, prefix: string, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ file: await readFile(entry as FileEntry), relativePath: `${prefix}${entry.name}` });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as DirectoryEntry)) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** The files of a drop, folders walked; plain files when the browser has no entries API. */
export async function droppedFiles(data: DataTransfer): Promise<DroppedFile[]> {
  const items = Array.from(data.items ?? []).filter((item) => item.kind === 'file');
  const entries = items.map((item) => (typeof item.webkitGetAsEntry === 'function' ? (item.webkitGetAsEntry() as Entry | null) : null));
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const out: DroppedFile[] = [];
    for (const entry of entries) await walk(entry as Entry, '', out);
    return out;
  }
  return Array.from(data.files ?? []).map((file) => ({ file, relativePath: file.name }));
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function hasFiles(data: DataTransfer | null): boolean {
  return Boolean(data && Array.from(data.types ?? []).includes('Files'));
}
