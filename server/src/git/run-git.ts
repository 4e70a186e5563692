/**
 * One way to run git from the server and CLI. Never through a shell (paths with spaces, commas or quotes are plain
 * argv entries), never waiting on a credential prompt (a server has no terminal), always with a captured result.
 */
import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunGitOptions {
  cwd: string;
  /** Called with each chunk of git's stderr as it arrives (git-lfs progress), besides being captured. */
  onStderr?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs `git <args>`; resolves with the exit code (127 when git itself cannot be started), never rejects. */
export function runGit(args: string[], opts: RunGitOptions): Promise<GitResult> {
  return new Promise(resolve => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', ...opts.env };
    const child = spawn('git', args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      opts.onStderr?.(c);
    });
    child.on('error', e => resolve({ code: 127, stdout, stderr: stderr + String(e) }));
    child.on('close', code => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
