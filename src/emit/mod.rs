//! Emitters: deterministic bytes for each output format. No I/O here; `cli` writes them.
//!
//! The `json` target is one policy document per declaration ([`json()`], [`file_name`]).
//! The deployable targets, CloudFormation and Terraform ([`deployable`]), turn the whole
//! analysis into templates: `deploy` decides what each declaration becomes and checks the
//! quotas of roles, `names` gives logical ids, `subst` and `document` write values with
//! the parts a deployed template takes from where it is deployed, `context` builds what a
//! template is given with the target's writer (`cfn`, `terraform`), and `render` lays it
//! out through tera templates (embedded, or a project's own). docs/cloudformation.md and docs/terraform.md describe the output.

mod cfn;
mod context;
mod deploy;
mod document;
mod hcl;
mod names;
mod render;
mod subst;
mod target;
mod terraform;
mod yaml;

pub use deploy::ROLE_INLINE_CHARACTERS;
pub use render::EMBEDDED as EMBEDDED_TEMPLATES;

use crate::analysis::{Analysis, DefId};
use crate::diagnostics::{Code, Diagnostic};
use crate::policy::json::{self, Layout};
use crate::policy::Document;
use crate::project::{BuildSettings, CfnFormat, Setting, Target};
use crate::source::Span;
use deploy::{Scope, Template};

/// The JSON text of a document, pretty (with a final newline) or minified.
pub fn json(doc: &Document, minify: bool) -> String {
    json::to_string(
        doc,
        if minify {
            Layout::Minified
        } else {
            Layout::Pretty
        },
    )
}

/// The file a document is written to: `<Name>.json`.
pub fn file_name(document_name: &str) -> String {
    format!("{document_name}.json")
}

/// What the deployable targets need besides the analysis.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub analysis: &'a Analysis,
    pub settings: &'a BuildSettings,
    /// The name of the project's templates when one serves the whole project.
    pub project: &'a str,
    /// Templates replacing the embedded ones: (name relative to the project's templates
    /// folder, without `.tera`; text).
    pub overrides: &'a [(String, String)],
}

/// One file of a deployable target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub target: Target,
    /// Relative to the output folder, `/`-separated: `cloudformation/seeds.yaml`,
    /// `terraform/seeds/main.tf`.
    pub path: String,
    pub text: String,
    /// How many declarations it deploys.
    pub declarations: usize,
    /// Whether it is the organization's template (SCPs, RCPs).
    pub organization: bool,
}

/// The CloudFormation and Terraform files of the targets `settings` select (none when
/// it selects neither), and what building them found to report. Files are only meant to
/// be written when the diagnostics (these and the analysis's) hold no error.
pub fn deployable(inputs: &Inputs<'_>) -> (Vec<Output>, Vec<Diagnostic>) {
    let targets: Vec<Target> = inputs
        .settings
        .targets
        .iter()
        .copied()
        .filter(|t| *t != Target::Json)
        .collect();
    if targets.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut diags = Vec::new();
    let subst = subst::Subst {
        account: env_constant(
            inputs,
            inputs.settings.account.as_ref(),
            "account",
            &mut diags,
        ),
        region: env_constant(
            inputs,
            inputs.settings.region.as_ref(),
            "region",
            &mut diags,
        ),
        partition: inputs.settings.partition,
    };
    let (templates, planned) = deploy::plan(inputs.analysis, inputs.settings, inputs.project);
    diags.extend(planned);
    let tera = match render::engine(inputs.overrides) {
        Ok(t) => t,
        Err(e) => {
            diags.push(template_error(inputs, &e));
            return (Vec::new(), diags);
        }
    };
    let mut out = Vec::new();
    for target in targets {
        for t in &templates {
            match render_one(&tera, inputs, t, target, &subst) {
                Ok(o) => out.push(o),
                Err(e) => diags.push(template_error(inputs, &e)),
            }
        }
    }
    (out, diags)
}

/// The definition of the environment constant a `[deploy]` setting names.
fn env_constant(
    inputs: &Inputs<'_>,
    setting: Option<&Setting<String>>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<DefId> {
    let setting = setting?;
    let def = inputs.analysis.names.env_def(&setting.value);
    if def.is_none() {
        diags.push(
            Diagnostic::new(
                Code::E0904,
                setting.span,
                format!(
                    "`[deploy] {what}` names `{}`, which the selected environment does not define",
                    setting.value
                ),
            )
            .with_help(format!(
                "name the `[env.NAME]` constant that holds the {what} a template is deployed in"
            )),
        );
    }
    def
}

fn template_error(inputs: &Inputs<'_>, e: &render::TemplateError) -> Diagnostic {
    let span = inputs
        .settings
        .templates
        .as_ref()
        .map_or(Span::default(), |t| t.span);
    Diagnostic::new(Code::E0605, span, format!("template error: {e}"))
        .with_help("fix the template in the `[build] templates` folder; docs/cloudformation.md lists what templates are given")
}

fn render_one(
    tera: &tera::Tera,
    inputs: &Inputs<'_>,
    t: &Template,
    target: Target,
    subst: &subst::Subst,
) -> Result<Output, render::TemplateError> {
    let stem = file_stem(&t.stem());
    let (name, path, context) = match (target, inputs.settings.cloudformation_format) {
        (Target::Terraform, _) => (
            "terraform/main.tf",
            format!("terraform/{stem}/main.tf"),
            terraform::context(t, inputs.analysis, subst),
        ),
        (_, CfnFormat::Json) => (
            "cloudformation/template.json",
            format!("cloudformation/{stem}.json"),
            cfn::context(t, inputs.analysis, subst),
        ),
        (_, CfnFormat::Yaml) => (
            "cloudformation/template.yaml",
            format!("cloudformation/{stem}.yaml"),
            cfn::context(t, inputs.analysis, subst),
        ),
    };
    // Templates keep their own layout; the file starts with its first line and ends with
    // one line break, however the template's tags left the whitespace around them.
    let rendered = render::render(tera, name, &context)?;
    let mut text = rendered
        .trim_start_matches(['\n', '\r'])
        .trim_end()
        .to_string();
    text.push('\n');
    if name.ends_with(".json") {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            return Err(render::TemplateError(format!(
                "`{name}` rendered `{path}` as text that is not JSON: {e}"
            )));
        }
    }
    Ok(Output {
        target,
        path,
        text,
        declarations: t.resources.len(),
        organization: t.scope == Scope::Organization,
    })
}

/// A group name as a file name: letters, digits, `.`, `_` and `-` kept, anything else `-`.
fn file_stem(group: &str) -> String {
    let s: String = group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    match s.trim_start_matches('.') {
        "" => "iamc".to_string(),
        t => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_file_names() {
        assert_eq!(file_stem("seeds"), "seeds");
        assert_eq!(file_stem("iam.app"), "iam.app");
        assert_eq!(file_stem("my project/x"), "my-project-x");
        assert_eq!(file_stem(".."), "iamc");
    }
}
