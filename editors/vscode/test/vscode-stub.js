// A stand-in for the `vscode` module, so that out/extension.js and vscode-languageclient run
// in plain node: settings, output channels, messages and commands are recorded; every other
// registration returns a disposable that does nothing. Requiring this module installs it.

'use strict';

const Module = require('node:module');

const disposable = () => ({ dispose() {} });

class Disposable {
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  dispose() {
    this.onDispose?.();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return disposable();
    };
  }
  fire(value) {
    this.listeners.forEach((l) => l(value));
  }
  dispose() {}
}

/** Code action kinds are values the client builds with `append` (`quickfix`, `refactor.x`). */
class CodeActionKind {
  constructor(value) {
    this.value = value;
  }
  append(part) {
    return new CodeActionKind(this.value === '' ? part : `${this.value}.${part}`);
  }
  contains(other) {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other) {
    return this.contains(other) || other.contains(this);
  }
}
CodeActionKind.Empty = new CodeActionKind('');
for (const [name, value] of Object.entries({
  QuickFix: 'quickfix',
  Refactor: 'refactor',
  RefactorExtract: 'refactor.extract',
  RefactorInline: 'refactor.inline',
  RefactorMove: 'refactor.move',
  RefactorRewrite: 'refactor.rewrite',
  Source: 'source',
  SourceOrganizeImports: 'source.organizeImports',
  SourceFixAll: 'source.fixAll',
  Notebook: 'notebook',
})) {
  CodeActionKind[name] = new CodeActionKind(value);
}

/** `target`, where any other property is a function returning a disposable. */
const registrations = (target) =>
  new Proxy(target, { get: (t, p) => (p in t ? t[p] : () => disposable()) });

let current;

/**
 * Starts a scene: `settings` maps `iamc.server.path` and the like to values, `workspaceFolder`
 * is the open folder (or undefined). What the extension then does lands in the returned record.
 */
function scene({ settings, workspaceFolder }) {
  current = {
    settings,
    workspaceFolder,
    record: { output: [], errors: [], commands: new Map(), configurationListeners: [] },
  };
  return current.record;
}

const vscode = {
  Disposable,
  EventEmitter,
  CodeActionKind,
  CancellationTokenSource: class {
    constructor() {
      this.token = { isCancellationRequested: false, onCancellationRequested: () => disposable() };
    }
    cancel() {}
    dispose() {}
  },
  Uri: {
    file: (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}` }),
    parse: (s) => ({ toString: () => s }),
  },
  version: '1.82.0',
  env: { language: 'en', appName: 'stub', machineId: 'stub', sessionId: 'stub', uiKind: 1 },
  UIKind: { Desktop: 1, Web: 2 },
  window: registrations({
    createOutputChannel: (name) => ({
      name,
      append() {},
      appendLine: (line) => current.record.output.push(`${name}: ${line}`),
      show() {},
      clear() {},
      replace() {},
      dispose() {},
    }),
    showErrorMessage: async (message, ...items) => {
      current.record.errors.push({ message, items });
      return undefined;
    },
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    visibleTextEditors: [],
    activeTextEditor: undefined,
    tabGroups: { all: [], onDidChangeTabs: () => disposable() },
  }),
  commands: registrations({
    registerCommand: (id, callback) => {
      current.record.commands.set(id, callback);
      return disposable();
    },
    executeCommand: async () => undefined,
  }),
  workspace: registrations({
    getConfiguration: (section) => ({
      get: (key, fallback) => {
        const v = current.settings[section ? `${section}.${key}` : key];
        return v === undefined ? fallback : v;
      },
    }),
    onDidChangeConfiguration: (listener) => {
      current.record.configurationListeners.push(listener);
      return disposable();
    },
    get workspaceFolders() {
      const folder = current.workspaceFolder;
      return folder === undefined
        ? undefined
        : [{ uri: { fsPath: folder, toString: () => `file://${folder}` }, name: 'w', index: 0 }];
    },
    textDocuments: [],
    notebookDocuments: [],
    createFileSystemWatcher: () => ({
      onDidCreate: () => disposable(),
      onDidChange: () => disposable(),
      onDidDelete: () => disposable(),
      dispose() {},
    }),
  }),
  languages: registrations({}),
  extensions: registrations({ all: [] }),
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') {
    return new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : class {}) });
  }
  return load.call(this, request, ...rest);
};

module.exports = { scene };
