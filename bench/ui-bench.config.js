// Playwright configuration of the browser benchmarks (not part of the test suite): the UI tests' configuration
// (same JupyterLab, same Debian chromium, same server config) pointed at bench/ui-*.spec.ts.
// Run: npm run bench -w @xetcache/ui-tests   (or: cd ui-tests && npx playwright test -c ../bench/ui-bench.config.js)
// The UI tests start several JupyterLabs (webServer is an array); a benchmark needs only the complete one, on its
// own port (XETCACHE_BENCH_UI_PORT, default 8897) so it never reuses or collides with a UI test run's server.
const path = require('path');

process.env.XETCACHE_UI_PORT = process.env.XETCACHE_BENCH_UI_PORT || '8897';
const base = require('../ui-tests/playwright.config.js');
const port = process.env.XETCACHE_UI_PORT;

const servers = Array.isArray(base.webServer) ? base.webServer : [base.webServer];
const lab = servers.find(s => s && s.url === `http://127.0.0.1:${port}/lab`) || servers[0];
if (!lab || !lab.command)
  throw new Error('ui-tests/playwright.config.js has no JupyterLab webServer to reuse');

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: 'ui-*.spec.ts',
  outputDir: path.join(__dirname, 'out', 'ui-test-results'),
  reporter: [['list']],
  timeout: 600_000,
  projects: undefined,
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}`, screenshot: 'off', trace: 'off' },
  webServer: {
    ...lab,
    cwd: path.join(__dirname, '..', 'ui-tests'),
    reuseExistingServer: false,
    env: { ...lab.env, XETCACHE_UI_PORT: port }
  }
};
