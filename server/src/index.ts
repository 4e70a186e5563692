// Public API of @xetcache/server: re-exports only.
export { createApp, type AppOptions, type XetCacheApp } from './app';
export { startServer, type ServeOptions, type RunningServer } from './serve';
export * from './index-db';
export { STATUS_OF } from './http/error-status';
export { main as runCli } from './cli/main';
export { SERVER_VERSION } from './version';
