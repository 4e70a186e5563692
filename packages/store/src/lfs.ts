/**
 * Git LFS pointer detection. After `git clone` without `git lfs pull`, objects/** hold small pointer texts instead
 * of content. Such a file is "not local", not "corrupt": it must never be quarantined or reported as damage.
 */
export const LFS_POINTER_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/v1', 'utf8');
/** git-lfs itself never treats a file of 1024 bytes or more as a pointer. */
export const LFS_POINTER_MAX_BYTES = 1024;

/**
 * Looks like a pointer by CONTRACT.md's rule. Callers check the hash first: content that happens to start with
 * the prefix hashes to its own name, which a pointer (it contains that name) never can.
 */
export function looksLikeLfsPointer(bytes: Buffer): boolean {
  return (
    bytes.length < LFS_POINTER_MAX_BYTES &&
    bytes.length >= LFS_POINTER_PREFIX.length &&
    bytes.subarray(0, LFS_POINTER_PREFIX.length).equals(LFS_POINTER_PREFIX)
  );
}

/** The text git-lfs writes for content with this oid and size (used by tests and tools that fake a clone). */
export function lfsPointerText(oid: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;
}
