//! Proofs in the editor: decided in the background after an analysis without errors,
//! a refuted property published as the prover's `E0501` (compared with `iamc prove`'s
//! verdicts on the same project), lenses with each property's verdict, and a fix that
//! makes the property hold clears the diagnostic.

use super::client::{pos, project, uri, Client};
use serde_json::{json, Value};

const DEV: &str = "policy Dev {
    allow s3:GetObject on *
    allow iam:CreateUser on *
}

prove Dev {
    denies iam:CreateUser on *
    allows s3:GetObject on arn\"arn:aws:s3:::b/k\"
}
";

fn has_code(p: &Value, code: &str) -> bool {
    p["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|x| x["code"] == code))
}

#[test]
fn a_refuted_property_is_published_and_its_lens_says_so() {
    let dir = project(
        "proofs",
        &[
            ("iamc.toml", "[project]\nsources = [\"iam\"]\n"),
            ("iam/dev.iamc", DEV),
        ],
    );
    let u = uri(&dir.join("iam/dev.iamc"));
    let mut c = Client::initialized(&dir, false);
    c.open(&u, DEV);
    let p = c.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == u && has_code(p, "E0501")
    });
    let refuted: Vec<&Value> = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0501")
        .collect();
    assert_eq!(refuted.len(), 1);
    let start = pos(DEV, "denies iam:CreateUser", 0, 0, false);
    assert_eq!(refuted[0]["range"]["start"], start);
    // The statement that allows the counterexample is related information.
    let related = &refuted[0]["relatedInformation"][0];
    assert_eq!(
        related["location"]["range"]["start"],
        pos(DEV, "allow iam:CreateUser", 0, 0, false)
    );
    assert!(refuted[0]["message"]
        .as_str()
        .unwrap()
        .contains("counterexample"));

    // The same verdicts as `iamc prove` on the project.
    let out = super::super::support::iamc()
        .args(["prove", "--project"])
        .arg(&dir)
        .output()
        .unwrap();
    let cli = String::from_utf8_lossy(&out.stdout);
    let lenses = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": u } }),
    );
    let titles: Vec<String> = lenses["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap().to_string())
        .collect();
    let verdicts: Vec<&str> = cli
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| ["proved", "refuted", "vacuous", "undecided"].contains(w))
        .collect();
    assert_eq!(verdicts, ["refuted", "proved"], "{cli}");
    // One lens for the document, then one per property, in order.
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[1].starts_with("refuted in "), "{titles:?}");
    assert!(
        titles[1].contains("counterexample `iam:CreateUser`"),
        "{titles:?}"
    );
    assert!(titles[2].starts_with("proved in "), "{titles:?}");

    // Denying what the property says clears the refutation.
    let fixed = DEV.replace("allow iam:CreateUser on *", "deny iam:CreateUser on *");
    c.change(&u, 2, &fixed);
    c.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == u && p["diagnostics"] == json!([])
    });
}
