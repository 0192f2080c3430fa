//! The words of an action name: `GetObjectAcl` is `Get`, `Object`, `Acl`. Used to cut
//! wildcards at word boundaries (`s3:GetObject*`), in the built-in `action_wildcards` and in
//! the compaction of action lists.

/// Where the words of an action name start: at an upper-case letter after a lower-case
/// letter or a digit (`ListMFADevices` is `List`, `MFADevices`).
pub fn word_starts(name: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        if i > 0
            && c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            starts.push(i);
        }
        prev = Some(c);
    }
    starts
}

/// How many words an action name has.
pub fn word_count(name: &str) -> usize {
    word_starts(name).len()
}

/// The first `n` words of `name` (all of it when it has fewer).
pub fn word_prefix(name: &str, n: usize) -> &str {
    match word_starts(name).get(n) {
        Some(&end) => name.get(..end).unwrap_or(name),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_action_names() {
        assert_eq!(word_prefix("GetObjectAcl", 1), "Get");
        assert_eq!(word_prefix("GetObjectAcl", 2), "GetObject");
        assert_eq!(word_prefix("GetObjectAcl", 5), "GetObjectAcl");
        assert_eq!(word_prefix("ListMFADevices", 2), "ListMFADevices");
        assert_eq!(word_count("ListMFADevices"), 2);
        assert_eq!(word_count("Get"), 1);
    }
}
