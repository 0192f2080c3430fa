//! The single registry of diagnostic codes.
//!
//! Numbering by stage: E01xx syntax, E02xx resolve, E03xx types and catalog, E04xx lowering
//! and limits, E05xx proofs, E06xx deployable targets, E09xx project and I/O; warnings are
//! W0xxx in the same ranges.
//! Every code has a page `docs/errors/<CODE>.md`, embedded for `iamc explain` (a code
//! without its page does not compile); a test checks that no page is orphaned and that
//! every code is exercised by a corpus.
//!
//! To add a code, add one line in your stage's section below. Keep the sections apart so
//! that work on different stages merges cleanly.

use super::Severity;

macro_rules! codes {
    ($($code:ident => $stage:ident, $sev:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(clippy::upper_case_acronyms, reason = "codes are written as users see them")]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every registered code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// The pipeline stage that reports it.
            pub fn stage(self) -> Stage {
                match self {
                    $(Code::$code => Stage::$stage,)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$sev,)*
                }
            }

            /// A one-line title, as shown by `iamc explain`.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            /// The long explanation (`docs/errors/<CODE>.md`), embedded so that
            /// `iamc explain` works from an installed binary. A code without its page does
            /// not compile.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("../../docs/errors/", stringify!($code), ".md")),)*
                }
            }
        }
    };
}

/// The stage a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Syntax,
    Resolve,
    Types,
    Lower,
    Prove,
    /// The deployable targets (CloudFormation, Terraform) and what they attach.
    Emit,
    Project,
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// Where the long explanation lives, relative to the repository root.
    pub fn doc_path(self) -> String {
        format!("docs/errors/{}.md", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

codes! {
    // ---- E01xx: syntax (owned by the parser work) ------------------------------------------
    E0101 => Syntax, Error, "syntax error";
    E0102 => Syntax, Error, "unterminated string";
    E0103 => Syntax, Error, "invalid escape in a string";
    E0104 => Syntax, Error, "unknown literal prefix";
    E0105 => Syntax, Error, "invalid interpolation in a string or ARN literal";
    E0106 => Syntax, Error, "unterminated policy variable in a string or ARN literal";
    E0107 => Syntax, Error, "import names no item";
    E0108 => Syntax, Error, "nesting too deep";
    E0109 => Syntax, Error, "input too complex to parse";
    E0110 => Syntax, Error, "reserved word used as a name";
    E0111 => Syntax, Error, "duplicate `on` or `from` clause";
    E0112 => Syntax, Error, "type takes no type argument";
    // ---- E019x: the formatter (`iamc fmt`) ---------------------------------------------------
    E0190 => Syntax, Error, "formatting would change the file";

    // ---- E02xx: resolve (owned by the resolve/check/lower work) ----------------------------
    E0201 => Resolve, Error, "unknown name";
    E0202 => Resolve, Error, "unknown module";
    E0203 => Resolve, Error, "module has no such declaration";
    E0204 => Resolve, Error, "name defined twice";
    E0205 => Resolve, Error, "import cycle";
    E0206 => Resolve, Error, "`use` of something that is not a template";
    E0207 => Resolve, Error, "declaration used where a value is expected";
    E0208 => Resolve, Error, "two documents would be written to the same file";
    E0209 => Resolve, Error, "qualified name outside `env`";
    E0210 => Resolve, Error, "module defined by two files";

    // ---- E03xx: types, E0301-E0339 (owned by the resolve/check/lower work) -----------------
    E0301 => Types, Error, "type mismatch";
    E0302 => Types, Error, "value does not fit its type";
    E0303 => Types, Error, "constant defined in terms of itself";
    E0304 => Types, Error, "missing template argument";
    E0305 => Types, Error, "unknown template argument";
    E0306 => Types, Error, "template argument given twice";
    E0307 => Types, Error, "template expansion too deep";
    E0308 => Types, Error, "unknown type";
    E0309 => Types, Error, "invalid statement id";
    E0310 => Types, Error, "statement needs a principal";
    E0311 => Types, Error, "principal not allowed in this kind of document";
    E0312 => Types, Error, "resource not allowed in a trust policy";
    E0313 => Types, Error, "statement needs a resource";
    E0314 => Types, Error, "`from not` only with `deny`";
    E0315 => Types, Error, "resource control policy statements must deny";
    E0316 => Types, Error, "resource control policy principal must be `*`";
    E0317 => Types, Error, "`not` actions not allowed in a resource control policy";
    E0318 => Types, Error, "malformed literal";
    E0319 => Types, Error, "malformed ARN";
    E0320 => Types, Error, "operator does not fit the condition key's type";
    E0321 => Types, Error, "literal does not parse as the condition key's type";
    E0322 => Types, Error, "multivalued condition key needs `any` or `all`";
    E0323 => Types, Error, "`if exists` not allowed here";
    E0324 => Types, Error, "policy variable where IAM does not expand it";
    E0325 => Types, Error, "comparison needs exactly one value";
    E0326 => Types, Error, "invalid principal declaration field";
    E0327 => Types, Error, "proof target is not a principal or document";
    E0328 => Types, Error, "empty list of actions, resources or principals";
    E0329 => Types, Error, "wildcard in a principal";
    E0336 => Types, Error, "principal IAM does not accept";
    E0337 => Types, Error, "action that means nothing in a trust policy";
    E0338 => Types, Error, "federated principal without its assume-role action";
    E0339 => Types, Error, "trust of an OIDC provider admits every subject";
    W0330 => Types, Warning, "`all` in an allow also holds with no values";
    W0331 => Types, Warning, "test in an allow holds when the key is absent";
    W0332 => Types, Warning, "deny on `== false` never fires when the key is absent";
    W0333 => Types, Warning, "set quantifier on a single-valued condition key";
    W0334 => Types, Warning, "wildcard in an exact string comparison";
    W0335 => Types, Warning, "value is not an AWS region name";

    // ---- E03xx: catalog, E0340-E0399 (owned by the catalog work) ---------------------------
    E0340 => Types, Error, "unknown service";
    E0341 => Types, Error, "unknown action";
    E0342 => Types, Error, "action pattern matches no action";
    E0343 => Types, Error, "unknown condition key";
    W0344 => Types, Warning, "condition key not supported by any action of the statement";
    W0345 => Types, Warning, "resource matches no resource type of the statement's actions";
    W0346 => Types, Warning, "action has no resource-level permissions";
    W0347 => Types, Warning, "service is retired";
    W0348 => Types, Warning, "OIDC trust without an audience or subject condition, or with a wide subject";
    E0350 => Types, Error, "wrong arguments to a built-in function";

    // ---- E04xx: lowering and limits (owned by the resolve/check/lower work) ----------------
    E0401 => Lower, Error, "condition cannot be expressed in IAM";
    E0402 => Lower, Error, "condition expands to too many statements";
    E0403 => Lower, Error, "statement id used twice";
    E0404 => Lower, Error, "document over its size budget";
    W0405 => Lower, Warning, "rule never applies";

    // ---- E05xx: proofs ---------------------------------------------------------------------
    E0501 => Prove, Error, "property refuted";
    W0502 => Prove, Warning, "property about no request";
    E0503 => Prove, Error, "property could not be decided";
    E0504 => Prove, Error, "`within`/`equivalent` across the two sides of a request";
    E0505 => Prove, Error, "subject the prover cannot read";
    W0506 => Prove, Warning, "proved over representative values of a policy variable";

    // ---- E06xx: deployable targets (CloudFormation, Terraform) ------------------------------
    E0601 => Emit, Error, "two resources of a deployable template get the same name";
    E0602 => Emit, Error, "name too long for AWS";
    E0603 => Emit, Error, "role has more managed policies than its quota";
    E0604 => Emit, Error, "inline policies of a role over their size quota";
    E0605 => Emit, Error, "template cannot be rendered";
    W0606 => Emit, Warning, "declaration left out of the deployable templates";
    W0607 => Emit, Warning, "documentation comment not usable as an AWS description";
    E0608 => Emit, Error, "invalid resource policy target";

    // ---- E09xx: project and I/O (owned by the resolve/check/lower work) --------------------
    E0901 => Project, Error, "cannot read a source file";
    E0902 => Project, Error, "invalid `iamc.toml`";
    E0903 => Project, Error, "unknown environment";
    E0904 => Project, Error, "invalid setting in `iamc.toml`";
    E0905 => Project, Error, "environment constant not defined";
    W0906 => Project, Warning, "environments define different constants";
}
