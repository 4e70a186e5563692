#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in ../lib (run `npm run build -w @xetcache/server` first).
'use strict';
require('../lib/cli/main.js').main(process.argv);
