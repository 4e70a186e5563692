/**
 * The CLI's one-line notice when a store sits in a repository where Git LFS is missing or not set up. Once per run
 * (per process), on stderr so `--json` output on stdout stays parseable, with the exact fixing command.
 */
import { gitStatus, needsAction, type GitStatus } from './lfs-status';

let warned = false;

export function formatLfsWarning(s: GitStatus): string {
  return `xetcache: ${s.message ?? 'Git LFS is not ready for this store.'} Fix: ${s.fix ?? 'git lfs install'}\n`;
}

/** Checks the store's repository and warns once per process. Returns the status (also when not warning). */
export async function warnIfLfsNotReady(
  storeDir: string,
  write: (s: string) => void = s => process.stderr.write(s)
): Promise<GitStatus> {
  const s = await gitStatus(storeDir);
  if (needsAction(s) && !warned) {
    warned = true;
    write(formatLfsWarning(s));
  }
  return s;
}

/** For tests: forget that we warned. */
export function resetLfsWarning(): void {
  warned = false;
}
