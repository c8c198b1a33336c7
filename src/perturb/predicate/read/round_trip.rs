//! The round trip: every (stem, class, honorific, tense, ending) the shape
//! allows is written back, and only readings that reproduce the original
//! bytes exactly survive; among them, the dictionary and cue words settle
//! the stem.

use super::{ending_can_end_with, has_word, with_final, Lexicon, Shape};
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
        lex: &mut dyn Lexicon,
        out: &mut Vec<Predicate>,
    ) {
        // 잖 is 지 + 않 contracted, never part of a stem: 뽑잖아, which the
        // analyser reads as the stem 뽑잖, is 뽑다 + -잖아 (→ 뽑았잖아, not
        // *뽑잖았어).
        let jan_stem = shape.stem.strip_suffix('잖').filter(|s| !s.is_empty());
        if shape.stem.contains('잖') && jan_stem.is_none_or(|s| s.contains('잖')) {
            return;
        }
        let shape = &match jan_stem {
            Some(s) => Shape {
                stem: s.to_owned(),
                ..shape.clone()
            },
            None => shape.clone(),
        };
        let mut start = tokens[shape.start_token].start;
        if shape.bare {
            // The space between the noun and 아니다 belongs to the span: removing
            // the negation joins them (내 가방 아니야 → 내 가방이야).
            match text[..start].strip_suffix(' ') {
                Some(before) if !before.is_empty() => start = before.len(),
                _ => return,
            }
        }
        let original = &text[start..end];
        let question = text[end..].contains('?');
        let Some(last_char) = original.chars().last() else {
            return;
        };
        // An honorific verb of its own (계시다) is read as its part before 시
        // with the honorific always on: every form then keeps it whole.
        let lexical_hon = self.honorific_stems.contains(&shape.stem);
        let stem = if lexical_hon {
            shape.stem.strip_suffix('시').unwrap_or(&shape.stem).to_owned()
        } else {
            shape.stem.clone()
        };
        if !lexical_hon
            && !shape.stem.ends_with('시')
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
        let last_final = stem
            .chars()
            .last()
            .and_then(hangul::Syllable::from_char)
            .map(|s| s.final_jamo());
        let restorable = shape.tag != "VX" && !lexical_hon;
        let mut restored: Option<String> = None;
        let mut b_adjective: Option<String> = None;
        // The class follows what the analyser says the stem is (즐겁다 is a ㅂ
        // adjective even where it takes a verb's ending: 즐겁나요).
        let class_pos = pos;
        for pos in std::iter::once(pos).chain(alternative) {
            if !found.is_empty() {
                break;
            }
            let mut lemmas = vec![stem.clone()];
            // Not after a noun glued to the stem (끝납니다: 끝나다, not 끝 + 날다).
            let glued_noun = !space_before && matches!(shape.before_tag.as_str(), "NNG" | "XR");
            restored = if restorable && last_final == Some(None) && !glued_noun {
                with_final(&stem, Some('ㄹ')).filter(|r| self.rieul_stems.contains(r))
            } else {
                None
            };
            if let Some(r) = &restored {
                lemmas.push(r.clone());
            }
            // The other way round: an ending's ㄹ merged into a vowel stem
            // (커피 살게: 사다 + -ㄹ게), which the analyser gives as the ㄹ stem
            // (살다). Both readings are kept; cue words settle them. Only
            // where the ㄹ is written: an ㄹ stem drops it before ㄴ, ㅂ, ㅅ
            // (압니다, 머네요), where no vowel stem is read.
            if restorable
                && last_final == Some(Some('ㄹ'))
                && !glued_noun
                && self.rieul_stems.contains(&stem)
                && original.contains(stem.as_str())
            {
                if let Some(vowel) = with_final(&stem, None).filter(|v| lex.is_stem(v)) {
                    lemmas.push(vowel);
                }
            }
            // Irregular stems the analyser may give in their changed form: 지(었)
            // for 짓다, 걸(었) for 걷다 (also 걸다: both readings are kept).
            for (from, to, class) in [(None, Some('ㅅ'), Class::S), (Some('ㄹ'), Some('ㄷ'), Class::D)] {
                if restorable && last_final == Some(from) {
                    if let Some(alt) = with_final(&stem, to) {
                        if self.class_of(&alt, pos) == class {
                            lemmas.push(alt);
                        }
                    }
                }
            }
            // An ㅎ adjective whose ㅎ dropped before ㄴ (빨가네, 그러니): 빨갛다. The
            // analyser gives 빨가 or 그러 (그러다, which conjugates as 그렇다 does).
            if restorable && last_final == Some(None) {
                if let Some(alt) = with_final(&stem, Some('ㅎ')) {
                    if self.class_of(&alt, Pos::Adjective) == Class::H && lex.is_stem(&alt) {
                        lemmas.push(alt);
                    }
                }
            }
            // A ㅂ adjective's 우 read as a stem of its own (매웠네: 매우 + 었, in
            // fact 맵다).
            // The analyser may also give the infinitive itself (가까워요: 가까워 + 요).
            let b_tail = ['우', '워', '와'].into_iter().find(|c| stem.ends_with(*c));
            if let (true, Some(tail)) = (
                restorable && last_final == Some(None) && stem.chars().count() >= 2,
                b_tail,
            ) {
                let head = &stem[..stem.len() - tail.len_utf8()];
                if let Some(alt) = with_final(head, Some('ㅂ')) {
                    if self.class_of(&alt, Pos::Adjective) == Class::B && lex.is_adjective(&alt) {
                        b_adjective = Some(alt.clone());
                        lemmas.push(alt);
                    }
                }
            }
            // 치러요: 치르다 (a regular 르 stem), which the analyser gives as 치러.
            if restorable && (stem.ends_with('러') || stem.ends_with('라')) {
                let alt = format!("{}르", &stem[..stem.len() - '러'.len_utf8()]);
                if self
                    .class
                    .iter()
                    .any(|c| c.class == Class::Reu && c.regular.contains(&alt))
                {
                    lemmas = vec![alt];
                }
            }
            for lemma in &lemmas {
                // A ㅂ adjective restored from a 우 stem is an adjective (매웠구나:
                // 맵구나, not *맵는구나).
                let pos = if b_adjective.as_ref() == Some(lemma) {
                    Pos::Adjective
                } else {
                    pos
                };
                let lexicon = if hangul_final(lemma) == Some('ㅎ') && hangul_final(&stem) != Some('ㅎ') {
                    Class::HShort
                } else {
                    self.class_of(lemma, class_pos)
                };
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
                    let hons: &[bool] = if lexical_hon {
                        &[true]
                    } else if shape.negation == Negation::Prohibit {
                        &[false]
                    } else if hon_parsed {
                        &[true, false]
                    } else {
                        &[false, true]
                    };
                    for &hon in hons {
                        for full in [false, true] {
                            // 의사일 거야 does not show whether 이다 is written in
                            // full after the vowel: the contracted past (의사였어) is
                            // the one written.
                            if full && (pos != Pos::Copula || matches!(shape.tense, Some(Tense::FutureGeo { .. }))) {
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
                                            && (question
                                                || self.question_endings.contains(&self.ending[i].id)
                                                || self.wh_question_endings.contains(&self.ending[i].id)),
                                        negated_before,
                                        between: shape.between.clone(),
                                        bare: shape.bare,
                                        lexical_hon,
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
        // 떡볶이가 매웠네: the ㅂ adjective (맵다), not the transitive verb the
        // analyser also knows (매우다), when the clause has a subject and no
        // object. Without a subject both stay (이거 치워!: 치우다, not *칩다),
        // and disagreeing, give no output.
        if let Some(b) = &b_adjective {
            let has = |wanted: &str| {
                tokens
                    .iter()
                    .filter(|t| t.end <= start)
                    .any(|t| t.morphemes.iter().any(|(_, tag)| tag == wanted))
            };
            if has("JKS") && !has("JKO") && found.iter().any(|p| &p.stem == b) {
                found.retain(|p| &p.stem == b);
            }
        }
        self.settle_stems(before, lex, &mut found);
        // A ㄹ stem written without its ㄹ: believe the ㄹ unless the short
        // form is a common stem itself (사네: 사다 or 살다).
        if let Some(r) = &restored {
            if found.iter().any(|p| &p.stem == r) && !self.vowel_stems.contains(&stem) {
                found.retain(|p| &p.stem == r);
            }
        }
        // An adjective whose ㅎ dropped (빨가네: the analyser's 빨가) is the ㅎ
        // adjective; so are the verbs that conjugate as one (그러니).
        if (self.h_like.contains(&stem) || shape.tag == "VA") && found.iter().any(|p| p.class == Class::HShort) {
            found.retain(|p| p.class == Class::HShort);
        } else if self.h_like.contains(&stem) && found.iter().any(|p| p.stem != stem) {
            found.retain(|p| p.stem != stem);
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
        let wh_word_before = words_before.iter().any(|w| self.is_wh_word(w));
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
    fn settle_stems(&self, before: &str, lex: &mut dyn Lexicon, found: &mut Vec<Predicate>) {
        let mut stems: Vec<&str> = found.iter().map(|p| p.stem.as_str()).collect();
        stems.sort_unstable();
        stems.dedup();
        if stems.len() > 1 {
            let known: Vec<String> = stems.iter().filter(|s| lex.is_stem(s)).map(|s| s.to_string()).collect();
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

fn hangul_final(stem: &str) -> Option<char> {
    stem.chars().last().and_then(hangul::final_of)
}
