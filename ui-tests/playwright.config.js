// Galata UI tests of XetCache in a real JupyterLab (the one in ../.venv) driven through Debian's chromium.
// Playwright must not download browsers on these machines, hence `executablePath` and no video (it would need
// Playwright's own ffmpeg build).
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.XETCACHE_UI_PORT || '8899';
// A second JupyterLab in which the index server cannot start (tests/no-server.spec.ts): jupyter-server-proxy runs
// XETCACHE_NODE (packages/python/xetcache/proxy.py), here a path with no program, as on a machine without Node.
// It fails at once (500 for every /xetcache/ request), which is the case that used to flood the proxy.
const noServerPort = process.env.XETCACHE_UI_NOSERVER_PORT || '8898';
const NO_SERVER_SPEC = /no-server\.spec\.ts$/;
const chromium = process.env.XETCACHE_CHROMIUM || '/usr/bin/chromium';
// Git as a fresh user has it: no global or system config, so this machine's `git lfs install` (filter.lfs.* in
// ~/.gitconfig) cannot hide a repository without LFS (tests/git.spec.ts). Both the index server, which asks git
// for GET /api/git, and the kernels, which make the test repositories, inherit this from JupyterLab.
const bareGit = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

module.exports = {
  ...baseConfig,
  testDir: './tests',
  // One worker: the machine has 2 cores, and a JupyterLab + a kernel + chromium already use them.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Generous: kernels start slowly on a loaded shared machine; some scenarios restart the kernel several times.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [[process.env.CI ? 'line' : 'list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
    },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    video: 'off',
    trace: 'retain-on-failure',
    // Kept on success too: the badge/sidebar pictures are attached explicitly by the tests (see tests/helpers.ts);
    // this one adds a final screenshot of every test.
    screenshot: 'on'
  },
  projects: [
    { name: 'lab', testIgnore: NO_SERVER_SPEC },
    {
      name: 'no-server',
      testMatch: NO_SERVER_SPEC,
      use: { baseURL: `http://127.0.0.1:${noServerPort}` }
    }
  ],
  webServer: [
    {
      // The server's log goes to a file (it is long and interleaves badly with the test list); read it when a test
      // fails on the server side.
      command: `exec ../.venv/bin/jupyter lab --config jupyter_server_test_config.py > jupyter-server.log 2>&1`,
      url: `http://127.0.0.1:${port}/lab`,
      timeout: 120_000,
      reuseExistingServer: !process.env.CI,
      env: { ...process.env, ...bareGit, XETCACHE_UI_PORT: port }
    },
    {
      command: `exec ../.venv/bin/jupyter lab --config jupyter_server_test_config.py > jupyter-server-no-server.log 2>&1`,
      url: `http://127.0.0.1:${noServerPort}/lab`,
      timeout: 120_000,
      reuseExistingServer: !process.env.CI,
      env: {
        ...process.env,
        ...bareGit,
        XETCACHE_UI_PORT: noServerPort,
        XETCACHE_NODE: '/nonexistent/xetcache-test/node'
      }
    }
  ]
};
