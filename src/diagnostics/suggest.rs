//! The one fuzzy matcher behind every "did you mean": misspelt names, modules, template
//! parameters, types, environment constants, services, actions and condition keys.
//!
//! It lives beside `Diagnostic` because suggestions are part of what a diagnostic says, and
//! because every stage that reports one (`resolve`, `check`, `catalog`) may use this module.
//! The measure is the case-insensitive optimal-string-alignment distance (an adjacent swap
//! costs one, as in `GetObjcet`), with a cut-off that grows with the length of the input.

/// Edit distance between two strings, ignoring ASCII case; adjacent swaps cost one.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let get = |i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let mut v = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                v = v.min(get(i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = v;
            }
        }
    }
    d.get(at(a.len(), b.len())).copied().unwrap_or(usize::MAX)
}

/// The largest distance still worth suggesting for an input of this length: a third of
/// it, at least one.
pub fn cutoff(input: &str) -> usize {
    (input.chars().count() / 3).max(1)
}

/// The candidate closest to `input`, if within [`cutoff`]. A candidate equal to the input
/// is never suggested (it is what the user wrote). Ties go to the candidate that sorts
/// first, so the answer does not depend on the order of `candidates`.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = cutoff(input);
    let len = input.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        // The length difference is a lower bound on the distance: skip far candidates
        // cheaply (the catalog offers thousands).
        if c == input || c.chars().count().abs_diff(len) > limit {
            continue;
        }
        let d = distance(input, c);
        if d > limit {
            continue;
        }
        let better = match best {
            None => true,
            Some((bd, bc)) => d < bd || (d == bd && c < bc),
        };
        if better {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("GetObject", "getobject"), 0);
        assert_eq!(distance("GetObjects", "GetObject"), 1);
        assert_eq!(distance("GetObjcet", "GetObject"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_is_deterministic_and_close_only() {
        let c = ["GetObject", "GetObjectAcl", "PutObject"];
        assert_eq!(closest("GetObjects", c), Some("GetObject"));
        assert_eq!(closest("PutObjec", c), Some("PutObject"));
        assert_eq!(closest("Zzzzzz", c), None);
        assert_eq!(closest("c1", ["b1", "a1"]), Some("a1"));
        assert_eq!(closest("acount", ["account", "app_roles"]), Some("account"));
        assert_eq!(closest("zzz", ["account"]), None);
    }

    #[test]
    fn the_input_itself_is_never_suggested() {
        assert_eq!(closest("account", ["account", "acount"]), Some("acount"));
        assert_eq!(closest("account", ["account"]), None);
        // Another spelling of the same name is worth suggesting.
        assert_eq!(closest("Account", ["account"]), Some("account"));
    }
}
