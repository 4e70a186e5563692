// Playwright configuration of the browser benchmarks (not part of the test suite): the UI tests' configuration
// (same JupyterLab, same Debian chromium, same server config) pointed at bench/ui-*.spec.ts.
// Run: cd ui-tests && npx playwright test -c ../bench/ui-bench.config.js
const path = require('path');
const base = require('../ui-tests/playwright.config.js');

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: 'ui-*.spec.ts',
  outputDir: path.join(__dirname, 'out', 'ui-test-results'),
  reporter: [['list']],
  timeout: 600_000,
  use: { ...base.use, screenshot: 'off', trace: 'off' },
  webServer: { ...base.webServer, cwd: path.join(__dirname, '..', 'ui-tests') }
};
