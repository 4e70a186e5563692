// The Galata `test` with one fixture changed: kernel requests are not routed through Galata's mock.
//
// Why: galata 5.6.4 proxies every POST under /api/kernels and answers it with status 201, including
// POST /api/kernels/<id>/restart, which the server answers 200 and @jupyterlab/services requires to be 200
// ("Invalid response: 201 Created"). A restart then never completes and the kernel stays "Starting".
// Restarting is central to these tests (a cache hit after a restart), so kernels are left unmocked. They are
// still shut down at the end of each test: galata's session mock deletes the sessions it saw, which stops their
// kernels (and the test server culls idle kernels as a backstop).
import { test as galataTest } from '@jupyterlab/galata';

export { expect } from '@jupyterlab/galata';

export const test = galataTest.extend({
  // eslint-disable-next-line no-empty-pattern
  kernels: async ({}, use) => {
    await use(null);
  }
});
