// The VS Code client: starts `iamc lsp` over stdio for `.iamc` files. Everything the server
// offers (diagnostics, hover, completion, definitions, rename, formatting, code actions,
// inlay hints, code lenses) reaches VS Code through vscode-languageclient; this file only
// finds the binary, starts and restarts it, and says clearly when it cannot.

import * as os from 'os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type Executable,
  type LanguageClientOptions,
} from 'vscode-languageclient/node';
import { resolveServer, type ServerSettings } from './server';

/** Also the prefix of the `iamc.trace.server` setting, which the client reads itself. */
const CLIENT_ID = 'iamc';
const CLIENT_NAME = 'iamc Language Server';

let client: LanguageClient | undefined;
/** Disposed with each client: the file watcher. */
let clientDisposables: vscode.Disposable[] = [];
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
/** Starts and stops run one after the other, however fast commands and settings change. */
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  traceOutput = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand('iamc.restartServer', () => enqueue(restart)),
    vscode.commands.registerCommand('iamc.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('iamc.server')) {
        output.appendLine('iamc.server settings changed: restarting the server.');
        void enqueue(restart);
      }
    }),
  );
  return enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step, step);
  return queue;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

function readSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('iamc');
  return {
    path: config.get<string>('server.path', 'iamc'),
    extraArgs: config.get<string[]>('server.extraArgs', []),
  };
}

async function start(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolved = resolveServer(readSettings(), {
    env: process.env,
    platform: process.platform,
    home: os.homedir(),
    workspaceFolder: folder,
  });
  if (!resolved.ok) {
    output.appendLine(resolved.message);
    output.appendLine(resolved.detail);
    void offerHelp(resolved.message);
    return;
  }

  const server: Executable = {
    command: resolved.command,
    args: resolved.args,
    ...(folder === undefined ? {} : { options: { cwd: folder } }),
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{*.iamc,iamc.toml}');
  clientDisposables.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'iamc' },
      { scheme: 'untitled', language: 'iamc' },
    ],
    // Files of the project that are not open are read by the server from disk: tell it when
    // they change.
    synchronize: { fileEvents: watcher },
    outputChannel: output,
    traceOutputChannel: traceOutput,
  };
  output.appendLine(`Starting ${resolved.command} ${resolved.args.join(' ')}`);
  const started = new LanguageClient(CLIENT_ID, CLIENT_NAME, server, clientOptions);
  client = started;
  try {
    await started.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output.appendLine(`The server did not start: ${reason}`);
    void offerHelp(
      `iamc: \`${resolved.command} ${resolved.args.join(' ')}\` did not start (${reason}). ` +
        'Is this iamc recent enough to have the `lsp` command? See the output for details.',
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop(2000);
    } catch (error) {
      output.appendLine(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const d of clientDisposables) {
    d.dispose();
  }
  clientDisposables = [];
}

async function offerHelp(message: string): Promise<void> {
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  const choice = await vscode.window.showErrorMessage(message, openSettings, showOutput);
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'iamc.server');
  } else if (choice === showOutput) {
    output.show(true);
  }
}
