// Where the `iamc` binary is and how it is started: plain Node, no `vscode` import, so that
// `test/client.test.js` can check it without an editor.

import * as fs from 'fs';
import * as path from 'path';

/** The `iamc.server.*` settings. */
export interface ServerSettings {
  /** `iamc.server.path`: a name looked up on PATH, or a path to the binary. */
  readonly path: string;
  /** `iamc.server.extraArgs`: arguments after `iamc lsp`. */
  readonly extraArgs: readonly string[];
}

/** What the resolution depends on besides the settings (injectable for tests). */
export interface Environment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  /** The first workspace folder, if any: base of relative paths and of `${workspaceFolder}`. */
  readonly workspaceFolder: string | undefined;
  /** Whether `file` is a file this process may execute. */
  readonly isExecutable?: (file: string) => boolean;
}

export type Resolution =
  | { readonly ok: true; readonly command: string; readonly args: string[] }
  | { readonly ok: false; readonly message: string; readonly detail: string };

/** The advice every "not found" message ends with. */
export const INSTALL_HINT =
  'Install it with `cargo install --path . --locked` in the iamc repository, or set `iamc.server.path` to the binary.';

/** Resolves the settings to the command and arguments that start the server over stdio. */
export function resolveServer(settings: ServerSettings, environment: Environment): Resolution {
  const p = environment.platform === 'win32' ? path.win32 : path.posix;
  const isExecutable = environment.isExecutable ?? defaultIsExecutable(environment.platform);
  const args = ['lsp', ...settings.extraArgs];
  const raw = settings.path.trim() === '' ? 'iamc' : settings.path.trim();

  if (raw.includes('${workspaceFolder}') && environment.workspaceFolder === undefined) {
    return {
      ok: false,
      message: `iamc: \`iamc.server.path\` (${raw}) uses \${workspaceFolder}, but no folder is open.`,
      detail: 'Open the folder of your iamc project, or give an absolute path.',
    };
  }
  const expanded = expand(raw, environment);

  if (!expanded.includes('/') && !(environment.platform === 'win32' && expanded.includes('\\'))) {
    // A bare name: search PATH as the shell would.
    const searched = pathDirectories(environment, p);
    for (const dir of searched) {
      for (const candidate of withExtensions(p.join(dir, expanded), environment)) {
        if (isExecutable(candidate)) {
          return { ok: true, command: candidate, args };
        }
      }
    }
    return {
      ok: false,
      message: `iamc: the language server \`${expanded}\` was not found on PATH. ${INSTALL_HINT}`,
      detail: `Searched PATH: ${searched.length === 0 ? '(empty)' : searched.join(p.delimiter)}`,
    };
  }

  let full = expanded;
  if (!p.isAbsolute(expanded)) {
    if (environment.workspaceFolder === undefined) {
      return {
        ok: false,
        message: `iamc: \`iamc.server.path\` (${raw}) is relative, but no folder is open to resolve it from.`,
        detail: 'Open the folder of your iamc project, or give an absolute path.',
      };
    }
    full = p.resolve(environment.workspaceFolder, expanded);
  }
  for (const candidate of withExtensions(full, environment)) {
    if (isExecutable(candidate)) {
      return { ok: true, command: candidate, args };
    }
  }
  return {
    ok: false,
    message: `iamc: the language server \`${full}\` (from \`iamc.server.path\`) does not exist or is not executable. ${INSTALL_HINT}`,
    detail: `Resolved \`${raw}\` to ${full}`,
  };
}

/** `~` and `${workspaceFolder}` expanded. */
function expand(raw: string, environment: Environment): string {
  let out = raw;
  if (environment.workspaceFolder !== undefined) {
    out = out.split('${workspaceFolder}').join(environment.workspaceFolder);
  }
  if (out === '~' || out.startsWith('~/') || (environment.platform === 'win32' && out.startsWith('~\\'))) {
    out = environment.home + out.slice(1);
  }
  return out;
}

function pathDirectories(environment: Environment, p: typeof path.posix): string[] {
  // Windows spells it `Path`; look the name up without regard to case there.
  const key =
    environment.platform === 'win32'
      ? Object.keys(environment.env).find((k) => k.toUpperCase() === 'PATH')
      : 'PATH';
  const value = key === undefined ? undefined : environment.env[key];
  return (value ?? '').split(p.delimiter).filter((d) => d !== '');
}

/** On Windows, `iamc` may be `iamc.exe`, `iamc.cmd`, ...: PATHEXT names the suffixes. */
function withExtensions(file: string, environment: Environment): string[] {
  if (environment.platform !== 'win32') {
    return [file];
  }
  const pathext = (environment.env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter((e) => e !== '');
  const hasOne = pathext.some((e) => file.toUpperCase().endsWith(e.toUpperCase()));
  return hasOne ? [file] : [file, ...pathext.map((e) => file + e.toLowerCase())];
}

function defaultIsExecutable(platform: NodeJS.Platform): (file: string) => boolean {
  return (file) => {
    try {
      if (!fs.statSync(file).isFile()) {
        return false;
      }
      if (platform !== 'win32') {
        fs.accessSync(file, fs.constants.X_OK);
      }
      return true;
    } catch {
      return false;
    }
  };
}
