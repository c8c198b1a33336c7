//! The round trip: every (stem, class, honorific, tense, ending) the shape
//! allows is written back, and only readings that reproduce the original
//! bytes exactly survive; among them, the dictionary and cue words settle
//! the stem.

use super::{ending_can_end_with, has_word, with_final, Shape};
use crate::hangul;
use crate::perturb::analyser::Token;
use crate::perturb::conjugate::Class;
use crate::perturb::predicate::{Negation, Pos, Predicate, Tense};
use crate::perturb::rules::{Mood, TenseNegationRules};

impl TenseNegationRules {
    pub(super) fn round_trip(
        &self,
        text: &str,
        tokens: &[Token],
        end: usize,
        shape: &Shape,
        is_stem: &mut dyn FnMut(&str) -> bool,
        out: &mut Vec<Predicate>,
    ) {
        // 잖 is 지 + 않 contracted, never part of a stem: a reading of 뽑잖아 as
        // the stem 뽑잖 would shift it to *뽑잖았어 (the -잖아 ending gives 뽑았잖아).
        if shape.stem.contains('잖') {
            return;
        }
        let start = tokens[shape.start_token].start;
        let original = &text[start..end];
        let question = text[end..].contains('?');
        let Some(last_char) = original.chars().last() else {
            return;
        };
        if !shape.stem.ends_with('시')
            && original
                .split(' ')
                .any(|w| self.honorific_lexical.iter().any(|h| w.starts_with(h.as_str())))
        {
            return;
        }
        let eps: Vec<&String> = shape.eps.iter().filter(|e| *e != "ETM").collect();
        if shape.tense.is_some() && eps.iter().any(|e| *e != "hon") {
            // 갔을 거야, 먹겠을 거야: not read.
            return;
        }
        let past = shape.eps.iter().filter(|e| *e == "past").count();
        let gess = shape.eps.iter().any(|e| e == "gess");
        if past > 1 || shape.eps.iter().any(|e| e == "other") || (past == 1 && gess) {
            return;
        }
        let tenses: Vec<Tense> = match shape.tense {
            Some(Tense::FutureGeo { space, .. }) => (0..3).map(|form| Tense::FutureGeo { space, form }).collect(),
            Some(t) => vec![t],
            None if past == 1 => vec![Tense::Past],
            None if gess => vec![Tense::FutureGess],
            None => vec![Tense::Present],
        };
        let Some(pos) = self.pos_of(&shape.stem, &shape.tag) else {
            return;
        };
        let before = &text[..start];
        let space_before = before.chars().last().is_none_or(char::is_whitespace);
        let hon_parsed = shape.eps.iter().any(|e| e == "hon");
        let cues = self.cues_before(before);
        let (negative_polarity, negative_polarity_past) = (cues.negative_polarity, cues.negative_polarity_past);
        let (wh_word_before, word_before) = (cues.wh_word_before, cues.word_before);
        let negated_before = cues.negated_before;

        let mut found: Vec<Predicate> = Vec::new();
        // A verb the analyser calls VV may conjugate as an adjective (웃기다) and
        // the other way round; the other reading is tried when the first fails.
        let alternative = match pos {
            Pos::Verb => Some(Pos::Adjective),
            Pos::Adjective => Some(Pos::Verb),
            _ => None,
        };
        // The final of the stem's last syllable (Some(None): none), for the
        // restorations below; auxiliaries are few and known: never restored.
        let last_final = shape
            .stem
            .chars()
            .last()
            .and_then(hangul::Syllable::from_char)
            .map(|s| s.final_jamo());
        let restorable = shape.tag != "VX";
        let mut restored: Option<String> = None;
        for pos in std::iter::once(pos).chain(alternative) {
            if !found.is_empty() {
                break;
            }
            let mut lemmas = vec![shape.stem.clone()];
            restored = if restorable && last_final == Some(None) {
                with_final(&shape.stem, Some('ㄹ')).filter(|r| self.rieul_stems.contains(r))
            } else {
                None
            };
            if let Some(r) = &restored {
                lemmas.push(r.clone());
            }
            // Irregular stems the analyser may give in their changed form: 지(었)
            // for 짓다, 걸(었) for 걷다 (also 걸다: both readings are kept).
            for (from, to, class) in [(None, Some('ㅅ'), Class::S), (Some('ㄹ'), Some('ㄷ'), Class::D)] {
                if restorable && last_final == Some(from) {
                    if let Some(alt) = with_final(&shape.stem, to) {
                        if self.class_of(&alt, pos) == class {
                            lemmas.push(alt);
                        }
                    }
                }
            }
            for lemma in &lemmas {
                let lexicon = self.class_of(lemma, pos);
                let classes: Vec<Class> = std::iter::once(lexicon)
                    .chain(
                        [
                            Class::Regular,
                            Class::B,
                            Class::D,
                            Class::S,
                            Class::H,
                            Class::Reu,
                            Class::Reo,
                        ]
                        .into_iter()
                        .filter(|c| *c != lexicon && c.fits(lemma)),
                    )
                    .collect();
                for (ci, class) in classes.into_iter().enumerate() {
                    let before = found.len();
                    let hons: &[bool] = if shape.negation == Negation::Prohibit {
                        &[false]
                    } else if hon_parsed {
                        &[true, false]
                    } else {
                        &[false, true]
                    };
                    for &hon in hons {
                        for full in [false, true] {
                            if full && pos != Pos::Copula {
                                continue;
                            }
                            for (i, e) in self.ending.iter().enumerate() {
                                if e.only_prohibit && shape.negation != Negation::Prohibit {
                                    continue;
                                }
                                if shape.negation == Negation::Prohibit && e.prohibit.is_none() {
                                    continue;
                                }
                                if e.mood != Mood::Any && (question || pos != Pos::Verb) {
                                    // Only verbs command or propose (편찮으세요 is not one).
                                    continue;
                                }
                                if !ending_can_end_with(e, last_char) && shape.negation != Negation::Prohibit {
                                    continue;
                                }
                                for &tense in &tenses {
                                    let p = Predicate {
                                        start,
                                        end,
                                        stem: lemma.clone(),
                                        class,
                                        pos,
                                        tag: shape.tag.clone(),
                                        hon,
                                        tense,
                                        negation: shape.negation.clone(),
                                        ending: i,
                                        noun_consonant: shape.noun_consonant,
                                        copula_full: full,
                                        space_before,
                                        noun_before_short: shape.noun_before_short,
                                        before_tag: shape.before_tag.clone(),
                                        before_text: shape.before_text.clone(),
                                        negative_polarity: negative_polarity
                                            || (negative_polarity_past && tense != Tense::Present),
                                        word_before: word_before.clone(),
                                        wh_question: wh_word_before
                                            && (question || self.question_endings.contains(&self.ending[i].id)),
                                        negated_before,
                                    };
                                    if self.render(&p).as_deref() == Some(original) {
                                        found.push(p);
                                    }
                                }
                            }
                        }
                    }
                    // The lexicon's class is believed when it fits the text; other
                    // classes are tried only as evidence from the surface.
                    if ci == 0 && found.len() > before {
                        break;
                    }
                }
            }
        }
        self.settle_stems(before, is_stem, &mut found);
        // A ㄹ stem written without its ㄹ: believe the ㄹ unless the short
        // form is a common stem itself (사네: 사다 or 살다).
        if let Some(r) = &restored {
            if found.iter().any(|p| &p.stem == r) && !self.vowel_stems.contains(&shape.stem) {
                found.retain(|p| &p.stem == r);
            }
        }
        self.settle_mood(text, tokens, start, question, shape, &mut found);
        out.extend(found);
    }

    /// What the words before the predicate say about its polarity and the
    /// question it may be part of.
    fn cues_before(&self, before: &str) -> CuesBefore {
        let words_before: Vec<&str> = before.split_whitespace().collect();
        let negative_polarity = self.negative_polarity.words.iter().any(|w| before.contains(w.as_str()))
            || words_before.iter().any(|word| {
                self.negative_polarity
                    .attached
                    .iter()
                    .any(|a| word.find(a.as_str()).is_some_and(|at| at > 0))
            })
            || (self.negative_polarity.one_even
                && words_before.windows(2).any(|w| w[0] == "한" && w[1].ends_with('도')));
        let negative_polarity_past = has_word(before, &self.negative_polarity.unless_present);
        let wh_word_before = words_before.iter().any(|w| {
            self.negation_never_after_question_words
                .iter()
                .any(|q| w.starts_with(q.as_str()))
        });
        let word_before = {
            let mid_word = !before.ends_with(char::is_whitespace);
            before
                .split_whitespace()
                .rev()
                .nth(usize::from(mid_word))
                .unwrap_or("")
                .to_owned()
        };
        let negated_before = words_before
            .iter()
            .any(|w| self.negation.short_remove.iter().any(|n| n == w));
        CuesBefore {
            negative_polarity,
            negative_polarity_past,
            wh_word_before,
            word_before,
            negated_before,
        }
    }

    /// Readings that differ in the stem: keep those the dictionary knows, then
    /// the one a cue word before the predicate names.
    fn settle_stems(&self, before: &str, is_stem: &mut dyn FnMut(&str) -> bool, found: &mut Vec<Predicate>) {
        let mut stems: Vec<&str> = found.iter().map(|p| p.stem.as_str()).collect();
        stems.sort_unstable();
        stems.dedup();
        if stems.len() > 1 {
            let known: Vec<String> = stems.iter().filter(|s| is_stem(s)).map(|s| s.to_string()).collect();
            if !known.is_empty() {
                found.retain(|p| known.contains(&p.stem));
            }
            // Still two stems (들었다: 듣다 or 들다)? A word before the
            // predicate may tell (음악을 들었다).
            let cued: Vec<&String> = self
                .stem_cues
                .iter()
                .filter(|(stem, cues)| {
                    found.iter().any(|p| p.stem == **stem) && cues.iter().any(|c| before.contains(c.as_str()))
                })
                .map(|(stem, _)| stem)
                .collect();
            if let [one] = cued.as_slice() {
                let one = (*one).clone();
                found.retain(|p| p.stem == one);
            }
        }
    }
}

/// See [`TenseNegationRules::cues_before`].
struct CuesBefore {
    /// A negative-polarity word (전혀, 밖에, 한 … 도) stands before: the
    /// predicate cannot lose its negation.
    negative_polarity: bool,
    /// One that allows only a present predicate without negation (아직).
    negative_polarity_past: bool,
    /// A question word before it (뭐, 언제…).
    wh_word_before: bool,
    /// The word right before the predicate.
    word_before: String,
    /// A short negation (안, 못) as a word of its own before the predicate.
    negated_before: bool,
}
