/**
 * `xetcache remote | push | pull`: the team cache's commands (issue 14) live in the Python package
 * (xetcache/remote/cli.py), next to the engine's S3 client, so one implementation serves kernels, headless runs and
 * the command line. The `xetcache` command that pip installs runs them itself; this CLI (`npx xetcache` in a clone,
 * the bundled server) forwards them, arguments unchanged, to `python -m xetcache.cli` on XETCACHE_PYTHON (the
 * Python package sets it) or `python3`.
 */
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';

export const PYTHON_COMMANDS: Record<string, string> = {
  remote:
    "show and test the store's team cache (S3): reachable, can read, can write; `remote set s3://B/P`",
  push: 'push the entries waiting for the team cache (or KEYs, or --all), with progress; resumes',
  pull: 'bring entries from the team cache (all it has and this store lacks, or KEYs)'
};

export function pythonFor(env: NodeJS.ProcessEnv = process.env): string {
  return env.XETCACHE_PYTHON || 'python3';
}

/** Run `python -m xetcache.cli <argv>` with this process's stdio; returns its exit status. */
export function forwardToPython(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  err: (s: string) => void = s => process.stderr.write(s)
): number {
  const python = pythonFor(env);
  const r = spawnSync(python, ['-m', 'xetcache.cli', ...argv], { stdio: 'inherit', env });
  if (r.error) {
    err(
      `xetcache: the team cache commands run in the xetcache Python package, and ${python} could not be run ` +
        `(${r.error.message}); install it (pip install xetcache) or set XETCACHE_PYTHON to its Python\n`
    );
    return 1;
  }
  return r.status ?? 1;
}

export function registerPythonCommands(program: Command, argv: () => string[]): void {
  for (const [name, description] of Object.entries(PYTHON_COMMANDS)) {
    program
      .command(name)
      .description(`${description} (runs in the Python package)`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(() => {
        process.exitCode = forwardToPython(argv());
      });
  }
}
