//! The request context: condition key -> value(s). Key names are stored lowercase, since
//! IAM compares them case-insensitively ("IAM JSON policy elements: Condition": "Context key
//! names are not case-sensitive").

/// One context value: a single-valued key, or a multivalued key (possibly empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    One(String),
    Many(Vec<String>),
}

impl ContextValue {
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::One(s) => std::slice::from_ref(s),
            ContextValue::Many(v) => v,
        }
    }

    /// The value a policy variable takes: only single-valued keys have one
    /// (IAM User Guide, "Policy variables": multivalued keys cannot be variables).
    pub fn single(&self) -> Option<&str> {
        match self {
            ContextValue::One(s) => Some(s),
            ContextValue::Many(_) => None,
        }
    }
}

/// The complete request context. Small (a handful of keys), so a vector with a linear,
/// allocation-free lookup beats a map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(Box<str>, ContextValue)>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (any case); a later value for the same key replaces the earlier one.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let lower = key.to_lowercase();
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| **k == *lower) {
            slot.1 = value;
        } else {
            self.entries.push((lower.into_boxed_str(), value));
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Context {
        self.insert(key, ContextValue::One(value.to_string()));
        self
    }

    pub fn with_many(mut self, key: &str, values: &[&str]) -> Context {
        self.insert(
            key,
            ContextValue::Many(values.iter().map(|s| s.to_string()).collect()),
        );
        self
    }

    /// Removes a key (any case).
    pub fn remove(&mut self, key: &str) {
        let lower = key.to_lowercase();
        self.entries.retain(|(k, _)| **k != *lower);
    }

    /// Looks a key up by its lowercase name.
    pub fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        self.entries
            .iter()
            .find(|(k, _)| **k == *lower)
            .map(|(_, v)| v)
    }

    /// Looks a key up by any spelling.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_lower(&key.to_lowercase())
    }

    /// Every key (lowercase) and its value, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> + '_ {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case() {
        let c = Context::new().with("aws:SourceIP", "1.2.3.4");
        assert_eq!(
            c.get("AWS:sourceip"),
            Some(&ContextValue::One("1.2.3.4".into()))
        );
        let c = c.with("aws:sourceip", "5.6.7.8");
        assert_eq!(c.len(), 1);
        assert_eq!(
            c.get("aws:SourceIp").and_then(|v| v.single()),
            Some("5.6.7.8")
        );
        let c = Context::new().with_many("aws:TagKeys", &["a"]);
        assert_eq!(c.get("aws:tagkeys").and_then(|v| v.single()), None);
    }
}
