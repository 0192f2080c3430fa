//! The layering of docs/architecture.md, checked on the code itself: the allowed edges and
//! the I/O column are read from the table in that page (not from a copy here), and every
//! Rust file under `src/` is parsed (with `syn`) so that no way of writing a dependency
//! slips past: `use` trees with groups, renames and globs, `crate::`, `super::` and
//! `self::` paths anywhere in the code (expressions, types, patterns), inline modules.
//!
//! I/O: a module whose I/O column says "no" may not name `std::fs`, `std::io`, `std::env`,
//! `std::process`, the sockets of `std::net`, `std::time::Instant` or
//! `std::time::SystemTime`, nor call the print macros; `#[cfg(test)]` code is exempt from this rule only (unit tests may
//! read fixtures) and follows the layering like the rest.
//!
//! Not seen: paths inside macro invocations (their tokens are not Rust syntax until
//! expanded); every macro of the crate lives in `cli`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::{self, Visit};

/// One row of the table: the modules a module may use (`None`: anything) and whether it
/// may do I/O.
struct Rule {
    may_use: Option<BTreeSet<String>>,
    io: bool,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The backticked words of a table cell.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The table of docs/architecture.md whose header is `| module | job | may use | I/O |`.
fn rules_from_the_docs() -> BTreeMap<String, Rule> {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let mut lines = doc.lines().skip_while(|l| {
        let cells: Vec<&str> = l.split('|').map(str::trim).collect();
        cells.get(1..5) != Some(&["module", "job", "may use", "I/O"][..])
    });
    assert!(
        lines.next().is_some(),
        "no layering table in docs/architecture.md"
    );
    let mut rules = BTreeMap::new();
    for line in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, module, _job, may_use, io, ..] = cells.as_slice() else {
            panic!("a table row without four cells: {line}");
        };
        let may_use = match *may_use {
            "anything" => None,
            "nothing" => Some(BTreeSet::new()),
            cell => {
                let names: BTreeSet<String> = backticked(cell).into_iter().collect();
                assert!(!names.is_empty(), "`{cell}`: say `nothing` or name modules");
                Some(names)
            }
        };
        let io = match *io {
            "yes" => true,
            "no" => false,
            other => panic!("I/O must be `yes` or `no`, not `{other}`"),
        };
        for m in backticked(module) {
            rules.insert(
                m,
                Rule {
                    may_use: may_use.clone(),
                    io,
                },
            );
        }
    }
    assert!(rules.len() >= 10, "the table has only {} rows", rules.len());
    rules
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path a file defines: `src/check/expr.rs` is `check::expr`, `src/check/mod.rs`
/// is `check`, `src/lib.rs` the crate root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = segs.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if !matches!(stem.as_str(), "mod" | "lib" | "main") {
            segs.push(stem);
        }
    }
    segs
}

/// `#[cfg(test)]` (or a `cfg` that needs `test`) among the attributes.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && match &a.meta {
                syn::Meta::List(l) => {
                    let t = l.tokens.to_string();
                    t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == "test")
                        && !t.contains("not")
                }
                _ => false,
            }
    })
}

/// A dependency found in the code.
struct Found {
    /// Where: file and module path, for messages.
    at: String,
    /// The module of the scope it was found in (inline modules included).
    module: Vec<String>,
    what: String,
    /// Inside `#[cfg(test)]` code.
    test: bool,
}

struct Walker<'a> {
    file: &'a str,
    /// The module the walker is in.
    module: Vec<String>,
    test: bool,
    /// Full paths used (`use` trees flattened, paths in the code).
    paths: Vec<(Vec<String>, Found)>,
    /// Print macros and renames of `std`.
    io_calls: Vec<Found>,
}

impl Walker<'_> {
    fn found(&self, what: String) -> Found {
        Found {
            at: format!("{} ({})", self.file, self.module.join("::")),
            module: self.module.clone(),
            what,
            test: self.test,
        }
    }

    fn record(&mut self, segs: Vec<String>) {
        let what = segs.join("::");
        let f = self.found(what);
        self.paths.push((segs, f));
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut segs = prefix.clone();
                segs.push(n.ident.to_string());
                self.record(segs);
            }
            syn::UseTree::Rename(r) => {
                let mut segs = prefix.clone();
                segs.push(r.ident.to_string());
                if segs == ["std"] || segs == ["core"] {
                    let f = self.found(format!("`std` renamed to `{}`", r.rename));
                    self.io_calls.push(f);
                }
                self.record(segs);
            }
            syn::UseTree::Glob(_) => {
                let mut segs = prefix.clone();
                segs.push("*".into());
                self.record(segs);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        let was = self.test;
        self.test |= is_test_only(&i.attrs);
        let mut prefix = Vec::new();
        if i.leading_colon.is_some() {
            prefix.push(String::new());
        }
        self.use_tree(&mut prefix, &i.tree);
        self.test = was;
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        let was = self.test;
        self.test |= is_test_only(&i.attrs);
        self.module.push(i.ident.to_string());
        visit::visit_item_mod(self, i);
        self.module.pop();
        self.test = was;
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        let was = self.test;
        self.test |= is_test_only(&i.attrs);
        visit::visit_item_fn(self, i);
        self.test = was;
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let was = self.test;
        self.test |= is_test_only(&i.attrs);
        visit::visit_item_impl(self, i);
        self.test = was;
    }

    fn visit_item_extern_crate(&mut self, i: &'ast syn::ItemExternCrate) {
        let f = self.found(format!("extern crate {}", i.ident));
        self.io_calls.push(f);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let mut segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if p.leading_colon.is_some() {
            segs.insert(0, String::new());
        }
        self.record(segs);
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = m.path.segments.last().map(|s| s.ident.to_string());
        if let Some(n) = name.filter(|n| {
            matches!(
                n.as_str(),
                "print" | "println" | "eprint" | "eprintln" | "dbg"
            )
        }) {
            let f = self.found(format!("{n}!"));
            self.io_calls.push(f);
        }
        visit::visit_macro(self, m);
    }
}

/// The crate module a path names, relative to the module it is written in: `crate::a::..`
/// and `super::..`/`self::..` resolved; `None` for anything outside the crate.
fn crate_module(module: &[String], segs: &[String]) -> Option<Vec<String>> {
    // `pub(crate)`, `pub(super)` and the `self` of methods name no module.
    if segs.len() < 2 {
        return None;
    }
    match segs.first().map(String::as_str) {
        Some("crate") => Some(segs.get(1..).unwrap_or_default().to_vec()),
        Some("self") => {
            let mut m = module.to_vec();
            m.extend(segs.get(1..).unwrap_or_default().iter().cloned());
            Some(m)
        }
        Some("super") => {
            let supers = segs.iter().take_while(|s| *s == "super").count();
            let keep = module.len().checked_sub(supers)?;
            let mut m = module.get(..keep)?.to_vec();
            m.extend(segs.get(supers..).unwrap_or_default().iter().cloned());
            Some(m)
        }
        _ => None,
    }
}

/// Whether a path names what a module without I/O may not use.
fn is_io(segs: &[String]) -> bool {
    let s: Vec<&str> = segs
        .iter()
        .map(String::as_str)
        .skip_while(|s| s.is_empty())
        .collect();
    matches!(
        s.as_slice(),
        ["std", "fs" | "io" | "env" | "process", ..]
            | [
                "std",
                "net",
                "TcpStream" | "TcpListener" | "UdpSocket" | "ToSocketAddrs",
                ..
            ]
            | ["std", "time", "Instant" | "SystemTime", ..]
    )
}

#[test]
fn modules_only_use_what_the_architecture_table_allows() {
    let rules = rules_from_the_docs();
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut parsed = Vec::new();
    // `#[cfg(test)] mod tests;` makes a whole file test code.
    let mut test_files: BTreeSet<Vec<String>> = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_path_buf();
        let text = std::fs::read_to_string(file).unwrap();
        let ast = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", rel.display()));
        let module = module_of(&rel);
        for item in &ast.items {
            if let syn::Item::Mod(m) = item {
                if m.content.is_none() && is_test_only(&m.attrs) {
                    let mut path = module.clone();
                    path.push(m.ident.to_string());
                    test_files.insert(path);
                }
            }
        }
        parsed.push((rel, module, ast));
    }
    let mut violations = Vec::new();
    let mut edges = 0;
    for (rel, module, ast) in &parsed {
        let Some(top) = module.first() else {
            continue; // lib.rs and main.rs may use anything
        };
        let Some(rule) = rules.get(top) else {
            violations.push(format!(
                "{}: module `{top}` is not in the table of docs/architecture.md",
                rel.display()
            ));
            continue;
        };
        let file = rel.display().to_string();
        let mut w = Walker {
            file: &file,
            module: module.clone(),
            test: test_files.contains(module),
            paths: Vec::new(),
            io_calls: Vec::new(),
        };
        w.visit_file(ast);
        for (segs, found) in &w.paths {
            if !rule.io && !found.test && is_io(segs) {
                violations.push(format!("{}: uses `{}` (no I/O here)", found.at, found.what));
            }
            let Some(target) = crate_module(&found.module, segs) else {
                continue;
            };
            let Some(target_top) = target.first() else {
                violations.push(format!(
                    "{}: `{}` names the crate root",
                    found.at, found.what
                ));
                continue;
            };
            if target_top == "*" {
                violations.push(format!("{}: glob import of the crate root", found.at));
                continue;
            }
            edges += 1;
            let allowed =
                target_top == top || rule.may_use.as_ref().is_none_or(|m| m.contains(target_top));
            if !allowed {
                violations.push(format!(
                    "{}: `{}` makes `{top}` use `{target_top}`",
                    found.at, found.what
                ));
            }
        }
        if !rule.io {
            for found in w.io_calls.iter().filter(|f| !f.test) {
                violations.push(format!("{}: {} (no I/O here)", found.at, found.what));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
    // The walk sees the code: the crate has hundreds of edges between its modules.
    assert!(edges > 300, "only {edges} crate paths found");
}

#[test]
fn the_walker_sees_every_way_of_writing_a_dependency() {
    let text = r#"
use crate::{catalog::Catalog, check::{ir, types::Ty}};
use super::super::policy;
use std::{fs, collections::BTreeMap};
use std as s;
fn f() { let _ = crate::eval::evaluate; let _ = super::sibling::x(); println!("x"); }
#[cfg(test)]
mod tests { use std::fs::read; use crate::cli::Exit; }
"#;
    let ast = syn::parse_file(text).unwrap();
    let mut w = Walker {
        file: "x.rs",
        module: vec!["lower".into(), "cond".into()],
        test: false,
        paths: Vec::new(),
        io_calls: Vec::new(),
    };
    w.visit_file(&ast);
    let crate_paths: Vec<(String, bool)> = w
        .paths
        .iter()
        .filter_map(|(segs, f)| crate_module(&f.module, segs).map(|m| (m.join("::"), f.test)))
        .collect();
    for want in [
        "catalog::Catalog",
        "check::ir",
        "check::types::Ty",
        "policy",
        "eval::evaluate",
        "lower::sibling::x",
        "cli::Exit",
    ] {
        assert!(
            crate_paths.iter().any(|(p, _)| p == want),
            "{want} not found in {crate_paths:?}"
        );
    }
    let io: Vec<(String, bool)> = w
        .paths
        .iter()
        .filter(|(segs, _)| is_io(segs))
        .map(|(segs, f)| (segs.join("::"), f.test))
        .collect();
    assert_eq!(
        io,
        [
            ("std::fs".to_string(), false),
            ("std::fs::read".to_string(), true)
        ]
    );
    let calls: Vec<&str> = w.io_calls.iter().map(|f| f.what.as_str()).collect();
    assert_eq!(calls, ["`std` renamed to `s`", "println!"]);
}
