// Unit tests of the client's server resolution (src/server.ts, compiled). `npm test` compiles
// to out/; `cargo test editors` compiles to a temporary folder named by IAMC_VSCODE_OUT.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const OUT = process.env.IAMC_VSCODE_OUT || path.join(__dirname, '..', 'out');
const { resolveServer, INSTALL_HINT } = require(path.join(OUT, 'server.js'));

/** A temporary folder with an executable `bin/iamc`, a plain file `bin/not-executable`. */
function sandbox(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamc-client-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.writeFileSync(path.join(dir, 'bin', 'iamc'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'not-executable'), '', { mode: 0o644 });
  return dir;
}

const posix = (dir, extra = {}) => ({
  env: { PATH: [path.join(dir, 'empty'), path.join(dir, 'bin')].join(':') },
  platform: 'linux',
  home: dir,
  workspaceFolder: dir,
  ...extra,
});

test('a bare name is looked up on PATH and started as `iamc lsp`', { skip: process.platform === 'win32' }, (t) => {
  const dir = sandbox(t);
  const r = resolveServer({ path: 'iamc', extraArgs: [] }, posix(dir));
  assert.deepEqual(r, { ok: true, command: path.join(dir, 'bin', 'iamc'), args: ['lsp'] });
});

test('extra arguments come after `lsp`; an empty path means `iamc`', { skip: process.platform === 'win32' }, (t) => {
  const dir = sandbox(t);
  const r = resolveServer({ path: '  ', extraArgs: ['--log', 'debug'] }, posix(dir));
  assert.deepEqual(r, { ok: true, command: path.join(dir, 'bin', 'iamc'), args: ['lsp', '--log', 'debug'] });
});

test('a missing binary says how to install it and which setting to change', { skip: process.platform === 'win32' }, (t) => {
  const dir = sandbox(t);
  const r = resolveServer({ path: 'iamc', extraArgs: [] }, posix(dir, { env: { PATH: path.join(dir, 'empty') } }));
  assert.equal(r.ok, false);
  assert.match(r.message, /`iamc` was not found on PATH/);
  assert.ok(r.message.includes('cargo install --path . --locked'), r.message);
  assert.ok(r.message.includes('iamc.server.path'), r.message);
  assert.ok(r.detail.includes(path.join(dir, 'empty')), r.detail);
  const none = resolveServer({ path: 'iamc', extraArgs: [] }, posix(dir, { env: {} }));
  assert.equal(none.ok, false);
  assert.match(none.detail, /\(empty\)/);
});

test('paths: absolute, relative to the workspace, `~`, `${workspaceFolder}`', { skip: process.platform === 'win32' }, (t) => {
  const dir = sandbox(t);
  const bin = path.join(dir, 'bin', 'iamc');
  for (const p of [bin, 'bin/iamc', './bin/iamc', '~/bin/iamc', '${workspaceFolder}/bin/iamc']) {
    const r = resolveServer({ path: p, extraArgs: [] }, posix(dir, { env: {} }));
    assert.deepEqual(r, { ok: true, command: bin, args: ['lsp'] }, p);
  }
});

test('a path that is not an executable file is refused with the same advice', { skip: process.platform === 'win32' }, (t) => {
  const dir = sandbox(t);
  for (const p of ['bin/not-executable', 'bin/missing', './bin']) {
    const r = resolveServer({ path: p, extraArgs: [] }, posix(dir));
    assert.equal(r.ok, false, p);
    assert.ok(r.message.includes(path.resolve(dir, p)), r.message);
    assert.ok(r.message.endsWith(INSTALL_HINT), r.message);
  }
});

test('a relative path or ${workspaceFolder} without an open folder is explained', () => {
  for (const p of ['bin/iamc', '${workspaceFolder}/bin/iamc']) {
    const r = resolveServer({ path: p, extraArgs: [] }, {
      env: {}, platform: 'linux', home: '/home/u', workspaceFolder: undefined,
    });
    assert.equal(r.ok, false, p);
    assert.match(r.message, /no folder is open/);
  }
});

test('Windows: Path in any case, PATHEXT suffixes, backslashes', () => {
  const files = new Set(['C:\\tools\\iamc.EXE'.toLowerCase(), 'D:\\proj\\target\\release\\iamc.exe'.toLowerCase()]);
  const environment = {
    env: { Path: 'C:\\empty;C:\\tools', PATHEXT: '.COM;.EXE;.BAT' },
    platform: 'win32',
    home: 'C:\\Users\\u',
    workspaceFolder: 'D:\\proj',
    isExecutable: (f) => files.has(f.toLowerCase()),
  };
  assert.deepEqual(resolveServer({ path: 'iamc', extraArgs: [] }, environment), {
    ok: true, command: 'C:\\tools\\iamc.exe', args: ['lsp'],
  });
  assert.deepEqual(resolveServer({ path: 'target\\release\\iamc', extraArgs: [] }, environment), {
    ok: true, command: 'D:\\proj\\target\\release\\iamc.exe', args: ['lsp'],
  });
  assert.equal(resolveServer({ path: 'iamc', extraArgs: [] }, { ...environment, env: { Path: 'C:\\empty' } }).ok, false);
});
