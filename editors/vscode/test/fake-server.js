#!/usr/bin/env node
// A minimal language server for test/extension.test.js: answers `initialize` and `shutdown`,
// exits on `exit`, and appends what it saw (its arguments, its folder, each method) as JSON
// lines to the file named by IAMC_FAKE_SERVER_LOG.

'use strict';

const fs = require('node:fs');

const log = (entry) => fs.appendFileSync(process.env.IAMC_FAKE_SERVER_LOG, `${JSON.stringify(entry)}\n`);
const send = (message) => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  process.stdout.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};

log({ args: process.argv.slice(2), cwd: process.cwd(), pid: process.pid });
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  for (;;) {
    const headerEnd = pending.indexOf('\r\n\r\n');
    if (headerEnd < 0) {
      return;
    }
    const length = Number(/Content-Length: *(\d+)/i.exec(pending.subarray(0, headerEnd).toString())[1]);
    if (pending.length < headerEnd + 4 + length) {
      return;
    }
    const message = JSON.parse(pending.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
    pending = pending.subarray(headerEnd + 4 + length);
    log({ method: message.method, pid: process.pid });
    if (message.method === 'initialize') {
      send({ id: message.id, result: { capabilities: { textDocumentSync: 2, hoverProvider: true } } });
    } else if (message.method === 'shutdown') {
      send({ id: message.id, result: null });
    } else if (message.method === 'exit') {
      process.exit(0);
    }
  }
});
