// The Galata `test` with two changes:
//
// 1. Kernel requests are not routed through Galata's mock. galata 5.6.4 proxies every POST under /api/kernels and
//    answers it with status 201, including POST /api/kernels/<id>/restart, which the server answers 200 and
//    @jupyterlab/services requires to be 200 ("Invalid response: 201 Created"): a restart never completes and
//    the kernel stays "Starting". Restarting is central here (a cache hit after a restart), so kernels are left
//    unmocked. They are still shut down after each test: galata's session mock deletes the sessions it saw,
//    which stops their kernels (and the test server culls idle kernels as a backstop).
// 2. The browser console's errors and warnings are attached to a failed test (`browser-console`): the extension
//    reports most of its problems there.
import { test as galataTest } from '@jupyterlab/galata';

export { expect } from '@jupyterlab/galata';

export const test = galataTest.extend<{ consoleLog: void }>({
  // eslint-disable-next-line no-empty-pattern
  kernels: async ({}, use) => {
    await use(null);
  },
  consoleLog: [
    async ({ page }, use, testInfo) => {
      const lines: string[] = [];
      page.on('console', m => {
        if (m.type() === 'error' || m.type() === 'warning') {
          lines.push(`[${m.type()}] ${m.text()}`);
        }
      });
      await use();
      if (testInfo.status !== testInfo.expectedStatus && lines.length) {
        await testInfo.attach('browser-console', {
          body: lines.join('\n'),
          contentType: 'text/plain'
        });
      }
    },
    { auto: true }
  ]
});
