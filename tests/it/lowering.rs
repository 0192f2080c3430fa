//! Lowering is exact: a differential test of the emitted JSON against two oracles.
//!
//! 1. A source-level oracle. Random conditions are generated as a small model, printed as
//!    source text and run through the real front end (parse, resolve, check, lower); the
//!    lowered documents are written to JSON, read back (so entries the JSON writer groups
//!    are judged the way IAM reads them), and decided by the evaluation engine as an
//!    `Allow` statement and as a `Deny` statement under an allow-everything one. The oracle
//!    interprets the model directly: its own table of the IAM operator each comparison
//!    means (docs/lowering.md, "Operators"), `k?` / `if exists` as "absent, or the test"
//!    (the general IfExists rule, IAM User Guide, "Condition operators"), and `not`, `and`,
//!    `or` as booleans. The engine decides one condition entry at a time
//!    (`CompiledCondition::holds`), never a lowered formula, so the checker's operator choice
//!    is judged as well as the lowering.
//! 2. An IR-level oracle: the checked `CondExpr`, evaluated atom by atom the same way,
//!    against the same JSON, and a second generator that builds `CondExpr`s directly with
//!    operator forms the checker never writes. A mismatch only under (1) is the checker's.
//!
//! Each formula is also compiled with every `and` shuffled: the same conjuncts in another
//! order must report the same lowering diagnostics (and, being judged by the oracle, mean
//! the same).
//!
//! Request contexts: every key a formula names, absent or carrying values equal to, between
//! and outside its literals, empty strings, and for the multivalued key empty lists, lists
//! of empty strings and mixed lists. Typed keys (`Bool`, `Numeric`, `Date`, `IpAddress`)
//! carry well-formed values only: AWS fills them, and the complements in docs/lowering.md
//! are exact for values of the key's type (`not (k < 5)` is `NumericGreaterThanEquals`,
//! which a non-number would fail).

use iamc::check::ir::{Atom as IrAtom, CondExpr};
use iamc::diagnostics::Code;
use iamc::eval::condition::CompiledCondition;
use iamc::eval::{evaluate, Context, ContextValue, Outcome, PolicySet, Request};
use iamc::policy::json::Layout;
use iamc::policy::{self, Condition, Effect, Matcher, Operator, Statement, Version};
use iamc::source::{Origin, Sources, Span, Spanned};
use std::collections::BTreeSet;

// ---- the one use of the compiler's entry point ------------------------------------------

/// One compiled batch: per document name, its checked rules' conditions, its lowered
/// document, and the codes of the diagnostics located inside it.
struct Compiled {
    documents: Vec<CompiledDoc>,
}

struct CompiledDoc {
    name: String,
    /// The condition of each rule, in order (`None`: unconditional).
    conditions: Vec<Option<CondExpr>>,
    document: policy::Document,
    codes: BTreeSet<Code>,
}

/// Compiles one source text with the standard library. The only place this module calls
/// the library's entry point (`analyze`), so adapting to another is one edit.
fn compile_source(text: &str) -> Compiled {
    let mut sources = Sources::new();
    let file = sources.add(
        "main.iamc",
        "main",
        Origin::Memory("main.iamc".into()),
        text,
    );
    iamc::stdlib::add_to(&mut sources);
    let c = iamc::analyze(&sources, &iamc::AnalyzeOptions::default());
    let mut documents = Vec::new();
    for out in c.user_documents() {
        let Some(ir) = c
            .program
            .documents
            .iter()
            .find(|d| d.name.node == out.name && d.name.span.file == file)
        else {
            continue;
        };
        let codes = c
            .diagnostics
            .iter()
            .filter(|d| ir.span.contains(d.primary))
            .map(|d| d.code)
            .collect();
        documents.push(CompiledDoc {
            name: out.name.clone(),
            conditions: ir.rules.iter().map(|r| r.condition.clone()).collect(),
            document: out.document.clone(),
            codes,
        });
    }
    // A diagnostic outside every generated document is a generator bug.
    let stray: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| {
            !c.program
                .documents
                .iter()
                .any(|doc| doc.span.contains(d.primary))
        })
        .collect();
    assert!(stray.is_empty(), "diagnostics outside documents: {stray:?}");
    Compiled { documents }
}

// ---- keys, literals and request values ---------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Str,
    Arn,
    Bool,
    Num,
    Date,
    Ip,
    /// A multivalued `String` key.
    List,
}

/// A request value for one key.
#[derive(Clone, Copy, Debug)]
enum V {
    Absent,
    One(&'static str),
    Many(&'static [&'static str]),
}

struct KeySpec {
    /// Spellings of the key (IAM compares key names ignoring case).
    names: &'static [&'static str],
    ty: Ty,
    /// (source literal, the IAM value it stands for).
    lits: &'static [(&'static str, &'static str)],
    values: &'static [V],
}

const TEAM: usize = 0;

const KEYS: &[KeySpec] = &[
    KeySpec {
        names: &["aws:PrincipalTag/team", "aws:principaltag/team"],
        ty: Ty::Str,
        lits: &[
            ("\"dev\"", "dev"),
            ("\"ops\"", "ops"),
            ("\"qa\"", "qa"),
            ("\"\"", ""),
            ("\"d*\"", "d*"),
            ("\"*s\"", "*s"),
        ],
        values: &[
            V::Absent,
            V::One(""),
            V::One("dev"),
            V::One("ops"),
            V::One("qa"),
            V::One("ds"),
            V::One("d*"),
            V::One("x"),
        ],
    },
    KeySpec {
        names: &["aws:SourceVpce"],
        ty: Ty::Str,
        lits: &[
            ("\"vpce-1\"", "vpce-1"),
            ("\"vpce-2\"", "vpce-2"),
            ("\"vpce-*\"", "vpce-*"),
            ("\"${aws:username}\"", "${aws:username}"),
        ],
        values: &[
            V::Absent,
            V::One(""),
            V::One("vpce-1"),
            V::One("vpce-2"),
            V::One("vpce-3"),
        ],
    },
    KeySpec {
        names: &["aws:PrincipalArn"],
        ty: Ty::Arn,
        lits: &[
            (
                "arn\"arn:aws:iam::111122223333:role/a\"",
                "arn:aws:iam::111122223333:role/a",
            ),
            (
                "arn\"arn:aws:iam::111122223333:role/*\"",
                "arn:aws:iam::111122223333:role/*",
            ),
            ("arn\"arn:aws:iam::*:role/b\"", "arn:aws:iam::*:role/b"),
        ],
        values: &[
            V::Absent,
            V::One(""),
            V::One("arn:aws:iam::111122223333:role/a"),
            V::One("arn:aws:iam::111122223333:role/b"),
            V::One("arn:aws:iam::444455556666:role/b"),
            V::One("not-an-arn"),
        ],
    },
    KeySpec {
        names: &["aws:MultiFactorAuthPresent", "aws:multifactorauthpresent"],
        ty: Ty::Bool,
        lits: &[("true", "true"), ("false", "false")],
        values: &[V::Absent, V::One("true"), V::One("false")],
    },
    KeySpec {
        names: &["aws:ViaAWSService"],
        ty: Ty::Bool,
        lits: &[("true", "true"), ("false", "false")],
        values: &[V::Absent, V::One("true"), V::One("false")],
    },
    KeySpec {
        names: &["s3:max-keys"],
        ty: Ty::Num,
        lits: &[("5", "5"), ("10", "10"), ("7.5", "7.5")],
        values: &[
            V::Absent,
            V::One("4"),
            V::One("5"),
            V::One("7"),
            V::One("7.5"),
            V::One("10"),
            V::One("11"),
        ],
    },
    KeySpec {
        names: &["aws:CurrentTime"],
        ty: Ty::Date,
        lits: &[
            ("date\"2026-01-01T00:00:00Z\"", "2026-01-01T00:00:00Z"),
            ("date\"2026-06-01T00:00:00Z\"", "2026-06-01T00:00:00Z"),
            // 2026-03-01T00:00:00Z as epoch seconds
            ("1772323200", "1772323200"),
        ],
        values: &[
            V::Absent,
            V::One("2025-12-31T23:59:59Z"),
            V::One("2026-01-01T00:00:00Z"),
            V::One("2026-02-01T00:00:00Z"),
            V::One("1772323200"),
            V::One("2026-06-01T00:00:00Z"),
            V::One("2027-01-01T00:00:00Z"),
        ],
    },
    KeySpec {
        names: &["aws:SourceIp"],
        ty: Ty::Ip,
        lits: &[
            ("cidr\"10.0.0.0/8\"", "10.0.0.0/8"),
            ("cidr\"10.1.0.0/16\"", "10.1.0.0/16"),
            ("ip\"192.168.1.1\"", "192.168.1.1"),
        ],
        values: &[
            V::Absent,
            V::One("10.1.2.3"),
            V::One("10.2.0.1"),
            V::One("192.168.1.1"),
            V::One("172.16.0.1"),
            V::One("2001:db8::1"),
        ],
    },
    KeySpec {
        names: &["aws:TagKeys", "aws:tagkeys"],
        ty: Ty::List,
        lits: &[
            ("\"a\"", "a"),
            ("\"b\"", "b"),
            ("\"c\"", "c"),
            ("\"a*\"", "a*"),
            ("\"\"", ""),
        ],
        values: &[
            V::Absent,
            V::Many(&[]),
            V::Many(&[""]),
            V::Many(&["", ""]),
            V::Many(&["a"]),
            V::Many(&["b"]),
            V::Many(&["a", "b"]),
            V::Many(&["c"]),
            V::Many(&["a", "c"]),
            V::Many(&["", "a"]),
            V::Many(&["ab"]),
        ],
    },
];

/// `${aws:username}` in a value makes the result depend on this key too.
const USERNAME: &str = "aws:username";
const USERNAME_VALUES: &[V] = &[V::Absent, V::One("vpce-1"), V::One("dev")];

fn key(i: usize) -> &'static KeySpec {
    KEYS.get(i).unwrap_or_else(|| panic!("no key {i}"))
}

// ---- a deterministic generator -----------------------------------------------------------

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        *xs.get(self.below(xs.len()))
            .expect("pick from a non-empty slice")
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Like,
    NotLike,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Like => "like",
            Op::NotLike => "not like",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// Whether the operator takes exactly one value (written without brackets).
    fn single(self) -> bool {
        matches!(self, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }

    fn fitting(ty: Ty) -> &'static [Op] {
        match ty {
            Ty::Str | Ty::Arn | Ty::List => {
                &[Op::Eq, Op::Ne, Op::In, Op::NotIn, Op::Like, Op::NotLike]
            }
            Ty::Num | Ty::Date => &[
                Op::Eq,
                Op::Ne,
                Op::In,
                Op::NotIn,
                Op::Lt,
                Op::Le,
                Op::Gt,
                Op::Ge,
            ],
            Ty::Bool => &[Op::Eq, Op::Ne],
            Ty::Ip => &[Op::Eq, Op::Ne, Op::In, Op::NotIn],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quant {
    Any,
    All,
}

/// How an atom says "or absent".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Q {
    No,
    /// `k?`
    Mark,
    /// `... if exists`
    IfExists,
}

#[derive(Clone, Debug)]
enum Atom {
    Exists {
        key: usize,
        name: usize,
    },
    /// A `Bool` key alone: `k` or `k?`.
    Bare {
        key: usize,
        name: usize,
        mark: bool,
    },
    Cmp {
        key: usize,
        name: usize,
        quant: Option<Quant>,
        op: Op,
        /// Indexes into the key's literals.
        vals: Vec<usize>,
        /// Written as a list (`in [..]`, `like [..]`) rather than one value.
        list: bool,
        q: Q,
    },
}

#[derive(Clone, Debug)]
enum F {
    Const(bool),
    Atom(Atom),
    Not(Box<F>),
    And(Vec<F>),
    Or(Vec<F>),
}

fn gen_atom(rng: &mut Rng, keys: &[usize]) -> Atom {
    let k = rng.pick(keys);
    let spec = key(k);
    let name = rng.below(spec.names.len());
    if rng.chance(12) {
        return Atom::Exists { key: k, name };
    }
    if spec.ty == Ty::Bool && rng.chance(40) {
        return Atom::Bare {
            key: k,
            name,
            mark: rng.chance(50),
        };
    }
    let quant = match spec.ty {
        Ty::List => Some(if rng.chance(50) {
            Quant::Any
        } else {
            Quant::All
        }),
        // A quantifier on a single-valued key is a warning (W0333), still compiled.
        Ty::Str if rng.chance(5) => Some(Quant::Any),
        _ => None,
    };
    let op = rng.pick(Op::fitting(spec.ty));
    let n = if op.single() { 1 } else { 1 + rng.below(3) };
    let mut vals: Vec<usize> = (0..n).map(|_| rng.below(spec.lits.len())).collect();
    vals.dedup();
    let list = !op.single() && (vals.len() > 1 || rng.chance(70));
    let q = match rng.below(4) {
        0 => Q::Mark,
        1 => Q::IfExists,
        _ => Q::No,
    };
    Atom::Cmp {
        key: k,
        name,
        quant,
        op,
        vals,
        list,
        q,
    }
}

/// A random formula over `keys`, `not` possible at every level.
fn gen_formula(rng: &mut Rng, keys: &[usize], depth: usize) -> F {
    let f = if depth == 0 || rng.chance(30) {
        if rng.chance(3) {
            F::Const(rng.chance(50))
        } else {
            F::Atom(gen_atom(rng, keys))
        }
    } else {
        let n = 2 + rng.below(3);
        let xs = (0..n).map(|_| gen_formula(rng, keys, depth - 1)).collect();
        if rng.chance(55) {
            F::And(xs)
        } else {
            F::Or(xs)
        }
    };
    if rng.chance(25) {
        F::Not(Box::new(f))
    } else {
        f
    }
}

/// A conjunction of (possibly negated) atoms, mostly on one key: where contradictory
/// presence tests and merged entries live.
fn gen_conjunction(rng: &mut Rng, keys: &[usize]) -> F {
    let n = 2 + rng.below(4);
    let focus = rng.pick(keys);
    let xs = (0..n)
        .map(|_| {
            let pool: &[usize] = if rng.chance(75) { &[focus] } else { keys };
            let a = F::Atom(gen_atom(rng, pool));
            if rng.chance(30) {
                F::Not(Box::new(a))
            } else if rng.chance(10) {
                let b = F::Atom(gen_atom(rng, pool));
                F::Or(vec![a, b])
            } else {
                a
            }
        })
        .collect();
    F::And(xs)
}

/// The same formula with the children of every `and` shuffled.
fn shuffled(f: &F, rng: &mut Rng) -> F {
    match f {
        F::And(xs) => {
            let mut ys: Vec<F> = xs.iter().map(|x| shuffled(x, rng)).collect();
            rng.shuffle(&mut ys);
            F::And(ys)
        }
        F::Or(xs) => F::Or(xs.iter().map(|x| shuffled(x, rng)).collect()),
        F::Not(x) => F::Not(Box::new(shuffled(x, rng))),
        other => other.clone(),
    }
}

// ---- source text -------------------------------------------------------------------------

fn lit(k: usize, i: usize) -> (&'static str, &'static str) {
    *key(k).lits.get(i).expect("a literal of the key")
}

fn key_name(k: usize, name: usize) -> &'static str {
    key(k).names.get(name).expect("a spelling of the key")
}

fn render_atom(a: &Atom, out: &mut String) {
    match a {
        Atom::Exists { key, name } => {
            out.push_str(&format!("exists({})", key_name(*key, *name)));
        }
        Atom::Bare { key, name, mark } => {
            out.push_str(key_name(*key, *name));
            if *mark {
                out.push('?');
            }
        }
        Atom::Cmp {
            key,
            name,
            quant,
            op,
            vals,
            list,
            q,
        } => {
            match quant {
                Some(Quant::Any) => out.push_str("any "),
                Some(Quant::All) => out.push_str("all "),
                None => {}
            }
            out.push_str(key_name(*key, *name));
            if *q == Q::Mark {
                out.push('?');
            }
            out.push(' ');
            out.push_str(op.text());
            out.push(' ');
            let texts: Vec<&str> = vals.iter().map(|&i| lit(*key, i).0).collect();
            if *list {
                out.push_str(&format!("[{}]", texts.join(", ")));
            } else {
                out.push_str(&texts.join(", "));
            }
            if *q == Q::IfExists {
                out.push_str(" if exists");
            }
        }
    }
}

fn render(f: &F, out: &mut String) {
    let child = |x: &F, out: &mut String| match x {
        F::Atom(_) | F::Const(_) => render(x, out),
        _ => {
            out.push('(');
            render(x, out);
            out.push(')');
        }
    };
    match f {
        F::Const(b) => out.push_str(if *b { "true" } else { "false" }),
        F::Atom(a) => render_atom(a, out),
        F::Not(x) => {
            out.push_str("not ");
            child(x, out);
        }
        F::And(xs) | F::Or(xs) => {
            let sep = if matches!(f, F::And(_)) {
                " and "
            } else {
                " or "
            };
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                child(x, out);
            }
        }
    }
}

fn source_text(f: &F) -> String {
    let mut s = String::new();
    render(f, &mut s);
    s
}

// ---- the source-level oracle -------------------------------------------------------------

/// One compiled condition entry.
fn entry(op: &str, key: &str, values: &[&str]) -> CompiledCondition {
    let c = Condition {
        operator: Operator::parse(op).unwrap_or_else(|| panic!("operator {op}")),
        key: key.to_string(),
        values: values.iter().map(|s| s.to_string()).collect(),
    };
    CompiledCondition::compile(&c, true).unwrap_or_else(|e| panic!("{op} {values:?}: {e:?}"))
}

/// The IAM base operator a comparison means, and whether the source test is its negation
/// (docs/lowering.md, "Operators"; written here independently of the checker).
fn meaning(ty: Ty, op: Op) -> (&'static str, bool) {
    let family = match ty {
        Ty::Str | Ty::List => [
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
        ],
        Ty::Arn => ["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"],
        Ty::Num | Ty::Date | Ty::Bool | Ty::Ip => ["", "", "", ""],
    };
    let [eq, ne, like, not_like] = family;
    match (ty, op) {
        (Ty::Str | Ty::List | Ty::Arn, Op::Eq | Op::In) => (eq, false),
        (Ty::Str | Ty::List | Ty::Arn, Op::Ne | Op::NotIn) => (ne, false),
        (Ty::Str | Ty::List | Ty::Arn, Op::Like) => (like, false),
        (Ty::Str | Ty::List | Ty::Arn, Op::NotLike) => (not_like, false),
        (Ty::Num, Op::Eq | Op::In) => ("NumericEquals", false),
        (Ty::Num, Op::Ne | Op::NotIn) => ("NumericNotEquals", false),
        (Ty::Num, Op::Lt) => ("NumericLessThan", false),
        (Ty::Num, Op::Le) => ("NumericLessThanEquals", false),
        (Ty::Num, Op::Gt) => ("NumericGreaterThan", false),
        (Ty::Num, Op::Ge) => ("NumericGreaterThanEquals", false),
        (Ty::Date, Op::Eq | Op::In) => ("DateEquals", false),
        (Ty::Date, Op::Ne | Op::NotIn) => ("DateNotEquals", false),
        (Ty::Date, Op::Lt) => ("DateLessThan", false),
        (Ty::Date, Op::Le) => ("DateLessThanEquals", false),
        (Ty::Date, Op::Gt) => ("DateGreaterThan", false),
        (Ty::Date, Op::Ge) => ("DateGreaterThanEquals", false),
        // IAM has no `BoolNotEquals`: `!=` is the negation of `==`.
        (Ty::Bool, Op::Eq) => ("Bool", false),
        (Ty::Bool, Op::Ne) => ("Bool", true),
        (Ty::Ip, Op::Eq | Op::In) => ("IpAddress", false),
        (Ty::Ip, Op::Ne | Op::NotIn) => ("NotIpAddress", false),
        _ => panic!("{op:?} does not fit {ty:?}"),
    }
}

/// A formula whose atoms are single compiled entries.
enum Oracle {
    Const(bool),
    /// `or_absent`: also true when this key (lowercase) is absent; `negate`: the source
    /// test is the entry's negation.
    Entry {
        cond: CompiledCondition,
        negate: bool,
        or_absent: Option<String>,
    },
    Not(Box<Oracle>),
    And(Vec<Oracle>),
    Or(Vec<Oracle>),
}

impl Oracle {
    fn of(f: &F) -> Oracle {
        match f {
            F::Const(b) => Oracle::Const(*b),
            F::Not(x) => Oracle::Not(Box::new(Oracle::of(x))),
            F::And(xs) => Oracle::And(xs.iter().map(Oracle::of).collect()),
            F::Or(xs) => Oracle::Or(xs.iter().map(Oracle::of).collect()),
            F::Atom(Atom::Exists { key: k, name }) => Oracle::Entry {
                cond: entry("Null", key_name(*k, *name), &["false"]),
                negate: false,
                or_absent: None,
            },
            F::Atom(Atom::Bare { key: k, name, mark }) => {
                let n = key_name(*k, *name);
                Oracle::Entry {
                    cond: entry("Bool", n, &["true"]),
                    negate: false,
                    or_absent: mark.then(|| n.to_lowercase()),
                }
            }
            F::Atom(Atom::Cmp {
                key: k,
                name,
                quant,
                op,
                vals,
                q,
                ..
            }) => {
                let n = key_name(*k, *name);
                let (base, negate) = meaning(key(*k).ty, *op);
                let op_name = match quant {
                    Some(Quant::Any) => format!("ForAnyValue:{base}"),
                    Some(Quant::All) => format!("ForAllValues:{base}"),
                    None => base.to_string(),
                };
                let values: Vec<&str> = vals.iter().map(|&i| lit(*k, i).1).collect();
                Oracle::Entry {
                    cond: entry(&op_name, n, &values),
                    negate,
                    or_absent: (*q != Q::No).then(|| n.to_lowercase()),
                }
            }
        }
    }

    fn holds(&self, ctx: &Context) -> bool {
        match self {
            Oracle::Const(b) => *b,
            Oracle::Entry {
                cond,
                negate,
                or_absent,
            } => {
                or_absent
                    .as_ref()
                    .is_some_and(|k| ctx.get_lower(k).is_none())
                    || cond.holds(ctx) != *negate
            }
            Oracle::Not(x) => !x.holds(ctx),
            Oracle::And(xs) => xs.iter().all(|x| x.holds(ctx)),
            Oracle::Or(xs) => xs.iter().any(|x| x.holds(ctx)),
        }
    }
}

/// The checked IR, atom by atom through the engine.
enum IrOracle {
    Const(bool),
    Entry(CompiledCondition),
    Not(Box<IrOracle>),
    And(Vec<IrOracle>),
    Or(Vec<IrOracle>),
}

impl IrOracle {
    fn of(e: &CondExpr) -> IrOracle {
        match e {
            CondExpr::Const(b) => IrOracle::Const(*b),
            CondExpr::Not(x) => IrOracle::Not(Box::new(IrOracle::of(x))),
            CondExpr::And(xs) => IrOracle::And(xs.iter().map(IrOracle::of).collect()),
            CondExpr::Or(xs) => IrOracle::Or(xs.iter().map(IrOracle::of).collect()),
            CondExpr::Atom(a) => {
                let c = Condition {
                    operator: a.operator,
                    key: a.key.node.clone(),
                    values: a.values.iter().map(|v| v.node.clone()).collect(),
                };
                IrOracle::Entry(CompiledCondition::compile(&c, true).expect("an IR atom compiles"))
            }
        }
    }

    fn holds(&self, ctx: &Context) -> bool {
        match self {
            IrOracle::Const(b) => *b,
            IrOracle::Entry(c) => c.holds(ctx),
            IrOracle::Not(x) => !x.holds(ctx),
            IrOracle::And(xs) => xs.iter().all(|x| x.holds(ctx)),
            IrOracle::Or(xs) => xs.iter().any(|x| x.holds(ctx)),
        }
    }
}

// ---- request contexts --------------------------------------------------------------------

fn keys_of(f: &F, out: &mut BTreeSet<usize>, variables: &mut bool) {
    match f {
        F::Const(_) => {}
        F::Not(x) => keys_of(x, out, variables),
        F::And(xs) | F::Or(xs) => xs.iter().for_each(|x| keys_of(x, out, variables)),
        F::Atom(Atom::Exists { key, .. } | Atom::Bare { key, .. }) => {
            out.insert(*key);
        }
        F::Atom(Atom::Cmp { key: k, vals, .. }) => {
            out.insert(*k);
            if vals.iter().any(|&i| lit(*k, i).1.contains("${")) {
                *variables = true;
            }
        }
    }
}

/// Every combination of the dimensions' values, or `limit` seeded samples of them (the
/// all-absent context always included).
fn contexts(dims: &[(&str, &[V])], limit: usize, rng: &mut Rng) -> Vec<Context> {
    let total = dims
        .iter()
        .try_fold(1usize, |n, (_, vs)| n.checked_mul(vs.len()))
        .unwrap_or(usize::MAX);
    let build = |choice: &dyn Fn(usize, &[V]) -> V| {
        let mut c = Context::new();
        for (i, (name, vs)) in dims.iter().enumerate() {
            match choice(i, vs) {
                V::Absent => {}
                V::One(s) => c.insert(name, ContextValue::One(s.to_string())),
                V::Many(xs) => c.insert(
                    name,
                    ContextValue::Many(xs.iter().map(|s| s.to_string()).collect()),
                ),
            }
        }
        c
    };
    if total <= limit {
        (0..total)
            .map(|mut n| {
                let mut picks = Vec::with_capacity(dims.len());
                for (_, vs) in dims {
                    picks.push(n % vs.len());
                    n /= vs.len();
                }
                build(&|i, vs| {
                    let p = picks.get(i).copied().unwrap_or(0);
                    vs.get(p).copied().unwrap_or(V::Absent)
                })
            })
            .collect()
    } else {
        let mut out = vec![build(&|_, _| V::Absent)];
        for _ in 1..limit {
            let picks: Vec<usize> = dims.iter().map(|(_, vs)| rng.below(vs.len())).collect();
            out.push(build(&|i, vs| {
                let p = picks.get(i).copied().unwrap_or(0);
                vs.get(p).copied().unwrap_or(V::Absent)
            }));
        }
        out
    }
}

fn dims_of(f: &F) -> Vec<(&'static str, &'static [V])> {
    let mut keys = BTreeSet::new();
    let mut variables = false;
    keys_of(f, &mut keys, &mut variables);
    let mut dims: Vec<(&str, &[V])> = keys
        .iter()
        .map(|&k| (key_name(k, 0), key(k).values))
        .collect();
    if variables {
        dims.push((USERNAME, USERNAME_VALUES));
    }
    dims
}

/// A size or seed, overridable for a longer sweep: `IAMC_LOWERING_FORMULAS=20000
/// IAMC_LOWERING_SEED=7 cargo test --release --test it lowering::` (the IR-level test takes
/// twice the number of formulas).
fn sweep<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(format!("IAMC_LOWERING_{name}"))
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---- judging a lowered rule --------------------------------------------------------------

/// The lowered statements written to JSON and read back: what IAM would read.
fn through_json(doc: &policy::Document) -> policy::Document {
    let text = policy::json::to_string(doc, Layout::Minified);
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON we wrote");
    policy::parse::parse_document(&value, "").expect("a document we wrote parses")
}

fn policy_set(doc: &policy::Document) -> PolicySet {
    let mut set = PolicySet::new();
    set.add_identity(&through_json(doc))
        .expect("a lowered document compiles");
    set
}

fn request(ctx: &Context) -> Request {
    Request::new(
        "arn:aws:iam::111122223333:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::bucket/key",
    )
    .expect("a request")
    .with_context(ctx.clone())
}

/// Whether the condition holds, as the engine decides the rule as an `Allow` (alone) and as
/// a `Deny` (under an allow-everything statement).
fn engine_decides(allow: &PolicySet, deny: &PolicySet, ctx: &Context) -> (bool, bool) {
    let r = request(ctx);
    (
        evaluate(allow, &r).outcome == Outcome::Allow,
        evaluate(deny, &r).outcome == Outcome::ExplicitDeny,
    )
}

/// Mismatches found, by where they are.
#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    contexts: usize,
    inexpressible: usize,
    never_holds: usize,
    /// (formula, context) pairs where the emitted JSON disagrees with the source.
    wrong: usize,
    /// ... of which the checked IR already disagreed (the checker's fault).
    wrong_ir: usize,
    /// ... where the IR was right and the lowering wrong.
    wrong_lowering: usize,
    wrong_formulas: BTreeSet<usize>,
    /// Formulas whose lowering diagnostics depend on the order of `and`.
    order_dependent: BTreeSet<usize>,
    /// A few failures of each kind (by a label), for the failure message.
    examples: Vec<(&'static str, String)>,
}

impl Tally {
    fn example(&mut self, kind: &'static str, s: String) {
        if self.examples.iter().filter(|(k, _)| *k == kind).count() < 3 {
            self.examples.push((kind, s));
        }
    }
}

/// Lowering diagnostics (the codes that depend on how conditions lower).
fn lowering_codes(codes: &BTreeSet<Code>) -> BTreeSet<Code> {
    codes
        .iter()
        .copied()
        .filter(|c| matches!(c, Code::E0401 | Code::E0402 | Code::W0405))
        .collect()
}

#[test]
fn lowered_json_means_the_source_condition() {
    let formulas_n = sweep("FORMULAS", 1_500);
    const VARIANTS: usize = 3;
    const BATCH: usize = 100;
    const CONTEXTS: usize = 400;
    let mut rng = Rng(sweep("SEED", 0x5eed_1a2b_3c4d_5e6f));
    let mut tally = Tally::default();
    let mut formulas: Vec<F> = Vec::with_capacity(formulas_n);
    for i in 0..formulas_n {
        let n_keys = 1 + rng.below(3);
        let mut keys: Vec<usize> = (0..n_keys).map(|_| rng.below(KEYS.len())).collect();
        // Every formula in ten is about one key with tag-style spellings (the issue's).
        if i % 10 == 0 {
            keys = vec![TEAM];
        }
        keys.dedup();
        formulas.push(if rng.chance(50) {
            gen_conjunction(&mut rng, &keys)
        } else {
            gen_formula(&mut rng, &keys, 3)
        });
    }
    for (b, chunk) in formulas.chunks(BATCH).enumerate() {
        let mut text = String::new();
        let mut variants: Vec<(usize, F)> = Vec::new();
        for (j, f) in chunk.iter().enumerate() {
            let id = b * BATCH + j;
            for v in 0..VARIANTS {
                let g = if v == 0 {
                    f.clone()
                } else {
                    shuffled(f, &mut rng)
                };
                let cond = source_text(&g);
                text.push_str(&format!(
                    "policy A{id}v{v} {{\n    allow s3:GetObject on * when {cond}\n}}\npolicy D{id}v{v} {{\n    allow * on *\n    deny s3:GetObject on * when {cond}\n}}\n"
                ));
                variants.push((id, g));
            }
        }
        let compiled = compile_source(&text);
        let mut codes_of_formula: Vec<(usize, BTreeSet<Code>)> = Vec::new();
        for (k, (id, g)) in variants.iter().enumerate() {
            let v = k % VARIANTS;
            let find = |prefix: &str| {
                let name = format!("{prefix}{id}v{v}");
                compiled
                    .documents
                    .iter()
                    .find(|d| d.name == name)
                    .unwrap_or_else(|| panic!("no document {name}"))
            };
            let (a, d) = (find("A"), find("D"));
            let cond = source_text(g);
            let errors: Vec<&Code> = a
                .codes
                .iter()
                .chain(&d.codes)
                .filter(|c| c.as_str().starts_with('E'))
                // Inexpressible conditions are counted; a document over its size budget is
                // still lowered and judged.
                .filter(|c| !matches!(c, Code::E0401 | Code::E0402 | Code::E0404))
                .collect();
            assert!(errors.is_empty(), "`{cond}`: {errors:?}");
            let lowering = lowering_codes(&a.codes);
            assert_eq!(
                lowering,
                lowering_codes(&d.codes),
                "`{cond}`: allow and deny lower differently"
            );
            codes_of_formula.push((*id, lowering.clone()));
            tally.cases += 1;
            if lowering.contains(&Code::E0401) || lowering.contains(&Code::E0402) {
                tally.inexpressible += 1;
                continue;
            }
            if lowering.contains(&Code::W0405) {
                tally.never_holds += 1;
            }
            let oracle = Oracle::of(g);
            let ir = a
                .conditions
                .first()
                .and_then(|c| c.as_ref())
                .map(IrOracle::of)
                .unwrap_or(IrOracle::Const(true));
            let (allow, deny) = (policy_set(&a.document), policy_set(&d.document));
            for ctx in contexts(&dims_of(g), CONTEXTS, &mut rng) {
                tally.contexts += 1;
                let want = oracle.holds(&ctx);
                let via_ir = ir.holds(&ctx);
                let (as_allow, as_deny) = engine_decides(&allow, &deny, &ctx);
                if as_allow != want || as_deny != want {
                    tally.wrong += 1;
                    tally.wrong_formulas.insert(*id);
                    if via_ir != want {
                        tally.wrong_ir += 1;
                    } else {
                        tally.wrong_lowering += 1;
                    }
                    let kind = if via_ir != want {
                        "checker"
                    } else {
                        "lowering"
                    };
                    tally.example(kind, format!(
                        "`{cond}`\n  source: {want}, IR: {via_ir}, allow: {as_allow}, deny: {as_deny}\n  context: {ctx:?}\n  lowered: {}",
                        policy::json::to_string(&a.document, Layout::Minified)
                    ));
                }
            }
        }
        for (id, codes) in &codes_of_formula {
            let differs = codes_of_formula
                .iter()
                .any(|(other, c)| other == id && c != codes);
            if differs && tally.order_dependent.insert(*id) {
                let f = formulas.get(*id).map(source_text).unwrap_or_default();
                let all: Vec<_> = codes_of_formula
                    .iter()
                    .filter(|(o, _)| o == id)
                    .map(|(_, c)| c.clone())
                    .collect();
                tally.example(
                    "order",
                    format!("order-dependent diagnostics {all:?}: `{f}`"),
                );
            }
        }
    }
    eprintln!(
        "lowering vs source: {} cases ({} formulas x {VARIANTS} orders), {} contexts; {} inexpressible, {} never hold; wrong: {} (IR {} / lowering {}) in {} formulas; {} formulas order-dependent",
        tally.cases,
        formulas_n,
        tally.contexts,
        tally.inexpressible,
        tally.never_holds,
        tally.wrong,
        tally.wrong_ir,
        tally.wrong_lowering,
        tally.wrong_formulas.len(),
        tally.order_dependent.len()
    );
    let examples: Vec<String> = tally
        .examples
        .iter()
        .map(|(k, s)| format!("[{k}] {s}"))
        .collect();
    assert!(
        tally.wrong == 0 && tally.order_dependent.is_empty(),
        "{} wrong in {} formulas, {} order-dependent:\n{}",
        tally.wrong,
        tally.wrong_formulas.len(),
        tally.order_dependent.len(),
        examples.join("\n")
    );
    // The generator must reach lowerable formulas, not mostly errors (two `like` tests of
    // one key, two ARN or IP lists: IAM has no single entry for them).
    assert!(
        tally.inexpressible * 4 < tally.cases,
        "{} of {} cases inexpressible",
        tally.inexpressible,
        tally.cases
    );
}

// ---- the IR-level generator --------------------------------------------------------------

/// Operator forms for a key type, beyond what the checker writes (`IfExists` on negated
/// and set operators, `IgnoreCase`, several values on orderings, both `Bool` values).
fn ir_operators(ty: Ty) -> Vec<String> {
    let bases: &[&str] = match ty {
        Ty::Str => &[
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
        ],
        Ty::Arn => &["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"],
        Ty::Bool => &["Bool"],
        Ty::Num => &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        Ty::Date => &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateGreaterThanEquals",
        ],
        Ty::Ip => &["IpAddress", "NotIpAddress"],
        Ty::List => &[
            "ForAnyValue:StringEquals",
            "ForAnyValue:StringNotEquals",
            "ForAnyValue:StringLike",
            "ForAnyValue:StringNotLike",
            "ForAllValues:StringEquals",
            "ForAllValues:StringNotEquals",
            "ForAllValues:StringLike",
            "ForAllValues:StringNotLike",
        ],
    };
    let mut out = Vec::new();
    for b in bases {
        out.push(b.to_string());
        out.push(format!("{b}IfExists"));
    }
    if ty == Ty::Str {
        out.push("ForAnyValue:StringEquals".into());
        out.push("ForAllValues:StringNotEqualsIfExists".into());
    }
    out
}

fn span() -> Span {
    Span::default()
}

fn ir_atom(rng: &mut Rng, keys: &[usize]) -> CondExpr {
    let k = rng.pick(keys);
    let spec = key(k);
    let name = key_name(k, rng.below(spec.names.len())).to_string();
    let (op, values): (String, Vec<String>) = if rng.chance(15) {
        let v = match rng.below(5) {
            0 => vec!["true", "false"],
            1 | 2 => vec!["true"],
            _ => vec!["false"],
        };
        ("Null".into(), v.into_iter().map(String::from).collect())
    } else {
        let ops = ir_operators(spec.ty);
        let op = ops
            .get(rng.below(ops.len()))
            .cloned()
            .unwrap_or_else(|| "Null".into());
        let n = 1 + rng.below(3);
        let mut v: Vec<String> = (0..n)
            .map(|_| lit(k, rng.below(spec.lits.len())).1.to_string())
            .collect();
        v.dedup();
        (op, v)
    };
    CondExpr::Atom(IrAtom {
        operator: Operator::parse(&op).unwrap_or_else(|| panic!("operator {op}")),
        key: Spanned::new(name, span()),
        values: values
            .into_iter()
            .map(|v| Spanned::new(v, span()))
            .collect(),
        span: span(),
    })
}

fn ir_formula(rng: &mut Rng, keys: &[usize], depth: usize) -> CondExpr {
    let e = if depth == 0 || rng.chance(30) {
        ir_atom(rng, keys)
    } else {
        let n = 2 + rng.below(3);
        let xs = (0..n).map(|_| ir_formula(rng, keys, depth - 1)).collect();
        if rng.chance(60) {
            CondExpr::And(xs)
        } else {
            CondExpr::Or(xs)
        }
    };
    if rng.chance(25) {
        CondExpr::Not(Box::new(e))
    } else {
        e
    }
}

fn ir_shuffled(e: &CondExpr, rng: &mut Rng) -> CondExpr {
    match e {
        CondExpr::And(xs) => {
            let mut ys: Vec<CondExpr> = xs.iter().map(|x| ir_shuffled(x, rng)).collect();
            rng.shuffle(&mut ys);
            CondExpr::And(ys)
        }
        CondExpr::Or(xs) => CondExpr::Or(xs.iter().map(|x| ir_shuffled(x, rng)).collect()),
        CondExpr::Not(x) => CondExpr::Not(Box::new(ir_shuffled(x, rng))),
        other => other.clone(),
    }
}

/// A compact rendering of a condition for failure messages.
fn show(e: &CondExpr) -> String {
    let join = |xs: &[CondExpr], sep: &str| {
        let parts: Vec<String> = xs.iter().map(show).collect();
        format!("({})", parts.join(sep))
    };
    match e {
        CondExpr::Const(b) => b.to_string(),
        CondExpr::Not(x) => format!("not {}", show(x)),
        CondExpr::And(xs) => join(xs, " and "),
        CondExpr::Or(xs) => join(xs, " or "),
        CondExpr::Atom(a) => {
            let values: Vec<&str> = a.values.iter().map(|v| v.node.as_str()).collect();
            format!("{}:{}{:?}", a.operator, a.key.node, values)
        }
    }
}

fn ir_keys(e: &CondExpr, out: &mut BTreeSet<String>) {
    match e {
        CondExpr::Const(_) => {}
        CondExpr::Not(x) => ir_keys(x, out),
        CondExpr::And(xs) | CondExpr::Or(xs) => xs.iter().for_each(|x| ir_keys(x, out)),
        CondExpr::Atom(a) => {
            out.insert(a.key.node.to_lowercase());
        }
    }
}

/// A document holding one rule's lowered statements, with the given effect.
fn statements_document(
    conjuncts: &[Vec<iamc::lower::cond::Lit>],
    effect: Effect,
) -> policy::Document {
    let mut statements = Vec::new();
    if effect == Effect::Deny {
        statements.push(Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: Matcher::Is(vec!["*".into()]),
            resource: Some(Matcher::Is(vec!["*".into()])),
            conditions: Vec::new(),
        });
    }
    for c in conjuncts {
        statements.push(Statement {
            sid: None,
            effect,
            principal: None,
            action: Matcher::Is(vec!["s3:GetObject".into()]),
            resource: Some(Matcher::Is(vec!["*".into()])),
            conditions: c
                .iter()
                .map(|l| Condition {
                    operator: l.op,
                    key: l.key.clone(),
                    values: l.values.clone(),
                })
                .collect(),
        });
    }
    policy::Document {
        version: Some(Version::V2012_10_17),
        id: None,
        statements,
    }
}

#[test]
fn lowered_json_means_the_ir_condition() {
    use iamc::lower::cond::{lower_condition, LowerError};
    let formulas_n = 2 * sweep("FORMULAS", 1_500);
    const CONTEXTS: usize = 300;
    let mut rng = Rng(sweep("SEED", 0x0dd_ba11_cafe));
    let (mut cases, mut contexts_n, mut inexpressible, mut wrong) = (0, 0, 0, 0);
    let mut wrong_formulas = 0;
    let mut order_dependent = 0;
    let mut examples: Vec<String> = Vec::new();
    for _ in 0..formulas_n {
        let n_keys = 1 + rng.below(2);
        let keys: Vec<usize> = (0..n_keys).map(|_| rng.below(KEYS.len())).collect();
        let e = ir_formula(&mut rng, &keys, 3);
        let variants = [e.clone(), ir_shuffled(&e, &mut rng)];
        let results: Vec<_> = variants.iter().map(|v| lower_condition(v, 64)).collect();
        let status = |r: &Result<Vec<_>, LowerError>| match r {
            Ok(c) if c.is_empty() => "never",
            Ok(_) => "ok",
            Err(LowerError::Inexpressible { .. }) => "inexpressible",
            Err(LowerError::TooLarge { .. }) => "too large",
        };
        let statuses: BTreeSet<&str> = results.iter().map(status).collect();
        if statuses.len() > 1 {
            order_dependent += 1;
            if examples.len() < 8 {
                examples.push(format!(
                    "order-dependent {statuses:?}:\n  {}\n  {}",
                    show(&e),
                    variants.get(1).map(show).unwrap_or_default()
                ));
            }
        }
        let oracle = IrOracle::of(&e);
        let mut names = BTreeSet::new();
        ir_keys(&e, &mut names);
        let dims: Vec<(&str, &[V])> = KEYS
            .iter()
            .filter(|k| names.contains(&k.names.first().copied().unwrap_or("").to_lowercase()))
            .map(|k| (k.names.first().copied().unwrap_or(""), k.values))
            .chain(std::iter::once((USERNAME, USERNAME_VALUES)))
            .collect();
        let ctxs = contexts(&dims, CONTEXTS, &mut rng);
        let mut this_wrong = false;
        for (v, result) in variants.iter().zip(&results) {
            cases += 1;
            let Ok(conjuncts) = result else {
                inexpressible += 1;
                continue;
            };
            let allow = policy_set(&statements_document(conjuncts, Effect::Allow));
            let deny = policy_set(&statements_document(conjuncts, Effect::Deny));
            for ctx in &ctxs {
                contexts_n += 1;
                let want = oracle.holds(ctx);
                let (a, d) = engine_decides(&allow, &deny, ctx);
                if a != want || d != want {
                    wrong += 1;
                    this_wrong = true;
                    if examples.len() < 8 {
                        examples.push(format!(
                            "{}\n  source: {want}, allow: {a}, deny: {d}\n  context: {ctx:?}\n  lowered: {}",
                            show(v),
                            policy::json::to_string(
                                &statements_document(conjuncts, Effect::Allow),
                                Layout::Minified
                            )
                        ));
                    }
                }
            }
        }
        wrong_formulas += usize::from(this_wrong);
    }
    eprintln!(
        "lowering vs IR: {cases} cases ({formulas_n} formulas x 2 orders), {contexts_n} contexts; {inexpressible} inexpressible; wrong: {wrong} in {wrong_formulas} formulas; {order_dependent} formulas order-dependent"
    );
    assert!(
        wrong == 0 && order_dependent == 0,
        "{wrong} wrong in {wrong_formulas} formulas, {order_dependent} order-dependent:\n{}",
        examples.join("\n")
    );
}

// ---- the examples, through the binary --------------------------------------------

/// What `iamc build --format json` made of one source file.
struct Built {
    /// Diagnostic codes, in order.
    codes: Vec<String>,
    /// Each written document by name.
    documents: Vec<(String, serde_json::Value)>,
    /// The JSON report (for help texts).
    report: serde_json::Value,
}

impl Built {
    fn document(&self, name: &str) -> &serde_json::Value {
        self.documents
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d)
            .unwrap_or_else(|| panic!("no {name}.json"))
    }

    /// The `Condition` of each statement of a document (`null` for none).
    fn conditions(&self, name: &str) -> Vec<serde_json::Value> {
        self.document(name)["Statement"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|s| s["Condition"].clone())
            .collect()
    }

    /// Whether the engine allows `s3:GetObject` with `ctx` under the document.
    fn allows(&self, name: &str, ctx: &Context) -> bool {
        let doc = policy::parse::parse_document(self.document(name), "").expect("a document");
        let mut set = PolicySet::new();
        set.add_identity(&doc).expect("compiles");
        evaluate(&set, &request(ctx)).outcome == Outcome::Allow
    }
}

/// Runs `iamc build FILE --out DIR --format json` on `text` in a scratch folder.
fn build_with_binary(label: &str, text: &str) -> Built {
    let dir = std::env::temp_dir().join(format!("iamc-lowering-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.iamc");
    std::fs::write(&file, text).unwrap();
    let out_dir = dir.join("out");
    let out = crate::support::iamc()
        .arg("build")
        .arg(&file)
        .arg("--out")
        .arg(&out_dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let codes = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    let mut documents = Vec::new();
    for entry in std::fs::read_dir(&out_dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            documents.push((name, value));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Built {
        codes,
        documents,
        report,
    }
}

fn ctx_with(key: &str, value: Option<V>) -> Context {
    let mut c = Context::new();
    match value {
        None | Some(V::Absent) => {}
        Some(V::One(s)) => c.insert(key, ContextValue::One(s.into())),
        Some(V::Many(xs)) => c.insert(
            key,
            ContextValue::Many(xs.iter().map(|s| s.to_string()).collect()),
        ),
    }
    c
}

// `?` on `!=` for a Bool key was dropped: the deny never fired without an MFA key.
#[test]
fn if_exists_on_a_bool_not_equals_holds_when_the_key_is_absent() {
    let b = build_with_binary(
        "mfa",
        "policy P {\n    allow * on *\n    deny * on * when aws:MultiFactorAuthPresent != true if exists\n}\npolicy Q {\n    allow s3:GetObject on * when aws:MultiFactorAuthPresent? != false\n}\n",
    );
    assert!(b.codes.is_empty(), "{:?}", b.codes);
    let mfa = "aws:MultiFactorAuthPresent";
    assert_eq!(
        b.conditions("P").get(1),
        Some(&serde_json::json!({"BoolIfExists": {mfa: "false"}}))
    );
    assert_eq!(
        b.conditions("Q"),
        [serde_json::json!({"BoolIfExists": {mfa: "true"}})]
    );
    // Requests signed with long-term access keys carry no MFA key at all.
    let absent = Context::new();
    assert!(!b.allows("P", &absent), "the deny fires without the key");
    assert!(b.allows("P", &ctx_with(mfa, Some(V::One("true")))));
    assert!(!b.allows("P", &ctx_with(mfa, Some(V::One("false")))));
    assert!(
        b.allows("Q", &absent),
        "`k? != false` holds without the key"
    );
    assert!(b.allows("Q", &ctx_with(mfa, Some(V::One("true")))));
    assert!(!b.allows("Q", &ctx_with(mfa, Some(V::One("false")))));
}

/// Every order of `parts` joined with `and`.
fn permutations(parts: &[&str]) -> Vec<String> {
    if parts.len() <= 1 {
        return vec![parts.join(" and ")];
    }
    let mut out = Vec::new();
    for (i, first) in parts.iter().enumerate() {
        let rest: Vec<&str> = parts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, p)| *p)
            .collect();
        for tail in permutations(&rest) {
            out.push(format!("{first} and {tail}"));
        }
    }
    out
}

// Contradictory presence tests were merged into `Null: [false, true]` (always true) in some
// orders of the conjuncts, and dropped in others.
#[test]
fn contradictory_presence_tests_emit_nothing_in_every_order() {
    let team = "aws:PrincipalTag/team";
    let mfa = "aws:MultiFactorAuthPresent";
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "allow s3:GetObject",
            permutations(&[
                &format!("exists({team})"),
                &format!("{team}? == \"dev\""),
                &format!("{team}? == \"ops\""),
            ]),
        ),
        (
            "allow s3:GetObject",
            permutations(&[
                &format!("{team}? == \"dev\""),
                &format!("{team}? == \"ops\""),
                &format!("not {team}? == \"qa\""),
            ]),
        ),
        (
            "deny s3:GetObject",
            permutations(&[
                &format!("exists({mfa})"),
                &format!("{mfa}?"),
                &format!("not {mfa}"),
            ]),
        ),
    ];
    let mut text = String::new();
    let mut n = 0;
    for (rule, conditions) in &cases {
        for c in conditions {
            text.push_str(&format!(
                "policy P{n} {{\n    allow s3:PutObject on *\n    {rule} on * when {c}\n}}\n"
            ));
            n += 1;
        }
    }
    let b = build_with_binary("presence", &text);
    assert_eq!(b.codes, vec!["W0405".to_string(); n], "one W0405 per rule");
    for i in 0..n {
        let name = format!("P{i}");
        assert_eq!(
            b.conditions(&name),
            [serde_json::Value::Null],
            "{name}: only the unconditional statement is left"
        );
    }
}

// `ForAnyValue:...IfExists` is disputed on an absent key: `any k? ...` is written as
// `Null: true` or the plain `ForAnyValue:` entry, and the negation keeps presence.
#[test]
fn any_if_exists_is_written_without_if_exists() {
    let b = build_with_binary(
        "any",
        "policy A {\n    allow s3:GetObject on * when any aws:TagKeys? in [\"a\", \"b\"]\n}\npolicy N {\n    allow * on *\n    deny s3:GetObject on * when not any aws:TagKeys? in [\"a\"]\n}\npolicy L {\n    allow s3:GetObject on * when all aws:TagKeys? not in [\"x\"]\n}\n",
    );
    assert!(!b.codes.iter().any(|c| c.starts_with('E')), "{:?}", b.codes);
    let tags = "aws:TagKeys";
    assert_eq!(
        b.conditions("A"),
        [
            serde_json::json!({"Null": {tags: "true"}}),
            serde_json::json!({"ForAnyValue:StringEquals": {tags: ["a", "b"]}}),
        ]
    );
    assert_eq!(
        b.conditions("N").get(1),
        Some(
            &serde_json::json!({"ForAllValues:StringNotEquals": {tags: "a"}, "Null": {tags: "false"}})
        )
    );
    assert_eq!(
        b.conditions("L"),
        [serde_json::json!({"ForAllValues:StringNotEquals": {tags: "x"}})]
    );
    for (value, any, not_any) in [
        (V::Absent, true, false),
        (V::Many(&[]), false, true),
        (V::Many(&[""]), false, true),
        (V::Many(&["a"]), true, false),
        (V::Many(&["c"]), false, true),
    ] {
        let ctx = ctx_with(tags, Some(value));
        assert_eq!(b.allows("A", &ctx), any, "{value:?}");
        assert_eq!(b.allows("N", &ctx), !not_any, "{value:?}");
    }
}

// `all k in ["a"] and all k in ["b"]` holds on an absent key or one without values; it was
// rejected with E0401.
#[test]
fn all_tests_with_no_common_value_lower() {
    let b = build_with_binary(
        "all",
        "policy P {\n    allow s3:GetObject on * when all aws:TagKeys in [\"a\"] and all aws:TagKeys in [\"b\"]\n}\n",
    );
    assert_eq!(b.codes, ["W0330", "W0330"]);
    let tags = "aws:TagKeys";
    assert_eq!(
        b.conditions("P"),
        [serde_json::json!({
            "ForAllValues:StringEquals": {tags: "a"},
            "ForAllValues:StringNotEquals": {tags: "a"},
        })]
    );
    for (value, allowed) in [
        (V::Absent, true),
        (V::Many(&[]), true),
        (V::Many(&[""]), true),
        (V::Many(&["a"]), false),
        (V::Many(&["b"]), false),
        (V::Many(&["a", "b"]), false),
    ] {
        assert_eq!(
            b.allows("P", &ctx_with(tags, Some(value))),
            allowed,
            "{value:?}"
        );
    }
}

// W0330 suggested `exists(k) and all k ...`, which still holds for `k = []`.
#[test]
fn w0330_suggests_a_guard_that_needs_a_value() {
    let b = build_with_binary(
        "w0330",
        "policy P {\n    allow s3:GetObject on * when all aws:TagKeys in [\"team\"]\n}\n",
    );
    assert_eq!(b.codes, ["W0330"]);
    let help = b.report["diagnostics"][0]["help"].as_str().unwrap_or("");
    assert!(
        help.contains("any aws:TagKeys ... and all aws:TagKeys ..."),
        "{help}"
    );
    // The suggestion silences the warning and denies `[]` and `[""]`.
    let b = build_with_binary(
        "w0330-fixed",
        "policy P {\n    allow s3:GetObject on * when any aws:TagKeys in [\"team\"] and all aws:TagKeys in [\"team\"]\n}\n",
    );
    assert!(b.codes.is_empty(), "{:?}", b.codes);
    let tags = "aws:TagKeys";
    for (value, allowed) in [
        (V::Absent, false),
        (V::Many(&[]), false),
        (V::Many(&[""]), false),
        (V::Many(&["team"]), true),
        (V::Many(&["team", "x"]), false),
    ] {
        assert_eq!(
            b.allows("P", &ctx_with(tags, Some(value))),
            allowed,
            "{value:?}"
        );
    }
}
