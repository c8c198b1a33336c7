//! Property tests of the Hangul layer: total on any Unicode input, and the
//! arithmetic agrees with itself wherever it answers.

use crate::common;

use proptest::prelude::*;
use rsbench::hangul::{attach, compose, decompose, ends_in_consonant, ends_in_rieul, Particle, Syllable};

const PARTICLES: [Particle; 10] = Particle::ALL;

proptest! {
    #![proptest_config(common::proptest_config(256, "tests/it/hangul_props.proptest-regressions"))]

    #[test]
    fn any_char_decomposes_consistently(c in any::<char>()) {
        match (Syllable::from_char(c), decompose(c)) {
            (Some(s), Some((l, v, t))) => {
                prop_assert_eq!(s.to_char(), Some(c));
                prop_assert_eq!(compose(l, v, t), Some(c));
                prop_assert_eq!(s.has_final(), t.is_some());
            }
            (None, None) => {}
            other => prop_assert!(false, "disagree on {:?}: {:?}", c, other),
        }
    }

    #[test]
    fn any_jamo_triple_composes_or_refuses(l in any::<char>(), v in any::<char>(), t in proptest::option::of(any::<char>())) {
        if let Some(c) = compose(l, v, t) {
            prop_assert_eq!(decompose(c), Some((l, v, t)));
        }
    }

    #[test]
    fn particles_never_panic_and_keep_the_word(word in any::<String>(), which in 0usize..PARTICLES.len()) {
        let out = attach(&word, PARTICLES[which]);
        prop_assert!(out.starts_with(&word));
        prop_assert!(out.len() > word.len());
        let _ = ends_in_consonant(&word);
        let _ = ends_in_rieul(&word);
    }

    #[test]
    fn hangul_words_get_exactly_one_form(word in "[가-힣]{1,6}", which in 0usize..PARTICLES.len()) {
        let out = attach(&word, PARTICLES[which]);
        prop_assert!(!out.contains('('), "{}", out);
    }
}
