//! The opened catalog: fixed-size record tables read straight from the file's bytes.
//!
//! Opening reads the header (counts), checks that the tables fit, and builds one small
//! index: services by lowercase prefix (a few hundred entries). Records are decoded on
//! demand from a handful of words; actions and keys are sorted by lowercase name in the
//! file, so they are found by binary search. Condition keys with a variable part are
//! compiled into globs on the first look-up that needs them.

use super::convert::{KEY_GLOBAL, KEY_GLOBAL_LIST, KEY_PATTERN, SERVICE_RETIRED};
use super::format::{read_u32, split, FormatError, Sections, Span32, Str};
use super::pattern::Glob;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Words per record in each table, and the header size.
const HEADER: usize = 10;
const SERVICE: usize = 11;
const ACTION: usize = 12;
const RESOURCE: usize = 7;
const KEY: usize = 8;

#[derive(Clone, Copy)]
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

#[derive(Clone, Copy)]
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

#[derive(Clone, Copy)]
pub struct ResourceRec {
    pub service: u32,
    pub name: Str,
    /// Pairs of words (offset, length) naming ARN formats.
    pub arns: Span32,
    pub keys: Span32,
}

#[derive(Clone, Copy)]
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
    bytes: Cow<'static, [u8]>,
    sections: Sections,
    pub n_services: u32,
    pub n_actions: u32,
    pub n_resources: u32,
    pub n_keys: u32,
    /// Lowercase prefix -> service id.
    pub service_index: HashMap<String, u32>,
    /// Keys with a variable part, compiled on first use.
    patterns: OnceLock<Vec<(u32, Glob)>>,
}

impl Store {
    pub fn empty() -> Store {
        Store {
            bytes: Cow::Borrowed(&[]),
            sections: Sections::default(),
            n_services: 0,
            n_actions: 0,
            n_resources: 0,
            n_keys: 0,
            service_index: HashMap::new(),
            patterns: OnceLock::new(),
        }
    }

    pub fn decode(bytes: Cow<'static, [u8]>) -> Result<Store, FormatError> {
        let sections = split(&bytes)?;
        let mut store = Store {
            bytes,
            sections,
            ..Store::empty()
        };
        store.n_services = store.word(6)?;
        store.n_actions = store.word(7)?;
        store.n_resources = store.word(8)?;
        store.n_keys = store.word(9)?;
        let needed = [
            (store.n_services, SERVICE),
            (store.n_actions, ACTION),
            (store.n_resources, RESOURCE),
            (store.n_keys, KEY),
        ]
        .iter()
        .try_fold(HEADER, |acc, (n, size)| {
            (*n as usize)
                .checked_mul(*size)
                .and_then(|x| x.checked_add(acc))
        })
        .ok_or(FormatError::Truncated)?;
        if needed * 4 != store.sections.words.len() {
            return Err(FormatError::Truncated);
        }
        let mut index = HashMap::with_capacity(store.n_services as usize);
        for i in 0..store.n_services {
            let rec = store
                .service(i)
                .ok_or(FormatError::BadReference("service"))?;
            index.insert(store.s(rec.prefix).to_ascii_lowercase(), i);
        }
        store.service_index = index;
        Ok(store)
    }

    fn word(&self, i: usize) -> Result<u32, FormatError> {
        let at = self.sections.words.start + i * 4;
        if at + 4 > self.sections.words.end {
            return Err(FormatError::Truncated);
        }
        read_u32(&self.bytes, at)
    }

    fn words<const N: usize>(&self, first: usize) -> Option<[u32; N]> {
        let mut out = [0u32; N];
        for (k, w) in out.iter_mut().enumerate() {
            *w = self.word(first + k).ok()?;
        }
        Some(out)
    }

    fn table(&self, which: usize) -> usize {
        let counts = [
            self.n_services,
            self.n_actions,
            self.n_resources,
            self.n_keys,
        ];
        let sizes = [SERVICE, ACTION, RESOURCE, KEY];
        HEADER
            + counts
                .iter()
                .zip(sizes)
                .take(which)
                .map(|(n, s)| *n as usize * s)
                .sum::<usize>()
    }

    pub fn meta(&self) -> (Str, Str, Str) {
        let w = self.words::<6>(0).unwrap_or_default();
        (st(w[0], w[1]), st(w[2], w[3]), st(w[4], w[5]))
    }

    pub fn service(&self, i: u32) -> Option<ServiceRec> {
        if i >= self.n_services {
            return None;
        }
        let w = self.words::<SERVICE>(self.table(0) + i as usize * SERVICE)?;
        Some(ServiceRec {
            prefix: st(w[0], w[1]),
            display: st(w[2], w[3]),
            retired: w[4] & SERVICE_RETIRED != 0,
            first_action: w[5],
            n_actions: w[6].min(self.n_actions.saturating_sub(w[5])),
            first_resource: w[7],
            n_resources: w[8].min(self.n_resources.saturating_sub(w[7])),
            keys: sp(w[9], w[10]),
        })
    }

    pub fn action(&self, i: u32) -> Option<ActionRec> {
        if i >= self.n_actions {
            return None;
        }
        let w = self.words::<ACTION>(self.table(1) + i as usize * ACTION)?;
        Some(ActionRec {
            service: w[0],
            name: st(w[1], w[2]),
            level: w[3],
            description: st(w[4], w[5]),
            resources: sp(w[6], w[7]),
            keys: sp(w[8], w[9]),
            deps: sp(w[10], w[11]),
        })
    }

    pub fn resource(&self, i: u32) -> Option<ResourceRec> {
        if i >= self.n_resources {
            return None;
        }
        let w = self.words::<RESOURCE>(self.table(2) + i as usize * RESOURCE)?;
        Some(ResourceRec {
            service: w[0],
            name: st(w[1], w[2]),
            arns: sp(w[3], w[4]),
            keys: sp(w[5], w[6]),
        })
    }

    pub fn key(&self, i: u32) -> Option<KeyRec> {
        if i >= self.n_keys {
            return None;
        }
        let w = self.words::<KEY>(self.table(3) + i as usize * KEY)?;
        Some(KeyRec {
            name: st(w[0], w[1]),
            flags: w[2],
            types: sp(w[3], w[4]),
            description: st(w[5], w[6]),
            service: w[7],
        })
    }

    /// The variable-part keys as `(id, glob)`, compiled once.
    pub fn patterns(&self) -> &[(u32, Glob)] {
        self.patterns.get_or_init(|| {
            (0..self.n_keys)
                .filter_map(|i| {
                    let k = self.key(i)?;
                    k.pattern().then(|| (i, Glob::key(self.s(k.name))))
                })
                .collect()
        })
    }

    /// The text of a string reference ("" if it is out of range or not UTF-8).
    pub fn s(&self, st: Str) -> &str {
        let start = self.sections.strings.start + st.off as usize;
        let end = start.saturating_add(st.len as usize);
        if end > self.sections.strings.end {
            return "";
        }
        self.bytes
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// The words of a pool list (empty if out of range).
    pub fn list(&self, span: Span32) -> Vec<u32> {
        let start = self.sections.pool.start + span.start as usize * 4;
        let end = start.saturating_add(span.len as usize * 4);
        if end > self.sections.pool.end {
            return Vec::new();
        }
        self.bytes
            .get(start..end)
            .map(|b| {
                b.chunks_exact(4)
                    .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The strings of a pool list of (offset, length) pairs.
    pub fn strs(&self, span: Span32) -> Vec<&str> {
        self.list(span)
            .chunks_exact(2)
            .filter_map(|p| match p {
                [off, len] => Some(self.s(st(*off, *len))),
                _ => None,
            })
            .collect()
    }
}

fn st(off: u32, len: u32) -> Str {
    Str { off, len }
}

fn sp(start: u32, len: u32) -> Span32 {
    Span32 { start, len }
}
