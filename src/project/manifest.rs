//! `iamc.toml`: sources, output folder, constants per environment (E09xx). Parses the text
//! it is handed; [`super::load`] finds the file and walks the folders.

use super::build::{self, BuildSettings, RawBuild, RawCloudFormation, RawDeploy};
use super::env::{EnvConstant, EnvValue, Environment};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The settings of one project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub name: Option<String>,
    pub sources: Vec<String>,
    pub out: String,
    /// In the order written.
    pub envs: Vec<Environment>,
    pub default_env: Option<(String, Span)>,
    /// `[build]`, `[deploy]` and `[cloudformation]`.
    pub build: BuildSettings,
    /// The `[prove]` table: the prover's budgets.
    pub prove: ProveSettings,
}

/// `[prove]` in `iamc.toml`: budgets of one property (absent: the defaults, see
/// docs/prover.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProveSettings {
    /// Milliseconds one property may take.
    pub timeout_ms: Option<u64>,
    /// Complete requests the engine may judge for one property.
    pub max_cases: Option<u64>,
    /// Distinct cases of one part of a request (product automaton states).
    pub max_states: Option<u64>,
}

/// `[env.NAME]` tables: name (with its span) -> constants (names with their spans).
type RawEnvs =
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<RawValue>>>;

/// An environment constant as TOML writes it: a string, an integer, a float, a boolean or
/// a list of them (items with their spans). Tables and dates are refused with a located
/// error (E0904).
#[derive(Debug)]
enum RawValue {
    String(String),
    Number(String),
    Bool(bool),
    List(Vec<toml::Spanned<RawValue>>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawValue, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> serde::de::Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, a number, a boolean or a list of them")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::String(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawValue, E> {
        if v.is_finite() {
            Ok(RawValue::Number(v.to_string()))
        } else {
            Err(E::custom("a number must be finite (no `inf` or `nan`)"))
        }
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<toml::Spanned<RawValue>>()? {
            items.push(item);
        }
        Ok(RawValue::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<RawValue, A::Error> {
        Err(serde::de::Error::custom(
            "an environment constant is a string, a number, a boolean or a list of them, not a table or a date (write a date as a string)",
        ))
    }
}

/// A raw value with its spans in the file.
fn env_value(file: FileId, raw: RawValue) -> EnvValue {
    match raw {
        RawValue::String(s) => EnvValue::String(s),
        RawValue::Number(n) => EnvValue::Number(n),
        RawValue::Bool(b) => EnvValue::Bool(b),
        RawValue::List(items) => EnvValue::List(
            items
                .into_iter()
                .map(|i| {
                    let r = i.span();
                    (
                        env_value(file, i.into_inner()),
                        Span::new(file, r.start, r.end),
                    )
                })
                .collect(),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    project: Option<RawProject>,
    env: Option<RawEnvs>,
    build: Option<RawBuild>,
    deploy: Option<RawDeploy>,
    cloudformation: Option<RawCloudFormation>,
    prove: Option<ProveSettings>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Option<String>,
    sources: Option<Vec<String>>,
    out: Option<String>,
    default: Option<toml::Spanned<String>>,
}

/// Parses `iamc.toml`; `file` is its id in the compilation's sources, for spans.
pub fn parse(file: FileId, text: &str) -> Result<Project, Box<Diagnostic>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let range = e.span().unwrap_or(0..0);
        let msg = e.message().trim().replace('\n', " ");
        let code = if [
            "unknown field",
            "unknown variant",
            "invalid type",
            "missing field",
            "environment constant",
            "must be finite",
        ]
        .iter()
        .any(|m| msg.contains(m))
        {
            Code::E0904
        } else {
            Code::E0902
        };
        Box::new(Diagnostic::new(code, Span::new(file, range.start, range.end), msg).with_help(
            "`iamc.toml` has a `[project]` table (name, sources, out, default), `[env.NAME]` tables of constants (strings, numbers, booleans, lists of them), a `[prove]` table (timeout_ms, max_cases, max_states), and `[build]`, `[deploy]`, `[cloudformation]` (see docs/cloudformation.md)",
        ))
    })?;
    let at = |range: std::ops::Range<usize>| Span::new(file, range.start, range.end);
    let mut envs: Vec<Environment> = raw
        .env
        .unwrap_or_default()
        .into_iter()
        .map(|(name, consts)| Environment {
            span: at(name.span()),
            name: name.into_inner(),
            constants: consts
                .into_iter()
                .map(|(k, v)| {
                    let span = at(k.span());
                    let value_span = at(v.span());
                    (
                        k.into_inner(),
                        EnvConstant {
                            value: env_value(file, v.into_inner()),
                            span,
                            value_span,
                        },
                    )
                })
                .collect(),
        })
        .collect();
    envs.sort_by_key(|e| e.span.start);
    let build = build::settings(file, raw.build, raw.deploy, raw.cloudformation);
    let project = raw.project;
    let default_env = project.as_ref().and_then(|p| p.default.as_ref()).map(|d| {
        (
            d.get_ref().clone(),
            Span::new(file, d.span().start, d.span().end),
        )
    });
    Ok(Project {
        name: project.as_ref().and_then(|p| p.name.clone()),
        sources: project
            .as_ref()
            .and_then(|p| p.sources.clone())
            .unwrap_or_else(|| vec![".".into()]),
        out: project
            .as_ref()
            .and_then(|p| p.out.clone())
            .unwrap_or_else(|| "out".into()),
        envs,
        default_env,
        build,
        prove: raw.prove.unwrap_or_default(),
    })
}

impl Project {
    /// The environment to use: `--env NAME`, else `default`, else the first one.
    /// `Ok(None)` when the project defines no environments.
    pub fn select_env(
        &self,
        requested: Option<&str>,
        file: FileId,
    ) -> Result<Option<&Environment>, Box<Diagnostic>> {
        let (name, span) = match (requested, &self.default_env) {
            (Some(n), _) => (n.to_string(), None),
            (None, Some((n, s))) => (n.clone(), Some(*s)),
            (None, None) => return Ok(self.envs.first()),
        };
        match self.envs.iter().find(|e| e.name == name) {
            Some(e) => Ok(Some(e)),
            None => {
                let names: Vec<&str> = self.envs.iter().map(|e| e.name.as_str()).collect();
                // Asked for with `--env`: point at the environments there are.
                let at = span
                    .or_else(|| self.envs.first().map(|e| e.span))
                    .unwrap_or(Span::new(file, 0, 0));
                let mut d =
                    Diagnostic::new(Code::E0903, at, format!("unknown environment `{name}`"));
                if span.is_none() {
                    d = d.with_label_here("`--env` names none of the environments");
                    for e in self.envs.iter().skip(1) {
                        d = d.with_label(e.span, "an environment");
                    }
                }
                d = if names.is_empty() {
                    d.with_help("`iamc.toml` defines no `[env.NAME]` tables")
                } else {
                    d.with_help(format!("the environments are: {}", names.join(", ")))
                };
                Err(Box::new(d))
            }
        }
    }

    /// Warnings for environments that do not define the same constants.
    pub fn env_warnings(&self) -> Vec<Diagnostic> {
        let mut all: BTreeMap<&str, ()> = BTreeMap::new();
        for e in &self.envs {
            for k in e.constants.keys() {
                all.insert(k, ());
            }
        }
        let mut out = Vec::new();
        for e in &self.envs {
            let missing: Vec<&str> = all
                .keys()
                .copied()
                .filter(|k| !e.constants.contains_key(*k))
                .collect();
            if !missing.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::W0906,
                        e.span,
                        format!(
                            "environment `{}` does not define {}",
                            e.name,
                            missing
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .with_help("define every constant in every environment, so each one builds"),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_projects_and_selects_envs() {
        let text = "[project]\nname = \"x\"\nsources = [\"iam\"]\n\n[env.prod]\naccount = \"1\"\n\n[env.dev]\naccount = \"2\"\n";
        let p = parse(FileId(0), text).unwrap();
        assert_eq!(p.sources, vec!["iam".to_string()]);
        assert_eq!(
            p.envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["prod", "dev"]
        );
        assert_eq!(
            p.select_env(None, FileId(0))
                .unwrap()
                .map(|e| e.name.as_str()),
            Some("prod")
        );
        assert_eq!(
            p.select_env(Some("dev"), FileId(0))
                .unwrap()
                .map(|e| e.name.as_str()),
            Some("dev")
        );
        let e = p.select_env(Some("stage"), FileId(0)).unwrap_err();
        assert_eq!(e.code, Code::E0903);
    }

    #[test]
    fn bad_toml_is_located() {
        let e = parse(FileId(0), "[project]\nname = 3\n").unwrap_err();
        assert_eq!(e.code, Code::E0904);
        assert!(e.primary.start > 0);
        let e = parse(FileId(0), "[project\n").unwrap_err();
        assert_eq!(e.code, Code::E0902);
    }

    #[test]
    fn constants_are_strings_numbers_booleans_and_lists() {
        let text = "[env.dev]\nregions = [\"eu-west-1\", \"eu-central-1\"]\nmax = 3\nrate = 1.5\nstrict = true\nnested = [[1], []]\n";
        let p = parse(FileId(0), text).unwrap();
        let dev = p.envs.first().unwrap();
        let get = |n: &str| dev.constants.get(n).unwrap();
        let EnvValue::List(items) = &get("regions").value else {
            panic!("{:?}", get("regions"));
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].0, EnvValue::String("eu-central-1".into()));
        assert_eq!(text.get(items[1].1.range()).unwrap(), "\"eu-central-1\"");
        assert_eq!(get("max").value, EnvValue::Number("3".into()));
        assert_eq!(get("rate").value, EnvValue::Number("1.5".into()));
        assert_eq!(get("strict").value, EnvValue::Bool(true));
        assert!(matches!(get("nested").value, EnvValue::List(_)));
        for bad in [
            "[env.dev]\nx = { a = 1 }\n",
            "[env.dev]\nx = 1979-05-27\n",
            "[env.dev]\nx = [1, { a = 1 }]\n",
        ] {
            let e = parse(FileId(0), bad).unwrap_err();
            assert_eq!(e.code, Code::E0904, "{bad}: {e:?}");
            assert!(e.primary.start >= 14, "{bad}: {e:?}");
        }
    }

    #[test]
    fn constants_keep_where_they_are_defined() {
        let text = "[env.dev]\naccount = \"1\"\n";
        let p = parse(FileId(0), text).unwrap();
        let dev = p.envs.first().unwrap();
        let account = dev.constants.get("account").unwrap();
        assert_eq!(account.value, EnvValue::String("1".into()));
        assert_eq!(account.span.range(), 10..17);
        assert_eq!(dev.span.range(), 5..8);
    }
}
