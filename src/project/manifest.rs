//! `iamc.toml`: sources, output folder, constants per environment (E09xx). Parses the text
//! it is handed; [`super::load`] finds the file and walks the folders.

use super::build::{self, BuildSettings, RawBuild, RawCloudFormation, RawDeploy};
use super::env::{EnvConstant, Environment};
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
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<String>>>;

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
        let code = if ["unknown field", "unknown variant", "invalid type", "missing field"]
            .iter()
            .any(|m| msg.contains(m))
        {
            Code::E0904
        } else {
            Code::E0902
        };
        Box::new(Diagnostic::new(code, Span::new(file, range.start, range.end), msg).with_help(
            "`iamc.toml` has a `[project]` table (name, sources, out, default), `[env.NAME]` tables of string constants, a `[prove]` table (timeout_ms, max_cases, max_states), and `[build]`, `[deploy]`, `[cloudformation]` (see docs/cloudformation.md)",
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
                    (
                        k.into_inner(),
                        EnvConstant {
                            value: v.into_inner(),
                            span,
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
                let mut d = Diagnostic::new(
                    Code::E0903,
                    span.unwrap_or(Span::new(file, 0, 0)),
                    format!("unknown environment `{name}`"),
                );
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
    fn constants_keep_where_they_are_defined() {
        let text = "[env.dev]\naccount = \"1\"\n";
        let p = parse(FileId(0), text).unwrap();
        let dev = p.envs.first().unwrap();
        let account = dev.constants.get("account").unwrap();
        assert_eq!(account.value, "1");
        assert_eq!(account.span.range(), 10..17);
        assert_eq!(dev.span.range(), 5..8);
    }
}
