//! Tests against the committed catalog.

use super::*;

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

fn t(scalar: ScalarType, multivalued: bool) -> KeyType {
    KeyType {
        scalar,
        multivalued,
    }
}

#[test]
fn committed_catalog_decodes() {
    let bytes = EMBEDDED_BYTES.to_vec();
    assert!(Catalog::from_bytes(bytes, "test").is_ok());
    assert!(cat().services().count() > 400);
}

#[test]
fn seed_keys_have_their_types() {
    let c = cat();
    let k = c.condition_key("aws:MultiFactorAuthPresent").unwrap();
    assert_eq!(k.types, vec![t(ScalarType::Bool, false)]);
    assert!(k.global);
    assert_eq!(
        c.condition_key("aws:sourceip").unwrap().types,
        vec![t(ScalarType::IpAddress, false)]
    );
    assert_eq!(
        c.condition_key("aws:TagKeys").unwrap().types,
        vec![t(ScalarType::String, true)]
    );
    assert_eq!(
        c.condition_key("aws:CurrentTime").unwrap().types,
        vec![t(ScalarType::Date, false)]
    );
    let ext = c.condition_key("sts:ExternalId").unwrap();
    assert_eq!(ext.types, vec![t(ScalarType::String, false)]);
    assert!(!ext.global);
    assert_eq!(
        c.condition_key("iam:PassedToService").unwrap().types,
        vec![t(ScalarType::String, false)]
    );
    assert_eq!(
        c.condition_key("aws:ViaAWSService").unwrap().types,
        vec![t(ScalarType::Bool, false)]
    );
    let tag = c.condition_key("aws:PrincipalTag/team").unwrap();
    assert_eq!(tag.name, "aws:PrincipalTag/${TagKey}");
    assert!(tag.global);
    assert_eq!(c.condition_key("aws:EpochTime").unwrap().types.len(), 2);
    assert!(c.condition_key("aws:NoSuchKey").is_none());
    assert!(c.condition_key("aws:PrincipalTag/").is_none());
}

#[test]
fn broken_files_never_panic() {
    let bytes = EMBEDDED_BYTES;
    for cut in [0, 7, 8, 12, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Catalog::from_bytes(bytes[..cut].to_vec(), "cut").is_err(),
            "{cut}"
        );
    }
    // Corrupt words inside the tables: look-ups degrade, never panic.
    let mut bad = bytes.to_vec();
    let mid = bad.len() / 2;
    for b in &mut bad[mid..mid + 4096] {
        *b = 0xff;
    }
    if let Ok(c) = Catalog::from_bytes(bad, "corrupt") {
        for s in c.services() {
            for a in s.actions() {
                let _ = (a.full_name(), a.resource_types(), a.dependent_actions());
            }
        }
        let _ = c.condition_key("aws:PrincipalTag/x");
        let _ = c.stats();
    }
}

#[test]
fn conversion_is_deterministic() {
    let svc = br#"{"Name": "x", "Actions": [{"Name": "B"}, {"Name": "a", "ActionConditionKeys": ["x:k"]}],
        "ConditionKeys": [{"Name": "x:k", "Types": ["ArrayOfARN"]}]}"#;
    let input = convert::Input {
        services: vec![("x.json".into(), svc.to_vec())],
        ..Default::default()
    };
    let a = convert::convert(&input).unwrap();
    assert_eq!(a, convert::convert(&input).unwrap());
    let c = Catalog::from_bytes(a, "t").unwrap();
    assert_eq!(c.action("X:A").unwrap().full_name(), "x:a");
    assert_eq!(
        c.condition_key("x:K").unwrap().types,
        vec![t(ScalarType::Arn, true)]
    );
    let bad = convert::Input {
        services: vec![("y.json".into(), b"{".to_vec())],
        ..Default::default()
    };
    assert!(convert::convert(&bad).is_err());
}

#[test]
fn cognito_amr_is_multivalued_in_practice() {
    // AWS types it `String`; its requests carry a list (`["authenticated", "graph..."]`).
    assert_eq!(
        cat()
            .condition_key("cognito-identity.amazonaws.com:amr")
            .unwrap()
            .types,
        vec![t(ScalarType::String, true)]
    );
    assert_eq!(
        cat()
            .condition_key("cognito-identity.amazonaws.com:aud")
            .unwrap()
            .types,
        vec![t(ScalarType::String, false)]
    );
}

/// `expand` looks a literal service up instead of matching every service: the same
/// actions, in the same order, as matching every service.
#[test]
fn expand_matches_every_service_by_glob() {
    let c = cat();
    let slow = |pattern: &str| -> Vec<String> {
        let Some((svc, name)) = pattern.split_once(':') else {
            return Vec::new();
        };
        let (sg, ng) = (Glob::new(svc), Glob::new(name));
        c.services()
            .filter(|s| !s.retired() && sg.matches(s.prefix()))
            .flat_map(|s| {
                s.actions()
                    .filter(|a| ng.matches(a.name()))
                    .collect::<Vec<_>>()
            })
            .map(|a| a.full_name())
            .collect()
    };
    let fast = |pattern: &str| -> Vec<String> {
        c.expand(pattern).iter().map(|a| a.full_name()).collect()
    };
    let mut patterns = vec![
        "*:Describe*".to_string(),
        "S3:get*".into(),
        "nosuch:*".into(),
        "s?:Get*".into(),
    ];
    for s in c.services() {
        for name in ["*", "Get*", "*Tag*", "?ist*", "DescribeInstances"] {
            patterns.push(format!("{}:{name}", s.prefix()));
            patterns.push(format!("{}:{name}", s.prefix().to_uppercase()));
        }
    }
    for p in &patterns {
        assert_eq!(fast(p), slow(p), "{p}");
    }
}
