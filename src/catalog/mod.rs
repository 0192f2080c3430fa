//! The embedded catalog of AWS services, actions, resource types and condition keys.
//!
//! (Issue 3 fills this in. The types below are the contract the checker relies on.)

/// The scalar type of a condition key's values, as AWS's service reference names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    String,
    Arn,
    Bool,
    Date,
    Numeric,
    IpAddress,
    Binary,
}

/// One type a condition key can have: `String`, or `ArrayOfString` (multivalued).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyType {
    pub scalar: ScalarType,
    /// `ArrayOf*`: the request may carry several values; set operators are required.
    pub multivalued: bool,
}

/// What the checker needs to know about a condition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's canonical spelling (`aws:SourceIp`; `aws:PrincipalTag/${TagKey}` for
    /// tag-style keys).
    pub name: String,
    /// Usually one; `aws:EpochTime` is both `Date` and `Numeric`.
    pub types: Vec<KeyType>,
    /// A global (`aws:`) or cross-service key rather than one service's own.
    pub global: bool,
}

/// The catalog.
#[derive(Debug, Default)]
pub struct Catalog {}

impl Catalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> &'static Catalog {
        static EMPTY: Catalog = Catalog {};
        &EMPTY
    }

    /// Looks a condition key up case-insensitively; tag-style keys (`aws:PrincipalTag/team`)
    /// are found by their prefix.
    pub fn condition_key(&self, name: &str) -> Option<KeyInfo> {
        let _ = name;
        None
    }
}
