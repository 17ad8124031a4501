/**
 * Folders as maps of `/`-separated relative paths to bytes: the unpacked solution layout is handled
 * in memory, so packing, unpacking and comparing are pure functions and only the CLIs touch disk.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export type FileTree = ReadonlyMap<string, Buffer>;

export function byPath<T>(entries: Iterable<readonly [string, T]>): Map<string, T> {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function readTree(folder: string): Map<string, Buffer> {
  const files: [string, Buffer][] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(folder, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push([child, readFileSync(path.join(folder, child))]);
    }
  };
  walk("");
  return byPath(files);
}

/** Replaces the folder's content with the tree. */
export function writeTree(folder: string, tree: FileTree): void {
  rmSync(folder, { recursive: true, force: true });
  for (const [relative, content] of tree) {
    const target = path.join(folder, ...relative.split("/"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

export interface TreeDifference {
  readonly missing: string[];
  readonly changed: string[];
  readonly extra: string[];
}

/** How `actual` differs from `expected`; empty lists when they hold the same files and bytes. */
export function compareTrees(expected: FileTree, actual: FileTree): TreeDifference {
  return {
    missing: [...expected.keys()].filter((file) => !actual.has(file)),
    changed: [...expected]
      .filter(([file, content]) => actual.get(file)?.equals(content) === false)
      .map(([file]) => file),
    extra: [...actual.keys()].filter((file) => !expected.has(file)),
  };
}

export function isSameTree(difference: TreeDifference): boolean {
  return difference.missing.length + difference.changed.length + difference.extra.length === 0;
}
