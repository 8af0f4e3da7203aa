#!/usr/bin/env node
// Prints "N passed, N failed" from jest's JSON results (the line CI counts).
const fs = require('node:fs');
const file = process.argv[2] || '.podflow/jest-results.json';
if (!fs.existsSync(file)) {
  console.log('0 passed, 0 failed');
  console.error(`no jest results at ${file}: the suite did not run`);
  process.exit(0);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
const failed = (r.numFailedTests || 0) + (r.numRuntimeErrorTestSuites || 0);
console.log(`${r.numPassedTests || 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
