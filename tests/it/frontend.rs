//! Integration tests: resolve, check and lower from source text, the malformed corpus
//! harness (every stage's corpus under `tests/malformed/<stage>/`), and the lowering's
//! truth-table and engine checks.

use iamc::check::ir::CondExpr;
use iamc::diagnostics::{Code, Diagnostic};
use iamc::project::Environment;
use iamc::source::{Origin, Sources};
use iamc::{analyze, Analysis, AnalyzeOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---- helpers ----------------------------------------------------------------------------

fn compile_text(text: &str) -> (Analysis, Sources) {
    compile_files(&[("main.iamc", "main", text)])
}

fn compile_files(files: &[(&str, &str, &str)]) -> (Analysis, Sources) {
    let mut sources = Sources::new();
    for (name, module, text) in files {
        sources.add(*name, *module, Origin::Memory((*name).into()), *text);
    }
    iamc::stdlib::add_to(&mut sources);
    let opts = AnalyzeOptions {
        env: Some(Environment::new("dev", [("account", "111122223333")])),
        ..AnalyzeOptions::default()
    };
    (analyze(&sources, &opts), sources)
}

fn codes(c: &Analysis) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn first(c: &Analysis, code: Code) -> &Diagnostic {
    c.diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", c.diagnostics))
}

fn json_of(c: &Analysis, name: &str) -> String {
    let o = c
        .user_documents()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no output {name}"));
    iamc::policy::json::to_string(&o.document, iamc::policy::json::Layout::Minified)
}

// ---- resolve ----------------------------------------------------------------------------

#[test]
fn imports_bind_names_across_modules() {
    let (c, _) = compile_files(&[
        ("lib.iamc", "app.lib", "const bucket = arn\"arn:aws:s3:::b\"\ntemplate read(on_what: ArnPattern) {\n    allow s3:ListBucket on on_what\n}\n"),
        ("main.iamc", "app.main", "import app.lib.{bucket, read as r}\n\npolicy P {\n    use r(on_what: bucket)\n}\n"),
    ]);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(
        json_of(&c, "P"),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3ListBucket","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}"#
    );
}

#[test]
fn unknown_names_suggest_close_ones() {
    let (c, _) = compile_text("const account_id: AccountId = \"123412341234\"\npolicy P {\n    allow s3:GetObject on arn\"arn:aws:s3:::{acount_id}\"\n}\n");
    let d = first(&c, Code::E0201);
    assert_eq!(d.help.as_deref(), Some("did you mean `account_id`?"));
}

#[test]
fn import_errors_and_cycles() {
    let (c, _) = compile_files(&[
        ("a.iamc", "a", "import b.y\nconst x = \"1\"\n"),
        (
            "b.iamc",
            "b",
            "import a.x\nimport a.z\nimport nope.q\nconst y = \"2\"\n",
        ),
    ]);
    let cs = codes(&c);
    assert!(cs.contains(&"E0205"), "{cs:?}");
    assert!(cs.contains(&"E0203"), "{cs:?}");
    assert!(cs.contains(&"E0202"), "{cs:?}");
}

#[test]
fn duplicate_document_names_across_modules_collide() {
    let (c, _) = compile_files(&[
        (
            "a.iamc",
            "a",
            "policy P {\n    allow s3:GetObject on *\n}\n",
        ),
        (
            "b.iamc",
            "b",
            "policy P {\n    allow s3:PutObject on *\n}\n",
        ),
    ]);
    assert_eq!(codes(&c), ["E0208"]);
}

// ---- check ------------------------------------------------------------------------------

#[test]
fn templates_expand_with_defaults_and_nesting() {
    let (c, _) = compile_text(
        "template inner(svc: Service = s3) {\n    allow svc on *\n}\ntemplate outer(x: List<Service>) {\n    allow x on *\n    use inner()\n}\npolicy P {\n    use outer(x: [ec2, rds])\n}\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let j = json_of(&c, "P");
    assert!(
        j.contains(r#""Action":["ec2:*","rds:*"]"#) && j.contains(r#""Action":"s3:*""#),
        "{j}"
    );
}

#[test]
fn template_argument_errors() {
    let (c, _) = compile_text(
        "template t(a: String, b: String = \"x\") {\n    allow s3:GetObject on * when s3:prefix == a\n}\npolicy P {\n    use t(b: \"1\", b: \"2\", c: \"3\")\n}\n",
    );
    let cs = codes(&c);
    for code in ["E0304", "E0305", "E0306"] {
        assert!(cs.contains(&code), "{code} missing from {cs:?}");
    }
}

#[test]
fn standard_library_checks_clean() {
    // Every stdlib template is checked at its definition, used or not.
    let (c, _) = compile_text("");
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

#[test]
fn template_definitions_leave_value_questions_to_uses() {
    // Whether a `String` is an ARN, or an `ArnPattern` has no wildcard, depends on the
    // argument: nothing to report at the definition.
    let t = "template t(whole: String, acct: String, res: ArnPattern, ip: String, n: Number) {\n    allow s3:GetObject on arn\"{whole}\", whole, res\n    allow sts:AssumeRole on arn\"arn:aws:iam::{acct}:role/x\" when aws:SourceIp in [ip] and s3:max-keys < n\n    use inner(a: res)\n}\ntemplate inner(a: Arn) {\n    allow s3:GetObject on a\n}\n";
    let (c, _) = compile_text(t);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    // A use with a value that does not fit is reported at the use.
    let used = format!("{t}policy P {{\n    use t(whole: \"nope\", acct: \"111122223333\", res: arn\"arn:aws:s3:::b/*\", ip: \"10.0.0.0/8\", n: 5)\n}}\n");
    let (c, _) = compile_text(&used);
    let cs = codes(&c);
    assert!(
        cs.contains(&"E0319") && cs.contains(&"E0302"),
        "{:?}",
        c.diagnostics
    );
}

#[test]
fn template_errors_are_reported_once_however_often_used() {
    let (c, _) = compile_text("template t(b: Bool) {\n    allow b on *\n}\npolicy P {\n    use t(b: true)\n}\npolicy Q {\n    use t(b: false)\n}\n");
    assert_eq!(codes(&c), ["E0301"], "{:?}", c.diagnostics);
}

#[test]
fn recursive_templates_hit_the_depth_limit() {
    let (c, _) = compile_text("template t() {\n    use t()\n}\npolicy P {\n    use t()\n}\n");
    assert_eq!(codes(&c), ["E0307"]);
}

#[test]
fn document_kind_rules() {
    let (c, _) = compile_text(
        "policy P {\n    allow s3:GetObject from * on *\n}\ntrust T {\n    allow sts:AssumeRole on *\n}\nresource R {\n    allow s3:GetObject from not * on *\n}\nrcp X {\n    allow s3:GetObject from * on *\n}\n",
    );
    let cs = codes(&c);
    for code in ["E0311", "E0310", "E0312", "E0314", "E0315"] {
        assert!(cs.contains(&code), "{code} missing from {cs:?}");
    }
}

#[test]
fn account_ids_are_checked() {
    let (c, _) = compile_text("const a: AccountId = \"1234\"\n");
    assert_eq!(codes(&c), ["E0302"]);
}

#[test]
fn operators_come_from_key_types() {
    let (c, _) = compile_text(
        "policy P {\n    allow s3:ListBucket on arn\"arn:aws:s3:::b\" when aws:SourceIp in [cidr\"10.0.0.0/8\"] and aws:CurrentTime < date\"2027-01-01T00:00:00Z\" and aws:PrincipalArn like \"arn:aws:iam::*:role/x\" and s3:max-keys <= 10\n}\n",
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let j = json_of(&c, "P");
    for op in [
        "\"IpAddress\"",
        "\"DateLessThan\"",
        "\"ArnLike\"",
        "\"NumericLessThanEquals\"",
    ] {
        assert!(j.contains(op), "{op} not in {j}");
    }
}

#[test]
fn operator_and_literal_mismatches_name_the_type() {
    let (c, _) = compile_text("policy P {\n    allow s3:GetObject on * when aws:SourceIp like \"10.*\"\n}\npolicy Q {\n    allow s3:GetObject on * when aws:SourceIp in [\"ten\"]\n}\n");
    assert!(first(&c, Code::E0320).message.contains("IpAddress"));
    assert!(first(&c, Code::E0321).message.contains("IpAddress"));
}

#[test]
fn multivalued_keys_need_a_quantifier() {
    let (c, _) =
        compile_text("policy P {\n    allow s3:GetObject on * when aws:TagKeys in [\"a\"]\n}\n");
    assert_eq!(codes(&c), ["E0322"]);
}

#[test]
fn warnings_where_iam_semantics_surprise() {
    let (c, _) = compile_text(
        "policy P {\n    allow s3:GetObject on * when all aws:TagKeys in [\"a\"]\n    allow s3:PutObject on * when aws:SourceVpce != \"v\"\n    deny s3:* on * when aws:MultiFactorAuthPresent == false\n}\n",
    );
    assert_eq!(codes(&c), ["W0330", "W0331", "W0332"]);
    assert!(!c.has_errors());
    let (c, _) = compile_text("policy P {\n    allow s3:GetObject on * when exists(aws:TagKeys) and all aws:TagKeys in [\"a\"]\n}\n");
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

#[test]
fn env_constants_and_missing_ones() {
    let (c, _) = compile_text("policy P {\n    allow s3:ListBucket on arn\"arn:aws:s3:::b-{env.account}\"\n    allow s3:ListBucket on arn\"arn:aws:s3:::b-{env.region}\"\n}\n");
    assert_eq!(codes(&c), ["E0905"]);
}

// ---- lower ------------------------------------------------------------------------------

#[test]
fn or_on_one_key_merges_into_one_statement() {
    let (c, _) = compile_text("policy P {\n    allow s3:GetObject on * when aws:SourceVpce == \"a\" or aws:SourceVpce == \"b\"\n}\n");
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert!(json_of(&c, "P").contains(r#""StringEquals":{"aws:SourceVpce":["a","b"]}"#));
}

#[test]
fn or_on_two_keys_splits_statements_with_numbered_sids() {
    let (c, _) = compile_text("policy P {\n    @sid(\"Read\") allow s3:GetObject on * when aws:SourceVpce == \"a\" or aws:SourceIp in [cidr\"10.0.0.0/8\"]\n}\n");
    let j = json_of(&c, "P");
    assert!(
        j.contains(r#""Sid":"Read""#) && j.contains(r#""Sid":"Read2""#),
        "{j}"
    );
}

#[test]
fn not_pushes_inward_exactly() {
    let (c, _) = compile_text("policy P {\n    deny * on * when not (aws:MultiFactorAuthPresent and aws:SourceVpce? == \"a\")\n}\n");
    let j = json_of(&c, "P");
    // not MFA -> BoolIfExists false; not (SourceVpce == a if exists) -> present and != a.
    assert!(
        j.contains(r#""BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}"#),
        "{j}"
    );
    assert!(
        j.contains(r#""Null":{"aws:SourceVpce":"false"}"#)
            && j.contains(r#""StringNotEquals":{"aws:SourceVpce":"a"}"#),
        "{j}"
    );
}

#[test]
fn two_positive_tests_on_one_key_cannot_be_expressed() {
    let (c, _) = compile_text("policy P {\n    allow s3:GetObject on * when aws:SourceVpce like \"a*\" and aws:SourceVpce like \"*b\"\n}\n");
    assert_eq!(codes(&c), ["E0401"]);
}

#[test]
fn explosions_are_located_errors() {
    let mut cond = Vec::new();
    for i in 0..7 {
        cond.push(format!(
            "(aws:SourceVpce == \"v{i}\" or aws:SourceIp in [cidr\"10.{i}.0.0/16\"])"
        ));
    }
    let (c, _) = compile_text(&format!(
        "policy P {{\n    allow s3:GetObject on * when {}\n}}\n",
        cond.join(" and ")
    ));
    assert_eq!(codes(&c), ["E0402"]);
}

#[test]
fn budgets_are_enforced() {
    let actions: Vec<String> = (0..400)
        .map(|i| format!("s3:GetObjectNumber{i:04}"))
        .collect();
    let (c, _) = compile_text(&format!(
        "trust T {{\n    allow {} from account(\"111122223333\")\n}}\n",
        actions.join(", ")
    ));
    let d = first(&c, Code::E0404);
    assert!(d.message.contains("2048"), "{}", d.message);
}

#[test]
fn contradictions_emit_nothing_with_a_warning() {
    let (c, _) = compile_text("policy P {\n    allow s3:GetObject on * when aws:SourceVpce == \"a\" and aws:SourceVpce == \"b\"\n    allow s3:PutObject on *\n}\n");
    assert_eq!(codes(&c), ["W0405"]);
    assert!(!json_of(&c, "P").contains("GetObject"));
}

// ---- the malformed corpus ---------------------------------------------------------------

/// (code, `L:C-L:C`) pairs, sorted.
type Expected = Vec<(String, String)>;

/// `// expect: CODE L:C-L:C` (or `# expect:` in TOML) lines of a source.
fn expectations(text: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("// expect:")
                .or_else(|| l.trim().strip_prefix("# expect:"))
        })
        .filter_map(|rest| {
            let mut parts = rest.split_whitespace();
            Some((parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .collect();
    v.sort();
    v
}

/// Runs `iamc check ... --format json` and returns (code, range) pairs, sorted.
fn check_json(args: &[&std::ffi::OsStr]) -> Vec<(String, String)> {
    let out = crate::support::iamc()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{args:?}: no JSON on stdout; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let diagnostics = v["diagnostics"].as_array().cloned().unwrap_or_default();
    // Bad input gets what was expected and a help line, every time.
    for d in &diagnostics {
        assert!(
            d["help"].as_str().is_some_and(|h| !h.trim().is_empty()),
            "{args:?}: a diagnostic without a help line: {d}"
        );
    }
    let mut got: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| {
            let s = &d["span"];
            (
                d["code"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}:{}-{}:{}",
                    s["start_pos"]["line"],
                    s["start_pos"]["column"],
                    s["end_pos"]["line"],
                    s["end_pos"]["column"]
                ),
            )
        })
        .collect();
    got.sort();
    got
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// One case: a `.iamc` file checked alone, or a `.toml` file checked as a project's
/// `iamc.toml` (with the `.iamc` file of the same stem, if any, as its only module).
fn run_case(file: &Path) -> (Expected, Expected) {
    let text = std::fs::read_to_string(file).unwrap();
    if file.extension().is_some_and(|e| e == "toml") {
        let dir = std::env::temp_dir().join(format!(
            "iamc-corpus-{}-{}",
            std::process::id(),
            file.file_stem().unwrap().to_string_lossy()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("iam")).unwrap();
        std::fs::write(dir.join("iamc.toml"), &text).unwrap();
        let mut want = expectations(&text);
        let module = file.with_extension("iamc");
        if module.is_file() {
            let mtext = std::fs::read_to_string(&module).unwrap();
            want.extend(expectations(&mtext));
            want.sort();
            std::fs::write(dir.join("iam/main.iamc"), mtext).unwrap();
        }
        let got = check_json(&[std::ffi::OsStr::new("--project"), dir.as_os_str()]);
        let _ = std::fs::remove_dir_all(&dir);
        return (want, got);
    }
    (expectations(&text), check_json(&[file.as_os_str()]))
}

/// Every stage's corpus: each file's diagnostics equal its expectations exactly.
fn corpus_matches(stage: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(stage);
    let mut cases = files_in(&root, "iamc");
    cases.extend(files_in(&root, "toml"));
    // A `.iamc` with a `.toml` of the same stem is run through the `.toml`.
    cases.retain(|c| {
        c.extension().is_some_and(|e| e == "toml") || !c.with_extension("toml").is_file()
    });
    let mut failures = Vec::new();
    for case in &cases {
        let (want, got) = run_case(case);
        if want.is_empty() {
            failures.push(format!("{}: no `expect:` line", case.display()));
        } else if want != got {
            failures.push(format!(
                "{}:\n  want {want:?}\n  got  {got:?}",
                case.display()
            ));
        }
    }
    // The corrected versions produce no diagnostic at all, warnings included. (The syntax
    // stage's valid files are parser fixtures, judged on syntax errors only.)
    let valid = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/valid")
        .join(stage);
    for case in files_in(&valid, "iamc") {
        let mut got = check_json(&[case.as_os_str()]);
        if stage == "syntax" {
            got.retain(|(code, _)| code.starts_with("E01"));
        }
        if !got.is_empty() {
            failures.push(format!(
                "{}: want no diagnostics, got {got:?}",
                case.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn malformed_resolve() {
    corpus_matches("resolve");
}

#[test]
fn malformed_check() {
    corpus_matches("check");
}

#[test]
fn malformed_lower() {
    corpus_matches("lower");
}

#[test]
fn malformed_project() {
    corpus_matches("project");
}

#[test]
fn malformed_syntax() {
    corpus_matches("syntax");
}

#[test]
fn malformed_catalog() {
    corpus_matches("catalog");
}

/// The deployable targets (CloudFormation, Terraform): names, quotas, what has nowhere
/// to go, resource policy targets.
#[test]
fn malformed_emit() {
    corpus_matches("emit");
}

#[test]
fn malformed_prove() {
    corpus_matches("prove");
}

/// Programs written the way platform and security engineers write them (S3 data lakes, EC2
/// operators, KMS/DynamoDB/Lambda services, OIDC/SAML trust, SCP guardrails, RCP data
/// perimeters): every one checks with no diagnostic at all, warnings included.
#[test]
fn realistic_programs_check_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid/realistic");
    assert!(files_in(&dir, "iamc").len() >= 8);
    corpus_matches("realistic");
}

#[test]
fn front_corpus_is_large_enough() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let n: usize = ["resolve", "check", "lower", "project"]
        .iter()
        .map(|s| files_in(&root.join(s), "iamc").len() + files_in(&root.join(s), "toml").len())
        .sum();
    assert!(n >= 20, "only {n} cases");
}

// ---- lowering is exact: truth tables judged by the evaluation engine ----------------------

/// Atoms over five keys of every kind (Bool, String, IP, multivalued String, Numeric).
const ATOMS: &[&str] = &[
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthPresent?",
    "aws:MultiFactorAuthPresent == false",
    "aws:SourceVpce == \"a\"",
    "aws:SourceVpce != \"b\"",
    "aws:SourceVpce in [\"a\", \"b\"]",
    "aws:SourceVpce? == \"a\"",
    "aws:SourceVpce like \"a*\"",
    "aws:SourceVpce not like \"c\"",
    "aws:SourceIp in [cidr\"10.0.0.0/8\"]",
    "aws:SourceIp? in [cidr\"10.0.0.0/8\"]",
    "aws:SourceIp not in [cidr\"192.168.0.0/16\"]",
    "any aws:TagKeys in [\"a\"]",
    "all aws:TagKeys in [\"a\", \"b\"]",
    "any aws:TagKeys? in [\"c\"]",
    "all aws:TagKeys? in [\"a\"]",
    "exists(aws:SourceVpce)",
    "exists(aws:TagKeys)",
    "s3:max-keys < 10",
    "s3:max-keys? >= 10",
    "s3:max-keys != 5",
    "true",
    "false",
];

/// Every combination of values (absent included) of the five keys.
fn contexts() -> Vec<iamc::eval::Context> {
    use iamc::eval::Context;
    let mfa: &[Option<&str>] = &[None, Some("true"), Some("false")];
    let vpce: &[Option<&str>] = &[None, Some("a"), Some("b"), Some("c")];
    let ip: &[Option<&str>] = &[None, Some("10.1.2.3"), Some("192.168.0.1")];
    let tags: &[Option<&[&str]>] = &[
        None,
        Some(&[]),
        Some(&["a"]),
        Some(&["a", "b"]),
        Some(&["c"]),
        Some(&["a", "c"]),
    ];
    let keys: &[Option<&str>] = &[None, Some("5"), Some("10"), Some("20")];
    let mut out = Vec::new();
    for m in mfa {
        for v in vpce {
            for i in ip {
                for t in tags {
                    for k in keys {
                        let mut c = Context::new();
                        for (key, val) in [
                            ("aws:MultiFactorAuthPresent", m),
                            ("aws:SourceVpce", v),
                            ("aws:SourceIp", i),
                            ("s3:max-keys", k),
                        ] {
                            if let Some(val) = val {
                                c = c.with(key, val);
                            }
                        }
                        if let Some(t) = t {
                            c = c.with_many("aws:TagKeys", t);
                        }
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

fn holds(c: &iamc::policy::Condition, ctx: &iamc::eval::Context) -> bool {
    iamc::eval::condition::CompiledCondition::compile(c, true)
        .unwrap()
        .holds(ctx)
}

/// The source formula's truth, atom by atom through the engine.
fn source_truth(e: &CondExpr, ctx: &iamc::eval::Context) -> bool {
    match e {
        CondExpr::And(xs) => xs.iter().all(|x| source_truth(x, ctx)),
        CondExpr::Or(xs) => xs.iter().any(|x| source_truth(x, ctx)),
        CondExpr::Not(x) => !source_truth(x, ctx),
        CondExpr::Const(b) => *b,
        CondExpr::Atom(a) => holds(
            &iamc::policy::Condition {
                operator: a.operator,
                key: a.key.node.clone(),
                values: a.values.iter().map(|v| v.node.clone()).collect(),
            },
            ctx,
        ),
    }
}

/// A small deterministic generator (no dependency, reproducible failures).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn formula(rng: &mut Lcg, depth: usize) -> String {
    if depth == 0 || rng.next(4) == 0 {
        return ATOMS[rng.next(ATOMS.len())].to_string();
    }
    match rng.next(3) {
        0 => format!("not ({})", formula(rng, depth - 1)),
        1 => format!(
            "({}) and ({})",
            formula(rng, depth - 1),
            formula(rng, depth - 1)
        ),
        _ => format!(
            "({}) or ({})",
            formula(rng, depth - 1),
            formula(rng, depth - 1)
        ),
    }
}

#[test]
fn lowered_statements_mean_the_source_condition() {
    let ctxs = contexts();
    let mut rng = Lcg(0x1a2b_3c4d);
    let (mut checked, mut inexpressible) = (0, 0);
    for case in 0..250 {
        let f = formula(&mut rng, 4);
        let (c, _) = compile_text(&format!(
            "policy P {{\n    deny s3:GetObject on * when {f}\n}}\n"
        ));
        if c.diagnostics
            .iter()
            .any(|d| d.code == Code::E0401 || d.code == Code::E0402)
        {
            inexpressible += 1;
            continue;
        }
        assert!(!c.has_errors(), "case {case}: {f}: {:?}", c.diagnostics);
        let rule = &c.program.documents[0].rules[0];
        let cond = rule.condition.clone().unwrap_or(CondExpr::Const(true));
        let statements = &c.documents[0].document.statements;
        for ctx in &ctxs {
            let want = source_truth(&cond, ctx);
            let got = statements
                .iter()
                .any(|s| s.conditions.iter().all(|k| holds(k, ctx)));
            assert_eq!(
                got,
                want,
                "case {case}: `{f}` lowers to {}\n in context {ctx:?}",
                json_of(&c, "P")
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 200,
        "only {checked} formulas lowered ({inexpressible} inexpressible)"
    );
}

#[test]
fn lowered_seeds_decide_like_the_published_policies() {
    use iamc::eval::{evaluate, Outcome, PolicySet, Request};
    // The GetSessionToken guard, written in the language, against the published JSON.
    let (c, _) = compile_text("policy G {\n    allow * on *\n    deny not sts:GetSessionToken on * when not aws:MultiFactorAuthPresent and not aws:ViaAWSService\n}\n");
    let published = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}}]}"#;
    let published =
        iamc::policy::parse::parse_document(&serde_json::from_str(published).unwrap(), "").unwrap();
    let mut ours = PolicySet::new();
    ours.add_identity(&c.documents[0].document).unwrap();
    let mut theirs = PolicySet::new();
    theirs.add_identity(&published).unwrap();
    for action in ["s3:GetObject", "sts:GetSessionToken", "iam:CreateUser"] {
        for mfa in [None, Some("true"), Some("false")] {
            for via in [None, Some("true"), Some("false")] {
                let mut r = Request::new(
                    "arn:aws:iam::123412341234:user/alice",
                    action,
                    "arn:aws:s3:::b/k",
                )
                .unwrap();
                if let Some(m) = mfa {
                    r.context = r.context.with("aws:MultiFactorAuthPresent", m);
                }
                if let Some(v) = via {
                    r.context = r.context.with("aws:ViaAWSService", v);
                }
                let (a, b) = (evaluate(&ours, &r).outcome, evaluate(&theirs, &r).outcome);
                assert_eq!(a, b, "{action} mfa={mfa:?} via={via:?}");
                if action == "s3:GetObject" && mfa.is_none() && via.is_none() {
                    assert_ne!(a, Outcome::Allow, "the guard must deny access-key requests");
                }
            }
        }
    }
}
