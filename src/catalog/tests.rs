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
