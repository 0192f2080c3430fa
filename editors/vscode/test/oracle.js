// The scope the grammar must give each kind of token the parser reports
// (tests/it/editors.rs writes them: `cargo test editors`).

'use strict';

/** Keywords and operators, by their text (whitespace inside collapsed to one space). */
const KEYWORDS = {
  import: 'keyword.control.import.iamc',
  as: 'keyword.control.as.iamc',
  const: 'storage.type.const.iamc',
  template: 'storage.type.template.iamc',
  policy: 'storage.type.policy.iamc',
  boundary: 'storage.type.boundary.iamc',
  trust: 'storage.type.trust.iamc',
  scp: 'storage.type.scp.iamc',
  rcp: 'storage.type.rcp.iamc',
  resource: 'storage.type.resource.iamc',
  principal: 'storage.type.principal.iamc',
  prove: 'storage.type.prove.iamc',
  use: 'keyword.control.use.iamc',
  allow: 'keyword.control.effect.allow.iamc',
  deny: 'keyword.control.effect.deny.iamc',
  on: 'keyword.control.on.iamc',
  from: 'keyword.control.from.iamc',
  when: 'keyword.control.when.iamc',
  except: 'keyword.control.except.iamc',
  allows: 'keyword.control.verdict.allows.iamc',
  denies: 'keyword.control.verdict.denies.iamc',
  'may allow': 'keyword.control.verdict.may-allow.iamc',
  within: 'keyword.control.within.iamc',
  equivalent: 'keyword.control.equivalent.iamc',
  not: 'keyword.operator.logical.iamc',
  and: 'keyword.operator.logical.iamc',
  or: 'keyword.operator.logical.iamc',
  like: 'keyword.operator.word.iamc',
  in: 'keyword.operator.word.iamc',
  'not like': 'keyword.operator.word.iamc',
  'not in': 'keyword.operator.word.iamc',
  exists: 'keyword.operator.exists.iamc',
  'if exists': 'keyword.operator.if-exists.iamc',
  '?': 'keyword.operator.if-exists.iamc',
  any: 'keyword.operator.quantifier.iamc',
  all: 'keyword.operator.quantifier.iamc',
  '==': 'keyword.operator.comparison.iamc',
  '!=': 'keyword.operator.comparison.iamc',
  '<': 'keyword.operator.comparison.iamc',
  '<=': 'keyword.operator.comparison.iamc',
  '>': 'keyword.operator.comparison.iamc',
  '>=': 'keyword.operator.comparison.iamc',
};

const KINDS = {
  doc: 'comment.line.documentation.iamc',
  sid: 'storage.type.annotation.iamc',
  'const-name': 'entity.name.constant.iamc',
  'template-name': 'entity.name.function.iamc',
  'use-template': 'entity.name.function.iamc',
  'document-name': 'entity.name.type.iamc',
  'principal-name': 'entity.name.type.iamc',
  target: 'entity.name.type.iamc',
  namespace: 'entity.name.namespace.iamc',
  'import-name': 'variable.other.import.iamc',
  type: 'support.type.iamc',
  param: 'variable.parameter.iamc',
  arg: 'variable.parameter.iamc',
  field: 'variable.other.property.iamc',
  string: 'string.quoted.double.iamc',
  arn: 'string.quoted.double.arn.iamc',
  tag: 'storage.type.string.iamc',
  'policy-variable': 'variable.language.policy-variable.iamc',
  name: 'variable.other.iamc',
  env: 'variable.language.env.iamc',
  number: 'constant.numeric.iamc',
  bool: 'constant.language.boolean.iamc',
  wildcard: 'constant.language.wildcard.iamc',
  action: 'support.function.action.iamc',
  'principal-fn': 'support.function.principal.iamc',
  builtin: 'support.function.builtin.iamc',
  key: 'support.variable.condition-key.iamc',
};

/** Comments are claimed as a family: `comment.line.double-slash` or `.documentation`. */
const COMMENT = 'comment';

/** The scope a parser token of `kind` whose text is `text` must carry, or throws. */
function expectedScope(kind, text) {
  if (kind === 'comment') {
    return COMMENT;
  }
  if (kind === 'keyword') {
    const scope = KEYWORDS[text.trim().replace(/\s+/g, ' ')];
    if (scope === undefined) {
      throw new Error(`no scope for the keyword ${JSON.stringify(text)}`);
    }
    return scope;
  }
  if (kind === 'tagged') {
    // `cidr"..."`: the prefix names the literal.
    return `string.quoted.double.${text.slice(0, text.indexOf('"'))}.iamc`;
  }
  const scope = KINDS[kind];
  if (scope === undefined) {
    throw new Error(`unknown token kind ${kind}`);
  }
  return scope;
}

/**
 * The scopes that only parser tokens may carry: a character with one of them must lie in a
 * parser token that expects it. Left out: doc comments (the parser attaches `///` lines only
 * to a declaration that follows, which a line-by-line grammar cannot see) and policy
 * variables (the grammar also marks `${...}` in plain strings and condition keys, where the
 * parser keeps it as text).
 */
const CLAIMED = new Set(
  [...Object.values(KEYWORDS), ...Object.values(KINDS), 'string.quoted.double.cidr.iamc',
    'string.quoted.double.ip.iamc', 'string.quoted.double.date.iamc'].filter(
    (s) => s !== KINDS.doc && s !== KINDS['policy-variable'],
  ),
);

/** Whether `scopes` (of one character) carry `expected` (exactly, or as the comment family). */
function carries(scopes, expected) {
  return expected === COMMENT ? scopes.some((s) => s.startsWith('comment.')) : scopes.includes(expected);
}

/** What the grammar claims a character with `scopes` is: scopes of CLAIMED, and comments. */
function claims(scopes) {
  const out = scopes.filter((s) => CLAIMED.has(s));
  return scopes.some((s) => s.startsWith('comment.')) ? [...out, COMMENT] : out;
}

module.exports = { expectedScope, carries, claims, KEYWORDS };
