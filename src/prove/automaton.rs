//! Regular languages over strings, and the partition of a string domain by a family of
//! them: the prover's answer to "which combinations of these patterns can one string
//! match at the same time, and which string shows it?".
//!
//! Every string-valued part of a request (the action, the resource, the caller, the values
//! of string and ARN condition keys) is tested by a policy only through patterns: globs,
//! literals (exact or ignoring case), ARN patterns compared component by component. Each
//! pattern is a regular language ([`Re`]); the set of strings a request may carry there is
//! one more (the domain). [`Family::partition`] explores the product of their automata breadth
//! first and returns every realizable *signature* (the set of patterns a string of the
//! domain matches) with the shortest string realizing it. This is exact: a signature is
//! returned if and only if some string of the domain has it.
//!
//! Characters no pattern mentions behave alike, so the alphabet is the mentioned
//! characters plus one representative of all the others.

use super::fxhash::FxHashMap;
use std::collections::VecDeque;

/// A set of characters: those listed, or all but those listed. Lists are sorted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CharSet {
    Only(Vec<char>),
    Except(Vec<char>),
}

impl CharSet {
    pub fn only(chars: impl IntoIterator<Item = char>) -> CharSet {
        let mut v: Vec<char> = chars.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        CharSet::Only(v)
    }

    pub fn except(chars: impl IntoIterator<Item = char>) -> CharSet {
        let mut v: Vec<char> = chars.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        CharSet::Except(v)
    }

    pub fn any() -> CharSet {
        CharSet::Except(Vec::new())
    }

    pub fn contains(&self, c: char) -> bool {
        match self {
            CharSet::Only(v) => v.binary_search(&c).is_ok(),
            CharSet::Except(v) => v.binary_search(&c).is_err(),
        }
    }

    fn listed(&self) -> &[char] {
        match self {
            CharSet::Only(v) | CharSet::Except(v) => v,
        }
    }
}

/// How letters compare: exactly, ignoring ASCII case (the engine's globs: actions), or
/// ignoring case as Unicode lowercases (`StringEqualsIgnoreCase`). Characters whose case
/// mapping is several characters fold only to single-character mappings here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    None,
    Ascii,
    Unicode,
}

/// A regular expression, built by the prover from patterns (never parsed from text).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Re {
    /// The empty string.
    Eps,
    /// Nothing at all.
    Void,
    /// One character of the set.
    Set(CharSet),
    Cat(Vec<Re>),
    Alt(Vec<Re>),
    Star(Box<Re>),
}

impl Re {
    /// `text` literally, letters folded as `fold` says.
    pub fn lit(text: &str, fold: Fold) -> Re {
        Re::Cat(text.chars().map(|c| Re::char(c, fold)).collect())
    }

    pub fn char(c: char, fold: Fold) -> Re {
        let folds = match fold {
            Fold::None => false,
            Fold::Ascii => c.is_ascii_alphabetic(),
            Fold::Unicode => c.is_alphabetic(),
        };
        if folds {
            let mut set: Vec<char> = c.to_lowercase().chain(c.to_uppercase()).collect();
            set.push(c);
            Re::Set(CharSet::only(set))
        } else {
            Re::Set(CharSet::only([c]))
        }
    }

    /// Any run of characters (`.*`).
    pub fn any_run() -> Re {
        Re::Star(Box::new(Re::Set(CharSet::any())))
    }

    /// Any run of characters outside `stop`.
    pub fn run_except(stop: &[char]) -> Re {
        Re::Star(Box::new(Re::Set(CharSet::except(stop.iter().copied()))))
    }

    /// One or more characters of `set`.
    pub fn plus(set: CharSet) -> Re {
        Re::Cat(vec![Re::Set(set.clone()), Re::Star(Box::new(Re::Set(set)))])
    }

    pub fn opt(re: Re) -> Re {
        Re::Alt(vec![Re::Eps, re])
    }

    fn collect_chars(&self, out: &mut Vec<char>) {
        match self {
            Re::Eps | Re::Void => {}
            Re::Set(s) => out.extend_from_slice(s.listed()),
            Re::Cat(v) | Re::Alt(v) => v.iter().for_each(|r| r.collect_chars(out)),
            Re::Star(r) => r.collect_chars(out),
        }
    }
}

/// A Thompson NFA: state 0 starts, `accept` accepts.
#[derive(Clone, Debug)]
struct Nfa {
    sets: Vec<Vec<(CharSet, u32)>>,
    eps: Vec<Vec<u32>>,
    accept: u32,
}

impl Nfa {
    fn new(re: &Re) -> Nfa {
        let mut n = Nfa {
            sets: vec![Vec::new()],
            eps: vec![Vec::new()],
            accept: 0,
        };
        let end = n.build(re, 0);
        n.accept = end;
        n
    }

    fn state(&mut self) -> u32 {
        self.sets.push(Vec::new());
        self.eps.push(Vec::new());
        u32::try_from(self.sets.len() - 1).unwrap_or(u32::MAX)
    }

    fn eps_edge(&mut self, from: u32, to: u32) {
        if let Some(e) = self.eps.get_mut(from as usize) {
            e.push(to);
        }
    }

    /// Adds `re` starting at `from`; returns its end state.
    fn build(&mut self, re: &Re, from: u32) -> u32 {
        match re {
            Re::Eps => from,
            Re::Void => self.state(),
            Re::Set(s) => {
                let to = self.state();
                if let Some(t) = self.sets.get_mut(from as usize) {
                    t.push((s.clone(), to));
                }
                to
            }
            Re::Cat(parts) => parts.iter().fold(from, |at, p| self.build(p, at)),
            Re::Alt(parts) => {
                let end = self.state();
                for p in parts {
                    let start = self.state();
                    self.eps_edge(from, start);
                    let e = self.build(p, start);
                    self.eps_edge(e, end);
                }
                end
            }
            Re::Star(inner) => {
                let hub = self.state();
                self.eps_edge(from, hub);
                let start = self.state();
                self.eps_edge(hub, start);
                let e = self.build(inner, start);
                self.eps_edge(e, hub);
                hub
            }
        }
    }

    fn close(&self, set: &mut Vec<u32>) {
        let mut stack: Vec<u32> = set.clone();
        while let Some(s) = stack.pop() {
            for &t in self.eps.get(s as usize).map_or(&[][..], Vec::as_slice) {
                if !set.contains(&t) {
                    set.push(t);
                    stack.push(t);
                }
            }
        }
        set.sort_unstable();
    }
}

/// An NFA determinised lazily over the partition's alphabet.
#[derive(Debug)]
struct LazyDfa {
    nfa: Nfa,
    states: Vec<Vec<u32>>,
    ids: FxHashMap<Vec<u32>, u32>,
    accepting: Vec<bool>,
    /// `[state * symbols + symbol]`, one flat table (a row per state was an allocation
    /// per state, and automata of literal actions have many states): `UNKNOWN` not
    /// computed yet, `DEAD` no NFA state left.
    next: Vec<u32>,
    /// The alphabet's size: the row length of `next`.
    symbols: usize,
    /// `[state]`: the symbols that lead somewhere, with where, once asked for
    /// ([`LazyDfa::row`]). A literal has one or two; `.*` has all.
    rows: Vec<Option<Vec<(u32, u32)>>>,
}

const DEAD: u32 = u32::MAX;
const UNKNOWN: u32 = u32::MAX - 1;

impl LazyDfa {
    fn new(re: &Re, symbols: usize) -> LazyDfa {
        let nfa = Nfa::new(re);
        let mut d = LazyDfa {
            nfa,
            states: Vec::new(),
            ids: FxHashMap::default(),
            accepting: Vec::new(),
            next: Vec::new(),
            symbols,
            rows: Vec::new(),
        };
        let mut start = vec![0];
        d.nfa.close(&mut start);
        d.intern(start);
        d
    }

    fn intern(&mut self, set: Vec<u32>) -> u32 {
        if set.is_empty() {
            return DEAD;
        }
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = u32::try_from(self.states.len()).unwrap_or(DEAD);
        self.accepting.push(set.contains(&self.nfa.accept));
        self.ids.insert(set.clone(), id);
        self.states.push(set);
        self.next.extend(std::iter::repeat_n(UNKNOWN, self.symbols));
        self.rows.push(None);
        id
    }

    /// The transitions of `state` that do not lead to `DEAD`, as (symbol, next state),
    /// by symbol: computed once per state.
    fn row(&mut self, state: u32, alphabet: &[char]) -> &[(u32, u32)] {
        let computed = self.rows.get(state as usize).is_some_and(Option::is_some);
        if !computed {
            let mut row = Vec::new();
            for (sym, &c) in alphabet.iter().enumerate() {
                let next = self.step(state, sym, c);
                if next != DEAD {
                    row.push((u32::try_from(sym).unwrap_or(u32::MAX), next));
                }
            }
            if let Some(slot) = self.rows.get_mut(state as usize) {
                *slot = Some(row);
            }
        }
        self.rows
            .get(state as usize)
            .and_then(Option::as_deref)
            .unwrap_or(&[])
    }

    fn step(&mut self, state: u32, symbol: usize, c: char) -> u32 {
        if state == DEAD {
            return DEAD;
        }
        // A symbol outside the alphabet the table was made for is computed, not cached.
        let slot = if symbol < self.symbols {
            (state as usize) * self.symbols + symbol
        } else {
            usize::MAX
        };
        if let Some(&n) = self.next.get(slot) {
            if n != UNKNOWN {
                return n;
            }
        }
        let mut set: Vec<u32> = Vec::new();
        for &s in self
            .states
            .get(state as usize)
            .map_or(&[][..], Vec::as_slice)
        {
            for (cs, to) in self.nfa.sets.get(s as usize).map_or(&[][..], Vec::as_slice) {
                if cs.contains(c) && !set.contains(to) {
                    set.push(*to);
                }
            }
        }
        let n = if set.is_empty() {
            DEAD
        } else {
            self.nfa.close(&mut set);
            self.intern(set)
        };
        if let Some(x) = self.next.get_mut(slot) {
            *x = n;
        }
        n
    }

    fn accepts(&self, state: u32) -> bool {
        state != DEAD && self.accepting.get(state as usize).copied().unwrap_or(false)
    }
}

/// A pruning condition, asked with partial answers (`known(i)`) of the languages.
pub type Keep<'a> = dyn Fn(&dyn Fn(usize) -> Option<bool>) -> bool + 'a;

/// Which of the partition's languages a string belongs to, as a bit set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Signature(Vec<u64>);

impl Signature {
    pub fn with_len(n: usize) -> Signature {
        Signature(vec![0; n.div_ceil(64)])
    }

    pub fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// One realizable signature and the shortest string of the domain that has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    pub signature: Signature,
    pub witness: String,
}

/// The partition ran out of budget: more product states than allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub states: usize,
}

/// The string a regular expression stands for when it stands for exactly one (a literal
/// action such as `iam:createuser`), if it does.
fn literal(re: &Re) -> Option<String> {
    fn walk(re: &Re, out: &mut String) -> bool {
        match re {
            Re::Eps => true,
            Re::Set(CharSet::Only(v)) => match v.as_slice() {
                [c] => {
                    out.push(*c);
                    true
                }
                _ => false,
            },
            Re::Cat(parts) => parts.iter().all(|p| walk(p, out)),
            Re::Alt(parts) => match parts.as_slice() {
                [one] => walk(one, out),
                _ => false,
            },
            Re::Void | Re::Set(CharSet::Except(_)) | Re::Star(_) => false,
        }
    }
    let mut out = String::new();
    walk(re, &mut out).then_some(out)
}

/// The languages of a family that are one string each, as one trie: a long list of
/// literal actions (an access level of several services) was one automaton per action,
/// each stepped on every prefix; in the trie a prefix is one node. Node 0 is the root.
#[derive(Debug, Default)]
struct Trie {
    /// `[node]`: (character, child), sorted by character.
    children: Vec<Vec<(char, u32)>>,
    /// `[node]`: the languages whose string ends here.
    ends: Vec<Vec<u32>>,
    /// `[node]`: the node's number in depth-first order, and one past its last
    /// descendant's: node `m` is in the subtree of `n` when `pre[n] <= pre[m] < post[n]`.
    pre: Vec<u32>,
    post: Vec<u32>,
    /// `[node]`: how many strings run through the node (end here or below).
    through: Vec<u32>,
    /// `[language]`: the node where its string ends, `NO_NODE` for a language that is
    /// not a literal (it keeps its automaton).
    end_of: Vec<u32>,
}

/// Off the trie: no literal is a prefix of what was read.
const NO_NODE: u32 = u32::MAX;

impl Trie {
    fn new(literals: &[Option<String>]) -> Trie {
        let mut t = Trie {
            children: vec![Vec::new()],
            ends: vec![Vec::new()],
            ..Trie::default()
        };
        for (lang, lit) in literals.iter().enumerate() {
            let lang = u32::try_from(lang).unwrap_or(NO_NODE);
            let Some(lit) = lit else {
                t.end_of.push(NO_NODE);
                continue;
            };
            let mut node = 0u32;
            for c in lit.chars() {
                node = match t.child(node, c) {
                    NO_NODE => {
                        let new = u32::try_from(t.children.len()).unwrap_or(NO_NODE);
                        t.children.push(Vec::new());
                        t.ends.push(Vec::new());
                        if let Some(kids) = t.children.get_mut(node as usize) {
                            let at = kids.partition_point(|&(k, _)| k < c);
                            kids.insert(at, (c, new));
                        }
                        new
                    }
                    next => next,
                };
            }
            if let Some(e) = t.ends.get_mut(node as usize) {
                e.push(lang);
            }
            t.end_of.push(node);
        }
        t.number();
        t
    }

    fn child(&self, node: u32, c: char) -> u32 {
        self.children
            .get(node as usize)
            .and_then(|kids| {
                kids.binary_search_by_key(&c, |&(k, _)| k)
                    .ok()
                    .and_then(|i| kids.get(i))
            })
            .map_or(NO_NODE, |&(_, n)| n)
    }

    /// Depth-first numbers and string counts, with an explicit stack (strings may be long).
    fn number(&mut self) {
        let n = self.children.len();
        self.pre = vec![0; n];
        self.post = vec![0; n];
        self.through = vec![0; n];
        let mut counter = 0u32;
        // (node, whether its children were pushed)
        let mut stack: Vec<(u32, bool)> = vec![(0, false)];
        while let Some((node, expanded)) = stack.pop() {
            let i = node as usize;
            if expanded {
                let below: u32 = self.children.get(i).map_or(0, |kids| {
                    kids.iter()
                        .map(|&(_, k)| self.through.get(k as usize).copied().unwrap_or(0))
                        .sum()
                });
                let here = self
                    .ends
                    .get(i)
                    .map_or(0, |e| u32::try_from(e.len()).unwrap_or(0));
                if let Some(t) = self.through.get_mut(i) {
                    *t = below + here;
                }
                if let Some(p) = self.post.get_mut(i) {
                    *p = counter;
                }
                continue;
            }
            if let Some(p) = self.pre.get_mut(i) {
                *p = counter;
            }
            counter += 1;
            stack.push((node, true));
            if let Some(kids) = self.children.get(i) {
                for &(_, k) in kids.iter().rev() {
                    stack.push((k, false));
                }
            }
        }
    }

    /// Whether literal language `lang` can still match after reaching `node`.
    fn live(&self, node: u32, lang: usize) -> bool {
        let Some(&end) = self.end_of.get(lang) else {
            return false;
        };
        if node == NO_NODE || end == NO_NODE {
            return false;
        }
        let at = |v: &[u32], i: u32| v.get(i as usize).copied().unwrap_or(0);
        let e = at(&self.pre, end);
        at(&self.pre, node) <= e && e < at(&self.post, node)
    }

    fn is_literal(&self, lang: usize) -> bool {
        self.end_of.get(lang).is_some_and(|&e| e != NO_NODE)
    }

    fn through(&self, node: u32) -> usize {
        if node == NO_NODE {
            0
        } else {
            self.through.get(node as usize).copied().unwrap_or(0) as usize
        }
    }

    fn ends(&self, node: u32) -> &[u32] {
        if node == NO_NODE {
            &[]
        } else {
            self.ends.get(node as usize).map_or(&[][..], Vec::as_slice)
        }
    }
}

/// The languages of one field, ready to partition its domain or classify strings.
#[derive(Debug)]
pub struct Family {
    domain: LazyDfa,
    /// One automaton per language; a literal's is empty (`Re::Void`): the trie has it.
    langs: Vec<LazyDfa>,
    trie: Trie,
    /// Representative characters, nicest first; `alphabet[other]` stands for every
    /// character no language mentions.
    alphabet: Vec<char>,
    other: usize,
}

/// How pleasant a character is in a counterexample (lower is nicer).
fn niceness(c: char) -> (u8, char) {
    let rank = if c.is_ascii_lowercase() {
        0
    } else if c.is_ascii_digit() {
        1
    } else if c.is_ascii_uppercase() {
        2
    } else if matches!(c, '-' | '/' | ':' | '_' | '.') {
        3
    } else if c.is_ascii_graphic() {
        4
    } else {
        5
    };
    (rank, c)
}

impl Family {
    /// `domain`: the strings a request may carry; `langs`: the patterns to tell apart.
    pub fn new(domain: &Re, langs: &[Re]) -> Family {
        let mut chars = Vec::new();
        domain.collect_chars(&mut chars);
        for l in langs {
            l.collect_chars(&mut chars);
        }
        chars.sort_unstable();
        chars.dedup();
        let other = ('a'..='z')
            .chain('0'..='9')
            .chain(['~', '\u{e000}'])
            .find(|c| chars.binary_search(c).is_err())
            .unwrap_or('\u{e001}');
        let mut alphabet = chars;
        alphabet.push(other);
        alphabet.sort_by_key(|&c| niceness(c));
        let n = alphabet.len();
        let literals: Vec<Option<String>> = langs.iter().map(literal).collect();
        Family {
            domain: LazyDfa::new(domain, n),
            langs: langs
                .iter()
                .zip(&literals)
                .map(|(l, lit)| LazyDfa::new(if lit.is_some() { &Re::Void } else { l }, n))
                .collect(),
            trie: Trie::new(&literals),
            other: alphabet.iter().position(|&a| a == other).unwrap_or(0),
            alphabet,
        }
    }

    fn symbol_of(&self, c: char) -> (usize, char) {
        // An unmentioned character behaves like the representative of all of them.
        match self
            .alphabet
            .binary_search_by_key(&niceness(c), |&a| niceness(a))
        {
            Ok(i) => (i, c),
            Err(_) => (self.other, c),
        }
    }

    /// The signature of one string, or `None` when it is outside the domain.
    pub fn classify(&mut self, text: &str) -> Option<Signature> {
        let mut d = 0;
        let mut states: Vec<u32> = vec![0; self.langs.len()];
        let mut node = 0u32;
        for c in text.chars() {
            let (sym, ch) = self.symbol_of(c);
            d = self.domain.step(d, sym, ch);
            if d == DEAD {
                return None;
            }
            if node != NO_NODE {
                node = self.trie.child(node, ch);
            }
            for (i, s) in states.iter_mut().enumerate() {
                if let Some(l) = self.langs.get_mut(i) {
                    *s = l.step(*s, sym, ch);
                }
            }
        }
        if !self.domain.accepts(d) {
            return None;
        }
        let mut sig = Signature::with_len(self.langs.len());
        for (i, s) in states.iter().enumerate() {
            if self.langs.get(i).is_some_and(|l| l.accepts(*s)) {
                sig.set(i);
            }
        }
        for &i in self.trie.ends(node) {
            sig.set(i as usize);
        }
        Some(sig)
    }

    /// Every realizable signature, with its shortest witness (ties broken by nicer
    /// characters first). `max_states` bounds the product states explored.
    pub fn partition(&mut self, max_states: usize) -> Result<Vec<Class>, TooLarge> {
        self.partition_where(max_states, &|_| true)
    }

    /// [`Family::partition`], keeping only what `keep` allows: `keep` is asked about
    /// partial knowledge (`known(i)`: `Some(false)` when language `i` can no longer
    /// match any continuation, `None` otherwise), and a `false` prunes every string with
    /// that prefix. Exact as long as `keep` answers `false` only when no completion of the
    /// unknown languages could satisfy it.
    pub fn partition_where(
        &mut self,
        max_states: usize,
        keep: &Keep<'_>,
    ) -> Result<Vec<Class>, TooLarge> {
        let n = self.alphabet.len();
        // A product state: the domain's DFA state, the trie node of the literals (the
        // prefix read, while some literal still starts with it) and the other live
        // languages' states.
        type Product = (u32, u32, Vec<(u32, u32)>);
        // Without literals the trie's root stands for nothing (as off the trie).
        let root = if self.trie.through(0) == 0 {
            NO_NODE
        } else {
            0
        };
        let start: Product = (
            0,
            root,
            (0..self.langs.len())
                .filter(|&i| !self.trie.is_literal(i))
                .map(|i| (u32::try_from(i).unwrap_or(DEAD), 0))
                .collect(),
        );
        let mut seen: FxHashMap<Product, usize> = FxHashMap::default();
        // Parent pointers: (parent index, character) to rebuild witnesses.
        let mut parents: Vec<(usize, char)> = vec![(usize::MAX, '\0')];
        let mut order: Vec<Product> = vec![start.clone()];
        // Whether a state's live languages are fewer than its parent's. Languages only
        // die along a string, so a state with as many live languages as its parent has
        // the same ones, and `keep` (which was true for the parent, or it would not have
        // been expanded) is true again: asking it costs a walk of the formula per state,
        // which for long literal lists (a thousand actions) was most of the search.
        let mut shrank: Vec<bool> = vec![true];
        // The live languages' next states by symbol, rebuilt for each product state from
        // each language's row of transitions that lead somewhere: a literal contributes
        // to one or two symbols, not to all of them.
        let mut by_symbol: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        seen.insert(start, 0);
        let mut queue: VecDeque<usize> = VecDeque::from([0]);
        let mut found: FxHashMap<Signature, usize> = FxHashMap::default();
        let mut found_order: Vec<Signature> = Vec::new();
        while let Some(at) = queue.pop_front() {
            let Some((d, node, live)) = order.get(at).cloned() else {
                continue;
            };
            // Languages not in `live` (literals: not under `node`) are dead: they match no
            // continuation.
            let trie = &self.trie;
            let partial = |i: usize| -> Option<bool> {
                if trie.is_literal(i) {
                    return (!trie.live(node, i)).then_some(false);
                }
                let idx = u32::try_from(i).unwrap_or(DEAD);
                match live.binary_search_by_key(&idx, |&(j, _)| j) {
                    Ok(_) => None,
                    Err(_) => Some(false),
                }
            };
            if shrank.get(at).copied().unwrap_or(true) && !keep(&partial) {
                continue;
            }
            if self.domain.accepts(d) {
                let mut sig = Signature::with_len(self.langs.len());
                for &(i, s) in &live {
                    if self.langs.get(i as usize).is_some_and(|l| l.accepts(s)) {
                        sig.set(i as usize);
                    }
                }
                for &i in self.trie.ends(node) {
                    sig.set(i as usize);
                }
                let exact = |i: usize| Some(sig.get(i));
                if !found.contains_key(&sig) && keep(&exact) {
                    found.insert(sig.clone(), at);
                    found_order.push(sig);
                }
            }
            by_symbol.iter_mut().for_each(Vec::clear);
            for &(i, s) in &live {
                if let Some(l) = self.langs.get_mut(i as usize) {
                    for &(sym, ns) in l.row(s, &self.alphabet) {
                        if let Some(v) = by_symbol.get_mut(sym as usize) {
                            v.push((i, ns));
                        }
                    }
                }
            }
            for sym in 0..n {
                let Some(&c) = self.alphabet.get(sym) else {
                    continue;
                };
                let nd = self.domain.step(d, sym, c);
                if nd == DEAD {
                    continue;
                }
                // In the order of `live` (sorted by language), as the rows were read.
                let next = by_symbol.get(sym).cloned().unwrap_or_default();
                let next_node = if node == NO_NODE {
                    NO_NODE
                } else {
                    self.trie.child(node, c)
                };
                let fewer = next.len() + self.trie.through(next_node)
                    < live.len() + self.trie.through(node);
                let p: Product = (nd, next_node, next);
                if !seen.contains_key(&p) {
                    if order.len() >= max_states {
                        return Err(TooLarge {
                            states: order.len(),
                        });
                    }
                    let idx = order.len();
                    seen.insert(p.clone(), idx);
                    order.push(p);
                    shrank.push(fewer);
                    parents.push((at, c));
                    queue.push_back(idx);
                }
            }
        }
        Ok(found_order
            .into_iter()
            .filter_map(|sig| {
                let at = *found.get(&sig)?;
                Some(Class {
                    witness: witness(&parents, at),
                    signature: sig,
                })
            })
            .collect())
    }
}

fn witness(parents: &[(usize, char)], mut at: usize) -> String {
    let mut chars = Vec::new();
    while let Some(&(p, c)) = parents.get(at) {
        if p == usize::MAX {
            break;
        }
        chars.push(c);
        at = p;
    }
    chars.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::glob::Glob;

    fn glob_re(p: &str, ci: bool) -> Re {
        Re::Cat(
            p.chars()
                .map(|c| match c {
                    '*' => Re::any_run(),
                    '?' => Re::Set(CharSet::any()),
                    c => Re::char(c, if ci { Fold::Ascii } else { Fold::None }),
                })
                .collect(),
        )
    }

    fn all_strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..max_len {
            let mut next = Vec::new();
            for s in &frontier {
                for &c in alphabet {
                    let mut t = s.clone();
                    t.push(c);
                    next.push(t);
                }
            }
            out.extend(next.iter().cloned());
            frontier = next;
        }
        out
    }

    #[test]
    fn globs_partition_exactly_like_brute_force() {
        // Patterns over {a, b, :}; brute force over every string up to length 6 finds
        // every signature a string of any length can have for these short patterns.
        let cases: &[&[&str]] = &[
            &["a*", "*b", "a?b"],
            &["*", "a:*", "a:b"],
            &["ab*", "*ba*", "??"],
            &["a*b*a", "b", "*:*"],
            // Literals go to the trie, mixed with patterns and among themselves: a
            // prefix of another, the empty string, the same text as a pattern matches.
            &["ab", "a", "", "ab:a", "a*", "b?"],
            &["a", "b", "ab", "ba", "aab", "ab"],
            &["a:b", "a:ba", "*a", "a:*"],
        ];
        for pats in cases {
            let langs: Vec<Re> = pats.iter().map(|p| glob_re(p, false)).collect();
            let mut fam = Family::new(&Re::any_run(), &langs);
            let classes = fam.partition(10_000).unwrap();
            let globs: Vec<Glob> = pats.iter().map(|p| Glob::new(p, false)).collect();
            let mut brute: Vec<Signature> = Vec::new();
            for s in all_strings(&['a', 'b', ':', 'x'], 6) {
                let mut sig = Signature::with_len(pats.len());
                for (i, g) in globs.iter().enumerate() {
                    if g.matches(&s) {
                        sig.set(i);
                    }
                }
                if !brute.contains(&sig) {
                    brute.push(sig);
                }
                assert_eq!(fam.classify(&s), Some(sig_of(&globs, &s)), "{s}");
            }
            let mut got: Vec<Signature> = classes.iter().map(|c| c.signature.clone()).collect();
            got.sort();
            brute.sort();
            assert_eq!(got, brute, "{pats:?}");
            for c in &classes {
                assert_eq!(
                    sig_of(&globs, &c.witness),
                    c.signature,
                    "witness {}",
                    c.witness
                );
            }
        }
    }

    fn sig_of(globs: &[Glob], s: &str) -> Signature {
        let mut sig = Signature::with_len(globs.len());
        for (i, g) in globs.iter().enumerate() {
            if g.matches(s) {
                sig.set(i);
            }
        }
        sig
    }

    /// Pruning sees a literal as dead once the prefix read leaves it: keeping only what
    /// the literal `ab:a` or the pattern `b*` matches finds exactly those classes.
    #[test]
    fn pruning_knows_when_a_literal_is_out_of_reach() {
        let pats = ["ab:a", "b*", "a", "abx"];
        let langs: Vec<Re> = pats.iter().map(|p| glob_re(p, false)).collect();
        let mut fam = Family::new(&Re::any_run(), &langs);
        let keep = |known: &dyn Fn(usize) -> Option<bool>| -> bool {
            known(0) != Some(false) || known(1) != Some(false)
        };
        let classes = fam.partition_where(10_000, &keep).unwrap();
        let globs: Vec<Glob> = pats.iter().map(|p| Glob::new(p, false)).collect();
        let mut got: Vec<Signature> = classes.iter().map(|c| c.signature.clone()).collect();
        got.sort();
        let mut want: Vec<Signature> = Vec::new();
        for s in all_strings(&['a', 'b', ':', 'x'], 5) {
            let sig = sig_of(&globs, &s);
            if (sig.get(0) || sig.get(1)) && !want.contains(&sig) {
                want.push(sig);
            }
        }
        want.sort();
        assert_eq!(got, want);
        assert_eq!(literal(&glob_re("ab:a", false)), Some("ab:a".to_string()));
        assert_eq!(literal(&glob_re("a*", false)), None);
        assert_eq!(
            literal(&glob_re("ab", true)),
            None,
            "case-folded letters are sets"
        );
    }

    #[test]
    fn domain_restricts_and_ignore_case_folds() {
        let word = || Re::plus(CharSet::only(('a'..='z').chain('0'..='9')));
        let domain = Re::Cat(vec![word(), Re::char(':', Fold::None), word()]);
        let langs = vec![glob_re("s3:get*", true), glob_re("S3:GetObject", true)];
        let mut fam = Family::new(&domain, &langs);
        let classes = fam.partition(10_000).unwrap();
        // none, get* only, both
        assert_eq!(classes.len(), 3);
        assert!(classes.iter().all(|c| fam.classify(&c.witness).is_some()));
        assert_eq!(fam.classify("S3"), None, "outside the domain");
        let both = fam.classify("s3:getobject").unwrap();
        assert!(both.get(0) && both.get(1));
    }

    #[test]
    fn budget_is_reported() {
        let langs: Vec<Re> = (0..8)
            .map(|i| glob_re(&format!("*{i}*{i}*"), false))
            .collect();
        let mut fam = Family::new(&Re::any_run(), &langs);
        assert!(fam.partition(50).is_err());
    }
}
