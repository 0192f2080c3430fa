//! Counts of what a catalog holds (`iamc catalog stats`), comparable with the source README.

use super::{AccessLevel, Catalog};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub services: usize,
    pub actions: usize,
    /// `(level, count)` for active actions, in the README's order.
    pub access_levels: Vec<(String, usize)>,
    pub resource_types: usize,
    pub arn_formats: usize,
    /// Condition key entries listed by all service files, retired ones included (as the
    /// source README counts them; AWS repeats the `aws:` tag keys per service).
    pub service_key_entries: usize,
    /// ... of which service-specific (not `aws:`).
    pub service_specific_key_entries: usize,
    /// ... of which the repeated `aws:` keys.
    pub aws_key_entries: usize,
    /// Entries listed by active services only.
    pub active_service_key_entries: usize,
    /// Distinct service-specific key names in active services.
    pub service_specific_keys: usize,
    /// Keys from `global-condition-keys.json`.
    pub global_keys: usize,
    /// Every distinct key the catalog knows.
    pub distinct_keys: usize,
    pub retired_services: usize,
    pub retired_actions: usize,
    pub retired_resource_types: usize,
}

impl Catalog {
    pub fn stats(&self) -> Stats {
        let mut st = Stats::default();
        let mut levels = [0usize; 6];
        let mut specific = BTreeSet::new();
        for s in self.services() {
            for k in s.condition_keys() {
                st.service_key_entries += 1;
                if k.name().to_ascii_lowercase().starts_with("aws:") {
                    st.aws_key_entries += 1;
                } else {
                    st.service_specific_key_entries += 1;
                }
            }
            let n_actions = s.actions().count();
            let n_res = s.resource_types().count();
            if s.retired() {
                st.retired_services += 1;
                st.retired_actions += n_actions;
                st.retired_resource_types += n_res;
                continue;
            }
            st.services += 1;
            st.actions += n_actions;
            for a in s.actions() {
                if let Some(n) = levels.get_mut(a.access_level() as usize) {
                    *n += 1;
                }
            }
            st.resource_types += n_res;
            st.arn_formats += s
                .resource_types()
                .map(|r| r.arn_formats().len())
                .sum::<usize>();
            for k in s.condition_keys() {
                st.active_service_key_entries += 1;
                if !k.name().to_ascii_lowercase().starts_with("aws:") {
                    specific.insert(k.id);
                }
            }
        }
        st.service_specific_keys = specific.len();
        st.access_levels = AccessLevel::ALL
            .iter()
            .filter(|l| **l != AccessLevel::Unknown || levels.get(**l as usize) != Some(&0))
            .map(|l| {
                (
                    l.as_str().to_string(),
                    levels.get(*l as usize).copied().unwrap_or(0),
                )
            })
            .collect();
        st.global_keys = self.keys().filter(|k| k.in_global_list()).count();
        st.distinct_keys = self.keys().count();
        st
    }
}
