//! A bounded memo shared by the threads of one run: analyses, predicate
//! readings, rewrites, a context's reading by the bank and its near-copy
//! lines. KorAdvMRS repeats each context in about eleven cases and every
//! strategy reads the same reply, so each is worked out once.
//!
//! Invariant: a memo only holds values that are pure functions of their key
//! (so what it returns is what computing afresh would), and never more than
//! its capacity (it starts afresh when full): memory stays bounded on any
//! input. The lock is held to look up and to insert, never while computing,
//! so threads compute in parallel (two may compute the same value once each).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

#[derive(Debug)]
pub struct Memo<K, V> {
    map: Mutex<HashMap<K, V>>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub fn new(capacity: usize) -> Memo<K, V> {
        Memo {
            map: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The value of `key`, made by `make` unless remembered.
    pub fn get_or_make<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(done) = self.map.lock().ok().and_then(|m| m.get(key).cloned()) {
            return done;
        }
        let made = make();
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= self.capacity {
                m.clear();
            }
            m.insert(key.to_owned(), made.clone());
        }
        made
    }

    /// Forgets every value: a benchmark round then starts as a run does.
    pub fn clear(&self) {
        if let Ok(mut m) = self.map.lock() {
            m.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_the_memo_stays_within_its_capacity() {
        let memo: Memo<String, usize> = Memo::new(2);
        let made = std::cell::Cell::new(0);
        let len = |s: &str| {
            memo.get_or_make(s, || {
                made.set(made.get() + 1);
                s.len()
            })
        };
        assert_eq!(len("가나"), 6);
        assert_eq!(len("가나"), 6);
        assert_eq!(made.get(), 1);
        len("a");
        len("bb");
        assert_eq!(made.get(), 3);
        assert!(memo.map.lock().unwrap().len() <= 2);
        memo.clear();
        assert!(memo.map.lock().unwrap().is_empty());
    }
}
