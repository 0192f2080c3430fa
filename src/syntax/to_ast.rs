//! pest pairs -> AST, with a byte span on every node.
//!
//! The grammar has already checked the shape; this pass builds nodes, decodes literals and
//! reports the problems the grammar deliberately lets through (see the error productions in
//! `grammar/iamc.pest`). It recurses over nesting, so it counts depth itself and stops with a
//! located error past [`MAX_DEPTH`] instead of trusting the native stack.

use super::ast::*;
use super::errors::{self, SyntaxError};
use super::pest_parser::Rule;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;

/// How deep lists, parentheses, `not`s and type arguments may nest.
pub const MAX_DEPTH: usize = 64;
/// How many conditions one `and`/`or` chain may join (each adds a level to the tree).
pub const MAX_CHAIN: usize = 256;

type P<'i> = Pair<'i, Rule>;

/// Builds AST nodes for one item parsed from `text[offset..]`.
pub struct AstBuilder<'d> {
    file: FileId,
    offset: usize,
    /// Problems that do not stop the item from being built.
    diags: &'d mut Vec<Diagnostic>,
}

/// A problem that drops the whole item (the tree would be too deep or meaningless).
type Fatal = Box<Diagnostic>;

fn fatal(e: SyntaxError, span: Span) -> Fatal {
    Box::new(errors::diagnostic(e, span))
}
type R<T> = Result<T, Fatal>;

impl<'d> AstBuilder<'d> {
    pub fn new(file: FileId, offset: usize, diags: &'d mut Vec<Diagnostic>) -> AstBuilder<'d> {
        AstBuilder {
            file,
            offset,
            diags,
        }
    }

    /// The span of a pair without the trailing whitespace and comments pest includes when
    /// a rule ends in an optional or repeated part.
    fn span(&self, p: &P) -> Span {
        self.abs(p.as_span().start(), trimmed_end(p))
    }

    fn abs(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offset + start, self.offset + end)
    }

    fn ident(&self, p: &P) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(p))
    }

    fn report(&mut self, e: SyntaxError, span: Span) {
        self.diags.push(errors::diagnostic(e, span));
    }

    /// An `item` pair.
    pub fn item(&mut self, p: P, doc: Option<Doc>) -> R<Item> {
        let span = self.span(&p);
        let Some(inner) = p.into_inner().next() else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        Ok(match inner.as_rule() {
            Rule::import_decl => Item::Import(self.import(inner)?),
            Rule::const_decl => Item::Const(self.const_decl(inner, doc)?),
            Rule::template_decl => Item::Template(self.template(inner, doc)?),
            Rule::document_decl => Item::Document(self.document(inner, doc)?),
            Rule::principal_decl => Item::Principal(self.principal_decl(inner, doc)?),
            Rule::prove_decl => Item::Prove(self.prove(inner, doc)?),
            _ => return Err(fatal(SyntaxError::Internal, span)),
        })
    }

    fn path(&self, p: &P) -> Path {
        let segments = p
            .clone()
            .into_inner()
            .filter(|s| matches!(s.as_rule(), Rule::ident | Rule::label))
            .map(|s| self.ident(&s))
            .collect();
        Path {
            segments,
            span: self.span(p),
        }
    }

    fn import(&mut self, p: P) -> R<Import> {
        let span = self.span(&p);
        let mut module: Option<Path> = None;
        let mut names = Vec::new();
        let mut alias = None;
        let mut grouped = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::path => module = Some(self.path(&c)),
                Rule::import_alias => {
                    alias = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::ident)
                        .map(|x| self.ident(&x));
                }
                Rule::import_group => {
                    grouped = true;
                    for n in c.into_inner().filter(|n| n.as_rule() == Rule::import_name) {
                        let nspan = self.span(&n);
                        let mut ids = n.into_inner().filter(|x| x.as_rule() == Rule::ident);
                        if let Some(name) = ids.next() {
                            names.push(ImportName {
                                name: self.ident(&name),
                                alias: ids.next().map(|a| self.ident(&a)),
                                span: nspan,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        let Some(mut module) = module else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        if !grouped {
            if module.segments.len() < 2 {
                return Err(fatal(
                    SyntaxError::SingleSegmentImport(module.dotted()),
                    module.span,
                ));
            }
            let Some(last) = module.segments.pop() else {
                return Err(fatal(SyntaxError::Internal, span));
            };
            let name_span = match &alias {
                Some(a) => last.span.to(a.span),
                None => last.span,
            };
            if let Some(prev) = module.segments.last() {
                module.span = Span {
                    end: prev.span.end,
                    ..module.span
                };
            }
            names.push(ImportName {
                name: last,
                alias,
                span: name_span,
            });
        }
        Ok(Import {
            module,
            names,
            span,
        })
    }

    fn const_decl(&mut self, p: P, doc: Option<Doc>) -> R<ConstDecl> {
        let span = self.span(&p);
        let mut name = None;
        let mut ty = None;
        let mut value = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(&c)),
                Rule::type_expr => ty = Some(self.type_expr(c, 0)?),
                Rule::expr => value = Some(self.expr(c, 0)?),
                _ => {}
            }
        }
        match (name, value) {
            (Some(name), Some(value)) => Ok(ConstDecl {
                doc,
                name,
                ty,
                value,
                span,
            }),
            _ => Err(fatal(SyntaxError::Internal, span)),
        }
    }

    fn type_expr(&mut self, p: P, depth: usize) -> R<TypeExpr> {
        let span = self.span(&p);
        if depth > MAX_DEPTH {
            return Err(fatal(SyntaxError::TooDeep, span));
        }
        let mut name = None;
        let mut arg = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(&c)),
                Rule::type_expr => arg = Some(self.type_expr(c, depth + 1)?),
                _ => {}
            }
        }
        let Some(name) = name else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        let kind = match arg {
            // `List<T>` is the one generic type; any other `Name<T>` is kept as a list so the
            // checker reports the unknown type name rather than losing the argument.
            Some(arg) if name.node == "List" => TypeExprKind::List(Box::new(arg)),
            Some(_) => {
                self.report(SyntaxError::NotGeneric(name.node.clone()), name.span);
                TypeExprKind::Named(name)
            }
            None => TypeExprKind::Named(name),
        };
        Ok(TypeExpr { kind, span })
    }

    fn template(&mut self, p: P, doc: Option<Doc>) -> R<TemplateDecl> {
        let span = self.span(&p);
        let mut name = None;
        let mut params = Vec::new();
        let mut body = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(&c)),
                Rule::param => params.push(self.param(c)?),
                Rule::body => body = self.body(c)?,
                _ => {}
            }
        }
        let Some(name) = name else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        Ok(TemplateDecl {
            doc,
            name,
            params,
            body,
            span,
        })
    }

    fn param(&mut self, p: P) -> R<Param> {
        let span = self.span(&p);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::label => name = Some(self.ident(&c)),
                Rule::type_expr => ty = Some(self.type_expr(c, 0)?),
                Rule::expr => default = Some(self.expr(c, 0)?),
                _ => {}
            }
        }
        match (name, ty) {
            (Some(name), Some(ty)) => Ok(Param {
                name,
                ty,
                default,
                span,
            }),
            _ => Err(fatal(SyntaxError::Internal, span)),
        }
    }

    fn document(&mut self, p: P, doc: Option<Doc>) -> R<DocumentDecl> {
        let span = self.span(&p);
        let mut keyword = None;
        let mut name = None;
        let mut target = None;
        let mut body = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::attach => {
                    if let Some(e) = c.into_inner().find(|x| x.as_rule() == Rule::expr) {
                        target = Some(self.expr(e, 0)?);
                    }
                }
                Rule::doc_keyword => {
                    let kspan = self.span(&c);
                    let kw = match c.into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::kw_policy) => DocumentKeyword::Policy,
                        Some(Rule::kw_boundary) => DocumentKeyword::Boundary,
                        Some(Rule::kw_trust) => DocumentKeyword::Trust,
                        Some(Rule::kw_scp) => DocumentKeyword::Scp,
                        Some(Rule::kw_rcp) => DocumentKeyword::Rcp,
                        Some(Rule::kw_resource) => DocumentKeyword::Resource,
                        _ => return Err(fatal(SyntaxError::Internal, kspan)),
                    };
                    keyword = Some(Spanned::new(kw, kspan));
                }
                Rule::ident => name = Some(self.ident(&c)),
                Rule::body => body = self.body(c)?,
                _ => {}
            }
        }
        match (keyword, name) {
            (Some(keyword), Some(name)) => Ok(DocumentDecl {
                doc,
                keyword,
                name,
                target,
                body,
                span,
            }),
            _ => Err(fatal(SyntaxError::Internal, span)),
        }
    }

    fn body(&mut self, p: P) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::rule => out.push(Stmt::Rule(self.rule(c)?)),
                Rule::use_stmt => out.push(Stmt::Use(self.use_stmt(c)?)),
                _ => {}
            }
        }
        Ok(out)
    }

    fn use_stmt(&mut self, p: P) -> R<UseStmt> {
        let span = self.span(&p);
        let mut template = None;
        let mut args = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::path => template = Some(self.path(&c)),
                Rule::named_arg => {
                    if let Some((name, value, span)) = self.labelled(c)? {
                        args.push(NamedArg { name, value, span });
                    }
                }
                _ => {}
            }
        }
        let Some(template) = template else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        Ok(UseStmt {
            template,
            args,
            span,
        })
    }

    /// A `named_arg` or `field` pair, `label: expr`: its name, value and span.
    fn labelled(&mut self, p: P) -> R<Option<(Ident, Expr, Span)>> {
        let span = self.span(&p);
        let mut name = None;
        let mut value = None;
        for a in p.into_inner() {
            match a.as_rule() {
                Rule::label => name = Some(self.ident(&a)),
                Rule::expr => value = Some(self.expr(a, 0)?),
                _ => {}
            }
        }
        Ok(name.zip(value).map(|(name, value)| (name, value, span)))
    }

    /// Keeps the first `on`/`from` clause of a rule in `slot`; reports any later one.
    fn first_clause<T>(
        &mut self,
        slot: &mut Option<Clause<T>>,
        clause: Clause<T>,
        keyword: &'static str,
        span: Span,
    ) {
        match slot {
            Some(first) => {
                let d = errors::diagnostic(SyntaxError::DuplicateClause(keyword), span)
                    .with_label(first.span, format!("first `{keyword}` clause here"));
                self.diags.push(d);
            }
            None => *slot = Some(clause),
        }
    }

    /// The resource clause inside an `on_clause` pair.
    fn on_clause(&mut self, p: P) -> R<Option<Clause<Expr>>> {
        match p.into_inner().find(|x| x.as_rule() == Rule::res_clause) {
            Some(x) => self.clause(x).map(Some),
            None => Ok(None),
        }
    }

    /// The condition inside a `when_clause` pair.
    fn when_clause(&mut self, p: P) -> R<Option<Cond>> {
        match p.into_inner().find(|x| x.as_rule() == Rule::cond) {
            Some(x) => self.cond(x, 0).map(Some),
            None => Ok(None),
        }
    }

    fn rule(&mut self, p: P) -> R<Rule_> {
        let span = self.span(&p);
        let mut sid = None;
        let mut effect = None;
        let mut actions = None;
        let mut principals: Option<Clause<PrincipalExpr>> = None;
        let mut resources: Option<Clause<Expr>> = None;
        let mut condition = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::sid => {
                    let sspan = self.span(&c);
                    if let Some(s) = c.into_inner().find(|x| x.as_rule() == Rule::string) {
                        sid = Some(Spanned::new(self.string_value(s), sspan));
                    }
                }
                Rule::effect => {
                    let e = match c.clone().into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::kw_deny) => RuleEffect::Deny,
                        _ => RuleEffect::Allow,
                    };
                    effect = Some(Spanned::new(e, self.span(&c)));
                }
                Rule::clause => actions = Some(self.clause(c)?),
                Rule::on_clause => {
                    let cspan = self.span(&c);
                    let Some(clause) = self.on_clause(c)? else {
                        return Err(fatal(SyntaxError::Internal, cspan));
                    };
                    self.first_clause(&mut resources, clause, "on", cspan);
                }
                Rule::from_clause => {
                    let cspan = self.span(&c);
                    let clause = self.principal_clause(c)?;
                    self.first_clause(&mut principals, clause, "from", cspan);
                }
                Rule::when_clause => condition = self.when_clause(c)?,
                _ => {}
            }
        }
        match (effect, actions) {
            (Some(effect), Some(actions)) => Ok(Rule_ {
                sid,
                effect,
                actions,
                principals,
                resources,
                condition,
                span,
            }),
            _ => Err(fatal(SyntaxError::Internal, span)),
        }
    }

    /// `[not] EXPR (, EXPR)*`
    fn clause(&mut self, p: P) -> R<Clause<Expr>> {
        let span = self.span(&p);
        let mut not = None;
        let mut items = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::kw_not => not = Some(self.span(&c)),
                Rule::expr => items.push(self.expr(c, 0)?),
                _ => {}
            }
        }
        Ok(Clause { not, items, span })
    }

    fn principal_clause(&mut self, p: P) -> R<Clause<PrincipalExpr>> {
        let mut not = None;
        let mut items = Vec::new();
        let mut start = None;
        let mut end = p.as_span().end();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::kw_not => {
                    start = start.or(Some(c.as_span().start()));
                    not = Some(self.span(&c));
                }
                Rule::principal => {
                    start = start.or(Some(c.as_span().start()));
                    end = c.as_span().end();
                    items.push(self.principal(c)?);
                }
                _ => {}
            }
        }
        let span = self.abs(start.unwrap_or(end), end);
        Ok(Clause { not, items, span })
    }

    fn principal(&mut self, p: P) -> R<PrincipalExpr> {
        let span = self.span(&p);
        let Some(c) = p.into_inner().next() else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        let kind = match c.as_rule() {
            Rule::principal_call => {
                let mut f = "";
                let mut arg = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::principal_fn => f = x.as_str(),
                        Rule::expr => arg = Some(self.expr(x, 0)?),
                        _ => {}
                    }
                }
                let Some(arg) = arg else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                match f {
                    "account" => PrincipalKind::Account(arg),
                    "service" => PrincipalKind::Service(arg),
                    "federated" => PrincipalKind::Federated(arg),
                    _ => PrincipalKind::CanonicalUser(arg),
                }
            }
            _ => {
                let e = self.expr(c, 0)?;
                match e.kind {
                    ExprKind::Wildcard => PrincipalKind::Any,
                    _ => PrincipalKind::Arn(e),
                }
            }
        };
        Ok(PrincipalExpr { kind, span })
    }

    fn principal_decl(&mut self, p: P, doc: Option<Doc>) -> R<PrincipalDecl> {
        let span = self.span(&p);
        let mut name = None;
        let mut fields = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(&c)),
                Rule::field => {
                    if let Some((name, value, span)) = self.labelled(c)? {
                        fields.push(Field { name, value, span });
                    }
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        Ok(PrincipalDecl {
            doc,
            name,
            fields,
            span,
        })
    }

    fn prove(&mut self, p: P, doc: Option<Doc>) -> R<ProveDecl> {
        let span = self.span(&p);
        let mut target = None;
        let mut properties = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::path => target = Some(self.path(&c)),
                Rule::property => properties.push(self.property(c)?),
                _ => {}
            }
        }
        let Some(target) = target else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        Ok(ProveDecl {
            doc,
            target,
            properties,
            span,
        })
    }

    fn property(&mut self, p: P) -> R<Property> {
        let span = self.span(&p);
        let Some(c) = p.into_inner().next() else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        let kind = match c.as_rule() {
            Rule::prop_within | Rule::prop_equivalent => {
                let within = c.as_rule() == Rule::prop_within;
                let Some(path) = c.into_inner().find(|x| x.as_rule() == Rule::path) else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                let path = self.path(&path);
                if within {
                    PropertyKind::Within(path)
                } else {
                    PropertyKind::Equivalent(path)
                }
            }
            _ => self.request(c)?,
        };
        Ok(Property { kind, span })
    }

    fn request(&mut self, p: P) -> R<PropertyKind> {
        let whole = self.span(&p);
        let mut verdict = None;
        let mut actions = None;
        let mut resources = None;
        let mut condition = None;
        let mut except = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::verdict => {
                    let v = match c.clone().into_inner().next().map(|k| k.as_rule()) {
                        Some(Rule::kw_allows) => Verdict::Allows,
                        Some(Rule::kw_denies) => Verdict::Denies,
                        _ => Verdict::MayAllow,
                    };
                    verdict = Some(Spanned::new(v, self.span(&c)));
                }
                Rule::clause => actions = Some(self.clause(c)?),
                Rule::on_clause => resources = self.on_clause(c)?,
                Rule::when_clause => condition = self.when_clause(c)?,
                Rule::except_clause => {
                    let mut items = Vec::new();
                    let mut start = None;
                    let mut end = 0;
                    for x in c.into_inner().filter(|x| x.as_rule() == Rule::expr) {
                        start = start.or(Some(x.as_span().start()));
                        end = x.as_span().end();
                        items.push(self.expr(x, 0)?);
                    }
                    except = Some(Clause {
                        not: None,
                        items,
                        span: self.abs(start.unwrap_or(end), end),
                    });
                }
                _ => {}
            }
        }
        let (Some(verdict), Some(actions)) = (verdict, actions) else {
            return Err(fatal(SyntaxError::Internal, whole));
        };
        let span = actions.span.to(whole);
        let span = Span {
            start: actions.span.start,
            ..span
        };
        Ok(PropertyKind::Request {
            verdict,
            request: RequestPattern {
                actions,
                resources,
                condition,
                except,
                span,
            },
        })
    }

    // ---- conditions -------------------------------------------------------------------

    /// `cond` and `cond_and`: left-associative chains.
    fn cond(&mut self, p: P, depth: usize) -> R<Cond> {
        let is_or = p.as_rule() == Rule::cond;
        let mut acc: Option<Cond> = None;
        let mut terms = 0usize;
        for c in p.into_inner() {
            let term = match c.as_rule() {
                Rule::cond_and => self.cond(c, depth)?,
                Rule::cond_not => self.cond_not(c, depth)?,
                _ => continue,
            };
            terms += 1;
            if terms > MAX_CHAIN {
                return Err(fatal(SyntaxError::ChainTooLong, term.span));
            }
            acc = Some(match acc {
                None => term,
                Some(left) => {
                    let span = left.span.to(term.span);
                    let kind = if is_or {
                        CondKind::Or(Box::new(left), Box::new(term))
                    } else {
                        CondKind::And(Box::new(left), Box::new(term))
                    };
                    Cond { kind, span }
                }
            });
        }
        acc.ok_or_else(|| fatal(SyntaxError::Internal, self.abs(0, 0)))
    }

    fn cond_not(&mut self, p: P, depth: usize) -> R<Cond> {
        let mut nots = Vec::new();
        let mut primary = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::kw_not => {
                    let s = self.span(&c);
                    if depth + nots.len() >= MAX_DEPTH {
                        return Err(fatal(SyntaxError::TooDeep, s));
                    }
                    nots.push(s);
                }
                _ => primary = Some(self.cond_primary(c, depth + nots.len())?),
            }
        }
        let Some(mut cond) = primary else {
            return Err(fatal(SyntaxError::Internal, self.abs(0, 0)));
        };
        for s in nots.into_iter().rev() {
            let span = s.to(cond.span);
            cond = Cond {
                kind: CondKind::Not(Box::new(cond)),
                span,
            };
        }
        Ok(cond)
    }

    fn cond_primary(&mut self, p: P, depth: usize) -> R<Cond> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::cond_paren => {
                if depth >= MAX_DEPTH {
                    return Err(fatal(
                        SyntaxError::TooDeep,
                        self.abs(p.as_span().start(), p.as_span().start() + 1),
                    ));
                }
                let Some(inner) = p.into_inner().find(|x| x.as_rule() == Rule::cond) else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                let inner = self.cond(inner, depth + 1)?;
                // The node is the inner condition, widened to the parentheses.
                return Ok(Cond {
                    kind: inner.kind,
                    span,
                });
            }
            Rule::cond_lit => {
                CondKind::Literal(p.into_inner().next().map(|k| k.as_rule()) == Some(Rule::kw_true))
            }
            Rule::cond_exists => {
                let Some(k) = p.into_inner().find(|x| x.as_rule() == Rule::key) else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                CondKind::Exists(self.key(k))
            }
            Rule::cond_quant => {
                let parts = self.comparison(p, depth)?;
                let (Some(quantifier), Some(key), Some(op), Some(value)) =
                    (parts.quantifier, parts.key, parts.op, parts.value)
                else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                CondKind::Quantified {
                    quantifier,
                    key,
                    op,
                    value,
                }
            }
            Rule::cond_compare => {
                let parts = self.comparison(p, depth)?;
                let Some(key) = parts.key else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                match (parts.op, parts.value) {
                    (Some(op), Some(value)) => CondKind::Compare { key, op, value },
                    _ => CondKind::Key(key),
                }
            }
            _ => return Err(fatal(SyntaxError::Internal, span)),
        };
        Ok(Cond { kind, span })
    }

    /// The parts of a `cond_quant` or `cond_compare` pair; a trailing `if exists` is folded
    /// into the key.
    fn comparison(&mut self, p: P, depth: usize) -> R<Comparison> {
        let mut parts = Comparison::default();
        let mut if_exists = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::quantifier => {
                    let q = if c.as_str().starts_with("all") {
                        Quantifier::All
                    } else {
                        Quantifier::Any
                    };
                    parts.quantifier = Some(Spanned::new(q, self.span(&c)));
                }
                Rule::key => parts.key = Some(self.key(c)),
                Rule::cmp_op => parts.op = Some(self.cmp_op(c)),
                Rule::expr => parts.value = Some(self.expr(c, depth)?),
                Rule::if_exists => if_exists = Some(self.span(&c)),
                _ => {}
            }
        }
        if let Some(key) = &mut parts.key {
            key.if_exists = key.if_exists.or(if_exists);
        }
        Ok(parts)
    }

    fn key(&self, p: P) -> KeyRef {
        let mut name = Spanned::new(String::new(), self.span(&p));
        let mut if_exists = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::key_name => name = self.ident(&c),
                Rule::key_q => if_exists = Some(self.span(&c)),
                _ => {}
            }
        }
        KeyRef { name, if_exists }
    }

    fn cmp_op(&self, p: P) -> Spanned<CompareOp> {
        let span = self.span(&p);
        let op = match p.into_inner().next().map(|o| o.as_rule()) {
            Some(Rule::op_ne) => CompareOp::Ne,
            Some(Rule::op_le) => CompareOp::Le,
            Some(Rule::op_ge) => CompareOp::Ge,
            Some(Rule::op_lt) => CompareOp::Lt,
            Some(Rule::op_gt) => CompareOp::Gt,
            Some(Rule::op_not_like) => CompareOp::NotLike,
            Some(Rule::op_not_in) => CompareOp::NotIn,
            Some(Rule::op_like) => CompareOp::Like,
            Some(Rule::op_in) => CompareOp::In,
            _ => CompareOp::Eq,
        };
        Spanned::new(op, span)
    }

    // ---- expressions ------------------------------------------------------------------

    fn expr(&mut self, p: P, depth: usize) -> R<Expr> {
        let span = self.span(&p);
        let Some(c) = p.into_inner().next() else {
            return Err(fatal(SyntaxError::Internal, span));
        };
        let kind = match c.as_rule() {
            Rule::list => {
                if depth >= MAX_DEPTH {
                    return Err(fatal(
                        SyntaxError::TooDeep,
                        self.abs(c.as_span().start(), c.as_span().start() + 1),
                    ));
                }
                let mut items = Vec::new();
                for x in c.into_inner().filter(|x| x.as_rule() == Rule::expr) {
                    items.push(self.expr(x, depth + 1)?);
                }
                ExprKind::List(items)
            }
            Rule::string => self.string_expr(c),
            Rule::arn_lit => ExprKind::Arn(self.arn(c)),
            Rule::tagged => self.tagged(c),
            Rule::action => {
                let mut service = None;
                let mut name = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::action_service => service = Some(self.ident(&x)),
                        Rule::action_name => name = Some(self.ident(&x)),
                        _ => {}
                    }
                }
                let (Some(service), Some(name)) = (service, name) else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                ExprKind::Action(ActionLit { service, name })
            }
            Rule::wildcard => ExprKind::Wildcard,
            Rule::number => ExprKind::Number(c.as_str().to_string()),
            Rule::bool_lit => {
                ExprKind::Bool(c.into_inner().next().map(|k| k.as_rule()) == Some(Rule::kw_true))
            }
            Rule::path => ExprKind::Name(self.path(&c)),
            Rule::call => {
                if depth >= MAX_DEPTH {
                    return Err(fatal(
                        SyntaxError::TooDeep,
                        self.abs(c.as_span().start(), c.as_span().start() + 1),
                    ));
                }
                let mut name = None;
                let mut args = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::call_name => name = Some(self.ident(&x)),
                        Rule::expr => args.push(self.expr(x, depth + 1)?),
                        _ => {}
                    }
                }
                let Some(name) = name else {
                    return Err(fatal(SyntaxError::Internal, span));
                };
                ExprKind::Call(Call { name, args })
            }
            _ => return Err(fatal(SyntaxError::Internal, span)),
        };
        Ok(Expr { kind, span })
    }

    /// A `string` pair: its decoded value; reports a missing quote and bad escapes.
    fn string_value(&mut self, p: P) -> String {
        let span = self.span(&p);
        let mut out = String::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::str_content => out = self.unescape(&c),
                Rule::str_close if c.as_str().is_empty() => {
                    self.report(SyntaxError::UnterminatedString, span);
                }
                _ => {}
            }
        }
        out
    }

    /// A `string` pair as an expression: `"text"`, or with `{name}` parts, an
    /// interpolated string. Reports a missing quote, bad escapes and braces.
    fn string_expr(&mut self, p: P) -> ExprKind {
        let span = self.span(&p);
        let mut parts = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::str_content => parts = self.string_parts(&c),
                Rule::str_close if c.as_str().is_empty() => {
                    self.report(SyntaxError::UnterminatedString, span);
                }
                _ => {}
            }
        }
        if parts.iter().any(|p| matches!(p, ArnPart::Interp(_))) {
            return ExprKind::Interpolated(ArnLit { parts });
        }
        ExprKind::String(
            parts
                .into_iter()
                .map(|p| match p {
                    ArnPart::Text(t) | ArnPart::PolicyVar(t) => t.node,
                    ArnPart::Interp(_) => String::new(),
                })
                .collect(),
        )
    }

    /// The parts of a string's text: escapes resolved (as [`Self::unescape`]), `{{` and
    /// `}}` read as `{` and `}`, `${...}` kept verbatim as a policy variable, `{name}` or
    /// `{env.name}` an interpolation; any other brace is E0105 (kept as written), an
    /// unclosed `${` E0106.
    fn string_parts(&mut self, p: &P) -> Vec<ArnPart> {
        let text = p.as_str();
        let base = p.as_span().start();
        let mut parts: Vec<ArnPart> = Vec::new();
        // Plain text pieces run from `start` to where a brace construct begins.
        let mut start = 0usize;
        let mut i = 0usize;
        let mut pending = String::new();
        let flush = |this: &mut Self,
                     parts: &mut Vec<ArnPart>,
                     pending: &mut String,
                     from: usize,
                     to: usize| {
            if !pending.is_empty() {
                let t = std::mem::take(pending);
                parts.push(ArnPart::Text(Spanned::new(
                    t,
                    this.abs(base + from, base + to),
                )));
            }
        };
        let bytes = text.as_bytes();
        while let Some(&b) = bytes.get(i) {
            let next = bytes.get(i + 1).copied();
            match (b, next) {
                (b'\\', _) => {
                    // An escape: up to the next unescaped construct, resolved as before.
                    let end = escape_end(text, i);
                    let piece = text.get(i..end).unwrap_or("");
                    pending.push_str(&self.unescape_at(piece, base + i));
                    i = end;
                }
                (b'{', Some(b'{')) | (b'}', Some(b'}')) => {
                    pending.push(char::from(b));
                    i += 2;
                }
                (b'$', Some(b'{')) => {
                    flush(self, &mut parts, &mut pending, start, i);
                    let close = text.get(i..).and_then(|t| t.find('}')).map(|n| i + n + 1);
                    let end = close.unwrap_or(text.len());
                    if close.is_none() {
                        self.report(
                            SyntaxError::UnterminatedPolicyVar,
                            self.abs(base + i, base + end),
                        );
                    }
                    let var = text.get(i..end).unwrap_or("").to_string();
                    parts.push(ArnPart::PolicyVar(Spanned::new(
                        var,
                        self.abs(base + i, base + end),
                    )));
                    i = end;
                    start = i;
                }
                (b'{', _) => {
                    flush(self, &mut parts, &mut pending, start, i);
                    let close = text.get(i..).and_then(|t| t.find('}')).map(|n| i + n + 1);
                    let end = close.unwrap_or(text.len());
                    let inner = text
                        .get(i + 1..end.saturating_sub(usize::from(close.is_some())))
                        .unwrap_or("");
                    match (close, self.interpolated_path(inner, base + i + 1)) {
                        (Some(_), Some(path)) => parts.push(ArnPart::Interp(path)),
                        _ => {
                            let written = text.get(i..end).unwrap_or("").to_string();
                            self.report(
                                SyntaxError::BadInterpolation(written.clone()),
                                self.abs(base + i, base + end),
                            );
                            parts.push(ArnPart::Text(Spanned::new(
                                written,
                                self.abs(base + i, base + end),
                            )));
                        }
                    }
                    i = end;
                    start = i;
                }
                (b'}', _) => {
                    self.report(
                        SyntaxError::BadInterpolation("}".into()),
                        self.abs(base + i, base + i + 1),
                    );
                    pending.push('}');
                    i += 1;
                }
                _ => {
                    // Plain text up to the next special byte (all ASCII, so a char boundary).
                    let end = text
                        .get(i + 1..)
                        .and_then(|t| t.find(['\\', '{', '}', '$']))
                        .map_or(text.len(), |n| i + 1 + n);
                    pending.push_str(text.get(i..end).unwrap_or(""));
                    i = end;
                }
            }
        }
        flush(self, &mut parts, &mut pending, start, text.len());
        parts
    }

    /// `name` or `env.name` inside `{...}` of a string, at absolute offset `at`, as a path;
    /// `None` when it is not one (empty, a reserved word, other characters).
    fn interpolated_path(&self, inner: &str, at: usize) -> Option<Path> {
        let mut segments = Vec::new();
        let mut offset = 0usize;
        for (n, seg) in inner.split('.').enumerate() {
            let ok = seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && (n > 0 || !crate::syntax::keywords::RESERVED.contains(&seg));
            if !ok {
                return None;
            }
            segments.push(Spanned::new(
                seg.to_string(),
                self.abs(at + offset, at + offset + seg.len()),
            ));
            offset += seg.len() + 1;
        }
        Some(Path {
            segments,
            span: self.abs(at, at + inner.len()),
        })
    }

    /// Resolves `\"` `\\` `\n` `\t` `\u{HEX}`; anything else is reported and kept as written.
    fn unescape(&mut self, p: &P) -> String {
        self.unescape_at(p.as_str(), p.as_span().start())
    }

    /// [`Self::unescape`] on `text`, which starts at offset `base` of the parsed text.
    fn unescape_at(&mut self, text: &str, base: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            let Some((j, esc)) = chars.next() else {
                self.report(
                    SyntaxError::InvalidEscape(String::from("\\")),
                    self.abs(base + i, base + i + 1),
                );
                out.push('\\');
                continue;
            };
            let after = j + esc.len_utf8();
            match esc {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let rest = text.get(after..).unwrap_or("");
                    match decode_unicode(rest) {
                        Some((c, used)) => {
                            out.push(c);
                            for _ in 0..used {
                                chars.next();
                            }
                        }
                        None => {
                            // Cover `\u{...}` when it has a closing brace on the line.
                            let end = unicode_extent(rest).map_or(after, |n| after + n);
                            let written = text.get(i..end).unwrap_or("\\u").to_string();
                            self.report(
                                SyntaxError::InvalidEscape(written.clone()),
                                self.abs(base + i, base + end),
                            );
                            out.push_str(&written);
                            while chars.peek().is_some_and(|(k, _)| *k < end) {
                                chars.next();
                            }
                        }
                    }
                }
                other => {
                    let written = format!("\\{other}");
                    self.report(
                        SyntaxError::InvalidEscape(written.clone()),
                        self.abs(base + i, base + after),
                    );
                    out.push_str(&written);
                }
            }
        }
        out
    }

    fn tagged(&mut self, p: P) -> ExprKind {
        let mut tag = None;
        let mut value = String::new();
        let mut whole = self.span(&p);
        let mut unterminated = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::tag_word => {
                    // An unterminated literal is reported from its opening quote.
                    whole.start = self.abs(c.as_span().end(), 0).start;
                    tag = Some(self.ident(&c));
                }
                Rule::str_content => value = self.unescape(&c),
                Rule::str_close if c.as_str().is_empty() => unterminated = true,
                _ => {}
            }
        }
        if unterminated {
            self.report(SyntaxError::UnterminatedString, whole);
        }
        let Some(tag) = tag else {
            return ExprKind::String(value);
        };
        let known = match tag.node.as_str() {
            "cidr" => Some(LiteralTag::Cidr),
            "ip" => Some(LiteralTag::Ip),
            "date" => Some(LiteralTag::Date),
            _ => None,
        };
        match known {
            Some(t) => ExprKind::Tagged(Spanned::new(t, tag.span), value),
            None => {
                self.report(SyntaxError::UnknownPrefix(tag.node.clone()), tag.span);
                ExprKind::String(value)
            }
        }
    }

    fn arn(&mut self, p: P) -> ArnLit {
        let mut whole = self.span(&p);
        // An unterminated literal is reported from its opening quote, after `arn`.
        whole.start = whole.start.saturating_add(3).min(whole.end);
        let mut parts = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::arn_text => parts.push(ArnPart::Text(self.ident(&c))),
                Rule::arn_var => {
                    if !c.as_str().ends_with('}') {
                        self.report(SyntaxError::UnterminatedPolicyVar, self.span(&c));
                    }
                    parts.push(ArnPart::PolicyVar(self.ident(&c)));
                }
                Rule::arn_interp => {
                    if let Some(path) = c.into_inner().find(|x| x.as_rule() == Rule::path) {
                        parts.push(ArnPart::Interp(self.path(&path)));
                    }
                }
                Rule::arn_bad_brace => {
                    self.report(
                        SyntaxError::BadInterpolation(c.as_str().to_string()),
                        self.span(&c),
                    );
                    parts.push(ArnPart::Text(self.ident(&c)));
                }
                Rule::str_close if c.as_str().is_empty() => {
                    self.report(SyntaxError::UnterminatedString, whole);
                }
                _ => {}
            }
        }
        ArnLit { parts }
    }
}

/// Where the escape sequence starting with the `\\` at `i` ends: after `\\u{...}` (up to
/// its `}`), else after the one character following the backslash.
fn escape_end(text: &str, i: usize) -> usize {
    let rest = text.get(i + 1..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return text.len();
    };
    if c == 'u' && rest.get(1..).is_some_and(|r| r.starts_with('{')) {
        if let Some(n) = rest.find('}') {
            return i + 1 + n + 1;
        }
    }
    i + 1 + c.len_utf8()
}

/// Where a pair's last token ends: pest's implicit whitespace before a trailing `x?`/`x*`
/// that matched nothing is part of the pair, so fall back to the last child when only
/// whitespace and comments follow it.
fn trimmed_end(p: &P) -> usize {
    let span = p.as_span();
    let end = span.end();
    let Some(last) = p.clone().into_inner().last() else {
        return end;
    };
    let last_end = trimmed_end(&last);
    let gap = span.get_input().get(last_end..end).unwrap_or("");
    if is_trivia(gap) {
        last_end
    } else {
        end
    }
}

/// True if `text` is only whitespace and `//` comments.
fn is_trivia(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        match rest.strip_prefix("//") {
            Some(r) => rest = r.find('\n').map_or("", |n| r.get(n..).unwrap_or("")),
            None => return false,
        }
    }
}

/// What a comparison pair holds, each part present only if the grammar matched it.
#[derive(Default)]
struct Comparison {
    quantifier: Option<Spanned<Quantifier>>,
    key: Option<KeyRef>,
    op: Option<Spanned<CompareOp>>,
    value: Option<Expr>,
}

/// The rule node type is named `Rule` in both pest and the AST; this alias keeps them apart.
type Rule_ = super::ast::Rule;

/// Decodes `{HEX}` (1 to 6 hex digits, a valid scalar value) at the start of `rest`;
/// returns the char and how many chars were used.
fn decode_unicode(rest: &str) -> Option<(char, usize)> {
    let inner = rest.strip_prefix('{')?;
    let close = inner.find('}')?;
    let hex = inner.get(..close)?;
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, close + 2))
}

/// How many bytes of `rest` a malformed `\u` escape covers: up to a `}` if one follows.
fn unicode_extent(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('{')?;
    let close = inner.find('}')?;
    Some(close + 2)
}
