//! Conditions: `and`/`or` chains that break before their operators, and the fewest
//! parentheses that give back the same tree.
//!
//! The parser builds left-nested chains (`a and b and c` is `(a and b) and c`), `not` binds
//! tighter than `and`, which binds tighter than `or`. So parentheses are printed exactly
//! where the tree differs from what precedence and left nesting would rebuild: an `or` under
//! an `and` or a `not`, an `and` under a `not`, and a chain as the *right* operand of the
//! same operator. Left operands of the same operator are flattened into the chain, up to
//! the parser's limit on chain length.

use super::doc::{anchor, concat, group, indent, text, Doc};
use super::Walk;
use crate::syntax::ast::{CompareOp, Cond, CondKind, Expr, KeyRef, Quantifier};
use crate::syntax::MAX_CHAIN;

/// The operator of a chain.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
}

impl Op {
    fn of(c: &Cond) -> Option<(Op, &Cond, &Cond)> {
        match &c.kind {
            CondKind::And(l, r) => Some((Op::And, l, r)),
            CondKind::Or(l, r) => Some((Op::Or, l, r)),
            _ => None,
        }
    }

    fn keyword(self) -> &'static str {
        match self {
            Op::And => "and",
            Op::Or => "or",
        }
    }
}

/// Where an operand sits, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The whole condition after `when`.
    Top,
    /// An operand of an `and` or `or` chain.
    Chain(Op),
    /// The operand of `not`.
    Not,
}

impl Walk<'_> {
    /// A whole condition (after `when`). Broken chains put each operator at the start of a
    /// line indented one level from the condition's first line.
    pub(super) fn cond(&mut self, c: &Cond) -> Doc {
        self.operand(c, Context::Top)
    }

    fn operand(&mut self, c: &Cond, ctx: Context) -> Doc {
        let parens = match (Op::of(c), ctx) {
            (None, _) | (Some(_), Context::Top) => false,
            (Some(_), Context::Not) => true,
            (Some((op, ..)), Context::Chain(outer)) => op == outer || op == Op::Or,
        };
        if parens {
            // The tree needs the parentheses, so the author wrote them and the node's span
            // starts at `(` and ends after `)`.
            let inner = self.then(self.first_token(c), text(""), |w| w.bare(c));
            return concat(vec![text("("), inner, text(")")]);
        }
        self.bare(c)
    }

    /// Where the first token inside a parenthesised condition starts.
    fn first_token(&self, c: &Cond) -> usize {
        self.trivia.token_after(c.span.start as usize + 1)
    }

    /// A condition without parentheses around it.
    fn bare(&mut self, c: &Cond) -> Doc {
        match &c.kind {
            CondKind::And(..) | CondKind::Or(..) => self.chain(c),
            CondKind::Not(inner) => {
                let start = inner.span.start as usize;
                let d = self.then(start, text(" "), |w| w.operand(inner, Context::Not));
                concat(vec![text("not"), d])
            }
            CondKind::Key(k) => self.key(k),
            CondKind::Compare { key, op, value } => self.comparison(key, op.node, value),
            CondKind::Quantified {
                quantifier,
                key,
                op,
                value,
            } => {
                let q = match quantifier.node {
                    Quantifier::Any => "any ",
                    Quantifier::All => "all ",
                };
                concat(vec![text(q), self.comparison(key, op.node, value)])
            }
            CondKind::Exists(k) => concat(vec![text("exists("), self.key(k), text(")")]),
            CondKind::Literal(b) => text(if *b { "true" } else { "false" }),
        }
    }

    /// `key op value`, with ` if exists` if the author wrote it.
    fn comparison(&mut self, key: &KeyRef, op: CompareOp, value: &Expr) -> Doc {
        concat(vec![
            self.key(key),
            text(" "),
            text(op.as_str()),
            self.then(value.span.start as usize, text(" "), |w| w.expr(value)),
            self.if_exists_suffix(key, value.span.end as usize),
        ])
    }

    /// A key as written, with its `?` if it has one.
    fn key(&self, k: &KeyRef) -> Doc {
        let name = self.src(k.name.span);
        let question = k.if_exists.is_some_and(|s| self.src(s) == "?");
        text(if question {
            format!("{name}?")
        } else {
            name.to_string()
        })
    }

    /// ` if exists` when the author wrote it after the value (alone or besides a `?`).
    fn if_exists_suffix(&self, k: &KeyRef, value_end: usize) -> Doc {
        let next = self.trivia.token_after(value_end);
        let written = k.if_exists.is_some()
            && self.trivia.slice(next, next + 2) == "if"
            && !self
                .trivia
                .slice(next + 2, next + 3)
                .starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_');
        text(if written { " if exists" } else { "" })
    }

    /// An `and` or `or` chain: flat if it fits, otherwise one operand per line with the
    /// operator first.
    fn chain(&mut self, c: &Cond) -> Doc {
        let Some((op, ..)) = Op::of(c) else {
            return self.bare(c);
        };
        let operands = flatten(c, op);
        let mut first = Doc::Text(String::new());
        let mut rest = Vec::new();
        let mut prev_end = 0;
        for (i, o) in operands.iter().enumerate() {
            if i == 0 {
                first = self.operand(o, Context::Chain(op));
            } else {
                let kw = self.trivia.token_after(prev_end);
                rest.push(self.trivia.separator(kw, Doc::Line));
                rest.push(text(op.keyword()));
                let start = o.span.start as usize;
                rest.push(self.then(start, text(" "), |w| w.operand(o, Context::Chain(op))));
            }
            prev_end = o.span.end as usize;
        }
        // Continuation lines are indented from the line the chain starts on, which is not
        // the `when` line when a comment after `when` pushed the chain to the next one.
        anchor(group(concat(vec![first, indent(concat(rest))])))
    }
}

/// The operands of the chain of `op` rooted at `c`, left to right: the left spine is
/// flattened (the parser nests to the left), but never into more operands than the parser
/// accepts in one chain; what is left over stays one parenthesised operand.
fn flatten(c: &Cond, op: Op) -> Vec<&Cond> {
    let mut rights = Vec::new();
    let mut cur = c;
    while let Some((o, l, r)) = Op::of(cur) {
        if o != op || rights.len() + 1 >= MAX_CHAIN {
            break;
        }
        rights.push(r);
        cur = l;
    }
    let mut out = Vec::with_capacity(rights.len() + 1);
    out.push(cur);
    out.extend(rights.into_iter().rev());
    out
}
