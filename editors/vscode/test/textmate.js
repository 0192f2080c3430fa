// Loads syntaxes/iamc.tmLanguage.json with the engine VS Code itself uses (vscode-textmate on
// the Oniguruma regex library compiled to WebAssembly) and tokenizes text with it.

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR_PATH = path.join(__dirname, '..', 'syntaxes', 'iamc.tmLanguage.json');
const SCOPE = 'source.iamc';
/** No rule of the grammar matches this character: its scopes are those left open. */
const PROBE = '\u00a7';

let grammarPromise;

/** The grammar, loaded once per process. */
function loadGrammar() {
  if (grammarPromise === undefined) {
    grammarPromise = (async () => {
      const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
      await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
          createOnigString: (s) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName) =>
          scopeName === SCOPE
            ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH)
            : null,
      });
      const grammar = await registry.loadGrammar(SCOPE);
      if (grammar === null) {
        throw new Error(`${GRAMMAR_PATH}: no grammar for ${SCOPE}`);
      }
      return grammar;
    })();
  }
  return grammarPromise;
}

/** The lines of a file, without their line terminators. */
function splitLines(text) {
  return text.split(/\r?\n/);
}

/**
 * Tokenizes `lines` one after the other, as an editor does. For each line: its tokens
 * (`start`, `end` in UTF-16 code units, `scopes` outermost first) and `open`, the scopes still
 * open at its end (what the next line starts inside).
 */
function tokenizeLines(grammar, lines) {
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state, 0);
    if (r.stoppedEarly) {
      throw new Error(`tokenizing stopped early on: ${line}`);
    }
    const tokens = r.tokens.map((t, i) => ({
      start: t.startIndex,
      end: i + 1 < r.tokens.length ? r.tokens[i + 1].startIndex : Math.max(line.length, t.startIndex),
      scopes: t.scopes,
    }));
    state = r.ruleStack;
    out.push({ text: line, tokens, open: openScopes(grammar, state) });
  }
  return out;
}

/** The scopes open in `state`: those of a character no rule matches. */
function openScopes(grammar, state) {
  const r = grammar.tokenizeLine(PROBE, state, 0);
  return r.tokens.length === 0 ? [SCOPE] : r.tokens[0].scopes;
}

/** The scopes of the character at `column` (UTF-16) of a tokenized line. */
function scopesAt(line, column) {
  const t = line.tokens.find((x) => x.start <= column && column < x.end);
  return t === undefined ? [] : t.scopes;
}

/** Whether `scope` is `wanted` or one of its refinements (`keyword.control` ~ `keyword.control.use.iamc`). */
function scopeMatches(scope, wanted) {
  return scope === wanted || scope.startsWith(`${wanted}.`);
}

module.exports = { loadGrammar, splitLines, tokenizeLines, scopesAt, scopeMatches, SCOPE, GRAMMAR_PATH };
