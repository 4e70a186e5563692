// The server's version, reported by GET /api/status and `xetcache --version` (kept in step with package.json).
export const SERVER_VERSION = '0.1.0';
