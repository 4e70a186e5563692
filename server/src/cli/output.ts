/**
 * How commands report: a readable text by default, one JSON document with --json (for scripts). Failures go to
 * stderr as "xetcache: CODE: message" (or {"code","message"} with --json) with a non-zero exit status:
 * 2 for a bad invocation (EBADREQUEST), 1 for everything else.
 */
import { isXetCacheError } from '@xetcache/store';

export interface Output {
  json: boolean;
  /** Print `data` as JSON, or `text()` for people. */
  result(data: unknown, text: () => string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(data, text) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
    }
  };
}

export function exitCodeFor(code: string): number {
  return code === 'EBADREQUEST' ? 2 : 1;
}

/** Report a failure and set the exit status (not process.exit: stdout may still be flushing). */
export function reportError(e: unknown, json: boolean): void {
  const code = isXetCacheError(e) ? e.code : 'EINTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    json ? `${JSON.stringify({ code, message })}\n` : `xetcache: ${code}: ${message}\n`
  );
  if (code === 'EINTERNAL' && e instanceof Error && e.stack && process.env.XETCACHE_DEBUG)
    process.stderr.write(`${e.stack}\n`);
  process.exitCode = exitCodeFor(code);
}
