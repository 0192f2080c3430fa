// Tests of syntaxes/iamc.tmLanguage.json, run with `node --test test/grammar.test.js` (or
// `npm test`; `cargo test editors` runs them too, with the parser's tokens):
//
// 1. fixtures: test/fixtures/*.iamc carry caret annotations, as in VS Code's own grammar tests:
//        allow s3:GetObject on *
//    //  ^^^^^ keyword.control.effect.allow.iamc
//    //        ^^^^^^^^^^^^ support.function.action.iamc - variable
//    A `^` marks the column above it; `<---` marks the first columns (as many as dashes). Each
//    scope after the carets must be on every marked character (exactly or as a prefix ending
//    at a dot); a scope after ` - ` must not. Annotation lines are not fed to the grammar.
// 2. every keyword, quantifier, principal function and operator of grammar/iamc.pest is
//    asserted somewhere in the fixtures with a keyword-like scope;
// 3. every .iamc file of the repository: no string or comment runs past its line; outside the
//    malformed syntax corpus, no `invalid` scope, every character outside whitespace is
//    classified (a scope besides source.iamc and meta.*), and every region closes by the end;
// 4. with IAMC_PARSER_TOKENS (written by tests/it/editors.rs): each token the real parser
//    reports, and each comment the compiler's comment scanner finds, has the scope its kind
//    calls for, and the scopes of test/oracle.js (and comments) are on no other character.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const tm = require('./textmate');
const oracle = require('./oracle');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
/** Deliberately broken input: only the leak check applies. */
const MALFORMED = [/^tests\/malformed\/syntax\//, /^editors\/vscode\/test\/fixtures\/invalid[^/]*\.iamc$/];

const ASSERTION = /^\s*\/\/\s*(?:(<-+)|(\^+))\s*(.*)$/;

/** The annotations of a fixture, and its source lines (annotation lines removed). */
function parseFixture(text, file) {
  const source = [];
  const assertions = [];
  tm.splitLines(text).forEach((line, i) => {
    const m = ASSERTION.exec(line);
    if (m === null) {
      source.push({ text: line, fileLine: i + 1 });
      return;
    }
    if (source.length === 0) {
      throw new Error(`${file}:${i + 1}: an assertion before any source line`);
    }
    const [from, to] =
      m[1] !== undefined ? [0, m[1].length - 1] : [line.indexOf('^'), line.indexOf('^') + m[2].length];
    const words = m[3].trim().split(/\s+/).filter((w) => w !== '');
    const dash = words.indexOf('-');
    const want = dash === -1 ? words : words.slice(0, dash);
    const never = dash === -1 ? [] : words.slice(dash + 1);
    if (want.length + never.length === 0) {
      throw new Error(`${file}:${i + 1}: an assertion without scopes`);
    }
    assertions.push({ sourceIndex: source.length - 1, from, to, want, never, fileLine: i + 1 });
  });
  return { source, assertions };
}

function fixtureFiles() {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.iamc'))
    .sort()
    .map((f) => path.join(FIXTURES, f));
}

/** Every .iamc file under the repository, as paths relative to it with `/`. */
function repositoryFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!['target', 'node_modules', '.git', 'out'].includes(e.name)) {
          walk(path.join(dir, e.name));
        }
      } else if (e.name.endsWith('.iamc')) {
        out.push(path.relative(ROOT, path.join(dir, e.name)).split(path.sep).join('/'));
      }
    }
  };
  walk(ROOT);
  return out.sort();
}

const describeScopes = (scopes) => scopes.filter((s) => s !== tm.SCOPE).join(' ') || '(none)';

test('fixtures: every caret annotation holds', async () => {
  const grammar = await tm.loadGrammar();
  const files = fixtureFiles();
  assert.ok(files.length >= 6, `only ${files.length} fixtures`);
  const failures = [];
  let checked = 0;
  for (const file of files) {
    const { source, assertions } = parseFixture(fs.readFileSync(file, 'utf8'), file);
    assert.ok(assertions.length > 0, `${file} has no assertion`);
    const lines = tm.tokenizeLines(grammar, source.map((s) => s.text));
    for (const a of assertions) {
      const line = lines[a.sourceIndex];
      if (a.to > line.text.length) {
        failures.push(`${path.basename(file)}:${a.fileLine}: the carets reach past the line above`);
        continue;
      }
      for (let col = a.from; col < a.to; col++) {
        const scopes = tm.scopesAt(line, col);
        const missing = a.want.filter((w) => !scopes.some((s) => tm.scopeMatches(s, w)));
        const present = a.never.filter((w) => scopes.some((s) => tm.scopeMatches(s, w)));
        if (missing.length + present.length > 0) {
          failures.push(
            `${path.basename(file)}:${a.fileLine} column ${col + 1} (${JSON.stringify(line.text[col])} in ` +
              `${JSON.stringify(line.text.slice(a.from, a.to))}): ` +
              (missing.length > 0 ? `missing ${missing.join(' ')}; ` : '') +
              (present.length > 0 ? `unwanted ${present.join(' ')}; ` : '') +
              `has ${describeScopes(scopes)}`,
          );
          break;
        }
        checked++;
      }
    }
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
  assert.ok(checked > 500, `only ${checked} characters checked`);
});

/** The words and operators of grammar/iamc.pest that must be highlighted as such. */
function pestKeywords() {
  const pest = fs.readFileSync(path.join(ROOT, 'grammar', 'iamc.pest'), 'utf8');
  const rules = new Map();
  for (const m of pest.matchAll(/^(\w+)\s*=\s*[_@$]?\{(.*)\}\s*$/gm)) {
    rules.set(m[1], m[2]);
  }
  const words = new Set();
  for (const [name, body] of rules) {
    if (!/^(kw_\w+|quantifier|principal_fn|sid|op_\w+)$/.test(name)) {
      continue;
    }
    // Words and operators; `principal_fn`'s lookahead `&"("` is neither.
    const literals = [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]).filter((l) => /^(@?\w+|[=!<>]=?)$/.test(l));
    if (literals.length > 0) {
      // `sid = { "@sid" ~ lparen ~ string ~ rparen }`: the first literal is the keyword.
      (name === 'sid' ? literals.slice(0, 1) : literals).forEach((w) => words.add(w));
    } else {
      // `op_not_like = { kw_not ~ kw_like }`: the words of the keywords it is made of.
      const parts = [...body.matchAll(/\bkw_(\w+)/g)].map((m) => rules.get(`kw_${m[1]}`));
      words.add(parts.map((b) => /"([^"]+)"/.exec(b)[1]).join(' '));
    }
  }
  return [...words].sort();
}

test('fixtures: every keyword and operator of grammar/iamc.pest is asserted', async () => {
  const words = pestKeywords();
  assert.ok(words.length >= 45, `only ${words.length} words found in iamc.pest`);
  const asserted = [];
  for (const file of fixtureFiles()) {
    const { source, assertions } = parseFixture(fs.readFileSync(file, 'utf8'), file);
    for (const a of assertions) {
      asserted.push({
        text: source[a.sourceIndex].text.slice(a.from, a.to).trim().replace(/\s+/g, ' '),
        scopes: a.want,
      });
    }
  }
  const keywordLike = /^(keyword|storage\.type|support\.function\.principal|constant\.language)\b/;
  const missing = words.filter(
    // `if` and `may` are asserted as part of `if exists` and `may allow`.
    (w) => !asserted.some((a) => (a.text === w || a.text.split(' ').includes(w)) && a.scopes.some((s) => keywordLike.test(s))),
  );
  assert.deepEqual(missing, [], `iamc.pest words with no keyword assertion in the fixtures: ${missing.join(', ')}`);
});

test('every .iamc file of the repository tokenizes cleanly', async () => {
  const grammar = await tm.loadGrammar();
  const files = repositoryFiles();
  assert.ok(files.length >= 200, `only ${files.length} files found under ${ROOT}`);
  const failures = [];
  let lineCount = 0;
  for (const rel of files) {
    const malformed = MALFORMED.some((re) => re.test(rel));
    const lines = tm.tokenizeLines(grammar, tm.splitLines(fs.readFileSync(path.join(ROOT, rel), 'utf8')));
    lineCount += lines.length;
    lines.forEach((line, i) => {
      const where = `${rel}:${i + 1}`;
      const leaked = line.open.filter((s) => s.startsWith('string') || s.startsWith('comment'));
      if (leaked.length > 0) {
        failures.push(`${where}: ${leaked.join(' ')} runs past the end of the line`);
      }
      if (malformed) {
        return;
      }
      for (const t of line.tokens) {
        const text = line.text.slice(t.start, t.end);
        if (t.scopes.some((s) => s.startsWith('invalid'))) {
          failures.push(`${where}:${t.start + 1}: ${JSON.stringify(text)} is ${describeScopes(t.scopes)}`);
        }
        const classified = t.scopes.some((s) => s !== tm.SCOPE && !s.startsWith('meta.'));
        if (!classified && text.trim() !== '') {
          failures.push(`${where}:${t.start + 1}: ${JSON.stringify(text)} has no scope (${describeScopes(t.scopes)})`);
        }
      }
    });
    const last = lines[lines.length - 1];
    if (!malformed && last !== undefined && last.open.join(' ') !== tm.SCOPE) {
      failures.push(`${rel}: ends inside ${describeScopes(last.open)}`);
    }
  }
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} problems:\n${failures.slice(0, 40).join('\n')}`);
  assert.ok(lineCount > 2000, `only ${lineCount} lines`);
});

test('the grammar gives every token the parser knows its scope, and no other text', async (t) => {
  const tokensFile = process.env.IAMC_PARSER_TOKENS;
  if (tokensFile === undefined || tokensFile === '') {
    t.skip('IAMC_PARSER_TOKENS is not set: `cargo test editors` writes the parser tokens and runs this');
    return;
  }
  const grammar = await tm.loadGrammar();
  const { files } = JSON.parse(fs.readFileSync(tokensFile, 'utf8'));
  const failures = [];
  let tokenCount = 0;
  let fileCount = 0;
  for (const file of files) {
    if (file.tokens === null) {
      continue;
    }
    fileCount++;
    const lines = tm.tokenizeLines(grammar, tm.splitLines(fs.readFileSync(path.join(ROOT, file.path), 'utf8')));
    // What the parser says each character is (UTF-16 columns), to check the other direction.
    const claimed = lines.map((l) => Array.from({ length: l.text.length }, () => new Set()));
    for (const tok of file.tokens) {
      tokenCount++;
      const line = lines[tok.line];
      const text = line.text.slice(tok.start, tok.end);
      const scope = oracle.expectedScope(tok.kind, text);
      const indent = line.text.length - line.text.trimStart().length;
      for (let col = Math.max(tok.start, indent); col < tok.end; col++) {
        claimed[tok.line][col].add(scope);
        const scopes = tm.scopesAt(line, col);
        if (!oracle.carries(scopes, scope)) {
          failures.push(
            `${file.path}:${tok.line + 1}:${col + 1}: the parser's ${tok.kind} ${JSON.stringify(text)} ` +
              `should be ${scope}, is ${describeScopes(scopes)}`,
          );
          break;
        }
      }
    }
    lines.forEach((line, i) => {
      for (const t of line.tokens) {
        for (const scope of oracle.claims(t.scopes)) {
          for (let col = t.start; col < t.end; col++) {
            if (line.text[col].trim() !== '' && !claimed[i][col].has(scope)) {
              failures.push(
                `${file.path}:${i + 1}:${col + 1}: ${JSON.stringify(line.text.slice(t.start, t.end))} is ${scope}, ` +
                  'which the parser does not say',
              );
              break;
            }
          }
        }
      }
    });
  }
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} disagreements:\n${failures.slice(0, 40).join('\n')}`);
  assert.ok(fileCount >= 150 && tokenCount >= 5000, `only ${tokenCount} tokens in ${fileCount} files`);
});
