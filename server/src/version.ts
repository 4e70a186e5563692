// The server's version, reported by GET /api/status and `xetcache --version`: server/package.json's, which
// `lerna version` keeps equal to the project's one version (lerna.json). Read, not copied: tsc leaves this require
// as is (../package.json from lib/), and the shipped bundle inlines the file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SERVER_VERSION: string = (require('../package.json') as { version: string }).version;
