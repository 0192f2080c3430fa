//! The decoded catalog: record tables that point into the string table and word stream.
//!
//! Decoding walks the words once (no text parsing, a few hundred thousand words) and builds
//! the two small indexes look-ups need: services by lowercase prefix and the variable-part
//! condition keys. Actions and keys are sorted by lowercase name in the file, so they are
//! found by binary search without an index.

use super::convert::{KEY_GLOBAL, KEY_GLOBAL_LIST, KEY_PATTERN, SERVICE_RETIRED};
use super::format::{split, FormatError, Reader, Span32, Str};
use std::borrow::Cow;
use std::collections::HashMap;

pub struct ServiceRec {
    pub prefix: Str,
    pub display: Str,
    pub retired: bool,
    pub first_action: u32,
    pub n_actions: u32,
    pub first_resource: u32,
    pub n_resources: u32,
    pub keys: Span32,
}

pub struct ActionRec {
    pub service: u32,
    pub name: Str,
    pub level: u32,
    pub description: Str,
    /// `resource id << 1 | required`.
    pub resources: Span32,
    pub keys: Span32,
    pub deps: Span32,
}

pub struct ResourceRec {
    pub service: u32,
    pub name: Str,
    /// Pairs of words (offset, length) naming ARN formats.
    pub arns: Span32,
    pub keys: Span32,
}

pub struct KeyRec {
    pub name: Str,
    pub flags: u32,
    pub types: Span32,
    pub description: Str,
    pub service: u32,
}

impl KeyRec {
    pub fn global(&self) -> bool {
        self.flags & KEY_GLOBAL != 0
    }
    pub fn pattern(&self) -> bool {
        self.flags & KEY_PATTERN != 0
    }
    pub fn in_global_list(&self) -> bool {
        self.flags & KEY_GLOBAL_LIST != 0
    }
}

pub struct Store {
    pub bytes: Cow<'static, [u8]>,
    pub strings: std::ops::Range<usize>,
    pub words: Vec<u32>,
    pub source: Str,
    pub date: Str,
    pub notice: Str,
    pub services: Vec<ServiceRec>,
    pub actions: Vec<ActionRec>,
    pub resources: Vec<ResourceRec>,
    pub keys: Vec<KeyRec>,
    /// Lowercase prefix -> service id.
    pub service_index: HashMap<String, u32>,
    /// Ids of keys with a variable part (`aws:PrincipalTag/${TagKey}`).
    pub pattern_keys: Vec<u32>,
}

impl Store {
    pub fn decode(bytes: Cow<'static, [u8]>) -> Result<Store, FormatError> {
        let (strings, words) = split(&bytes)?;
        let tl = strings.len();
        let mut r = Reader::new(&words);
        let source = r.str(tl)?;
        let date = r.str(tl)?;
        let notice = r.str(tl)?;
        let n = r.u32()? as usize;
        let mut services = Vec::with_capacity(n.min(words.len()));
        for _ in 0..n {
            services.push(ServiceRec {
                prefix: r.str(tl)?,
                display: r.str(tl)?,
                retired: r.u32()? & SERVICE_RETIRED != 0,
                first_action: r.u32()?,
                n_actions: r.u32()?,
                first_resource: r.u32()?,
                n_resources: r.u32()?,
                keys: r.list()?,
            });
        }
        let n = r.u32()? as usize;
        let mut actions = Vec::with_capacity(n.min(words.len()));
        for _ in 0..n {
            actions.push(ActionRec {
                service: r.u32()?,
                name: r.str(tl)?,
                level: r.u32()?,
                description: r.str(tl)?,
                resources: r.list()?,
                keys: r.list()?,
                deps: r.list()?,
            });
        }
        let n = r.u32()? as usize;
        let mut resources = Vec::with_capacity(n.min(words.len()));
        for _ in 0..n {
            let service = r.u32()?;
            let name = r.str(tl)?;
            let count = r.u32()?;
            let start = u32::try_from(r.pos).map_err(|_| FormatError::Truncated)?;
            for _ in 0..count {
                r.str(tl)?;
            }
            resources.push(ResourceRec {
                service,
                name,
                arns: Span32 {
                    start,
                    len: count.saturating_mul(2),
                },
                keys: r.list()?,
            });
        }
        let n = r.u32()? as usize;
        let mut keys = Vec::with_capacity(n.min(words.len()));
        for _ in 0..n {
            keys.push(KeyRec {
                name: r.str(tl)?,
                flags: r.u32()?,
                types: r.list()?,
                description: r.str(tl)?,
                service: r.u32()?,
            });
        }
        if !r.at_end() {
            return Err(FormatError::TrailingBytes);
        }
        let mut store = Store {
            bytes,
            strings,
            words,
            source,
            date,
            notice,
            services,
            actions,
            resources,
            keys,
            service_index: HashMap::new(),
            pattern_keys: Vec::new(),
        };
        store.validate()?;
        store.service_index = (0..store.services.len() as u32)
            .filter_map(|i| {
                let s = store.services.get(i as usize)?;
                Some((store.s(s.prefix).to_ascii_lowercase(), i))
            })
            .collect();
        store.pattern_keys = (0..store.keys.len() as u32)
            .filter(|&i| store.keys.get(i as usize).is_some_and(KeyRec::pattern))
            .collect();
        Ok(store)
    }

    /// Checks every id so later look-ups can trust them (they still never index blindly).
    fn validate(&self) -> Result<(), FormatError> {
        let na = self.actions.len() as u32;
        let nr = self.resources.len() as u32;
        let nk = self.keys.len() as u32;
        let ns = self.services.len() as u32;
        for s in &self.services {
            if s.first_action.saturating_add(s.n_actions) > na
                || s.first_resource.saturating_add(s.n_resources) > nr
            {
                return Err(FormatError::BadReference("service"));
            }
            self.ids_below(s.keys, nk, "key")?;
        }
        for a in &self.actions {
            if a.service >= ns {
                return Err(FormatError::BadReference("service"));
            }
            if self.list(a.resources).iter().any(|w| w >> 1 >= nr) {
                return Err(FormatError::BadReference("resource"));
            }
            self.ids_below(a.keys, nk, "key")?;
            self.ids_below(a.deps, na, "action")?;
        }
        for r in &self.resources {
            if r.service >= ns {
                return Err(FormatError::BadReference("service"));
            }
            self.ids_below(r.keys, nk, "key")?;
        }
        Ok(())
    }

    fn ids_below(&self, span: Span32, n: u32, what: &'static str) -> Result<(), FormatError> {
        if self.list(span).iter().any(|&w| w >= n) {
            return Err(FormatError::BadReference(what));
        }
        Ok(())
    }

    /// The text of a string reference ("" if it is somehow not UTF-8).
    pub fn s(&self, st: Str) -> &str {
        let start = self.strings.start + st.off as usize;
        self.bytes
            .get(start..start + st.len as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    pub fn list(&self, span: Span32) -> &[u32] {
        self.words.get(span.range()).unwrap_or(&[])
    }

    /// The strings of a run of (offset, length) pairs.
    pub fn strs(&self, span: Span32) -> Vec<&str> {
        self.list(span)
            .chunks_exact(2)
            .map(|p| {
                self.s(Str {
                    off: p[0],
                    len: p[1],
                })
            })
            .collect()
    }
}
