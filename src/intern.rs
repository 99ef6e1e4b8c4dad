//! Reading back `&'static str` fields (sections, statuses, warning codes)
//! from serialized records, as the `--incremental` cache does.
//!
//! Those fields hold one of a few dozen fixed names. Deserialised strings
//! are interned: each distinct one is leaked once and shared after that,
//! and the number of distinct strings is bounded so that a damaged cache
//! cannot grow memory without end.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer};

/// A fixed name (`section`, `status`, a warning `code`…).
///
/// An alias, not `&'static str` written out, because serde's derive borrows
/// every field it sees spelt `&str` from the input, which would tie the
/// records to the bytes they are read from.
pub type Name = &'static str;

/// The most distinct strings ever interned; far above the fixed names.
const MAX_INTERNED: usize = 4096;

static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The interned copy of `s`, or `None` once the bound is reached.
pub fn intern(s: &str) -> Option<&'static str> {
    let mut set = INTERNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&known) = set.get(s) {
        return Some(known);
    }
    if set.len() >= MAX_INTERNED {
        return None;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    Some(leaked)
}

/// A serde `deserialize_with` function for `&'static str` fields.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    intern(&s).ok_or_else(|| serde::de::Error::custom("too many distinct names"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy() {
        let a = intern("section-under-test").unwrap();
        let b = intern(&String::from("section-under-test")).unwrap();
        assert_eq!(a, "section-under-test");
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn deserialises_a_field() {
        #[derive(Deserialize)]
        struct R {
            #[serde(deserialize_with = "deserialize")]
            section: &'static str,
        }
        let r: R = serde_json::from_str(r#"{"section":"II"}"#).unwrap();
        assert_eq!(r.section, "II");
    }
}
