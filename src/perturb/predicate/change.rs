//! Changing a reading: another tense, the other polarity; and the rewritten
//! reply when every reading agrees on it.

use super::{Negation, Pos, Predicate, Rewrite, Tense};
use crate::perturb::rules::{Mood, TenseNegationRules};

impl TenseNegationRules {
    /// The reading moved to another tense: `past`, `present` or `future`.
    pub fn shift_tense(&self, p: &Predicate, to: &str) -> Option<(Predicate, String)> {
        let e = self.ending.get(p.ending)?;
        if !e.tense || p.negation == Negation::Prohibit || p.tense.name() == to {
            return None;
        }
        if self.wish_stems.contains(&p.stem) && p.word_before.ends_with('면') {
            return None;
        }
        if to == "present"
            && self.verb_and_adjective.contains(&p.stem)
            && e.adjective.as_deref().is_some_and(|a| a != e.verb)
        {
            return None;
        }
        let tense = match to {
            "past" => Tense::Past,
            "present" => Tense::Present,
            "future" => match e.future.as_deref() {
                Some("gess") => Tense::FutureGess,
                Some(_) | None if !e.geo.is_empty() => Tense::FutureGeo { space: true, form: 0 },
                _ if e.gess => Tense::FutureGess,
                _ => return None,
            },
            _ => return None,
        };
        let rule = format!("tense/{}-to-{to}/{}", p.tense.name(), e.id);
        Some((Predicate { tense, ..p.clone() }, rule))
    }

    /// The reading with its polarity flipped.
    pub fn flip_negation(&self, p: &Predicate) -> Option<(Predicate, String)> {
        let e = self.ending.get(p.ending)?;
        let id = &e.id;
        let neg = &self.negation;
        let mut q = p.clone();
        let rule = match (&p.negation, p.pos) {
            // 안 피곤해 read as 피곤 + 해 (or 안 좋아해 as 좋아 + 해): the 안
            // before the word already negates it.
            (Negation::None, _) if neg.short_remove.contains(&p.word_before) => return None,
            (Negation::None, _) if p.negated_before || neg.never_after.contains(&p.word_before) => return None,
            (Negation::None, Pos::Copula)
                if p.wh_question
                    || self.copula.negation_never_after.contains(&p.word_before)
                    || self.copula.negation_never_nouns.contains(&p.before_text) =>
            {
                return None
            }
            (Negation::None, Pos::Copula) => {
                q.pos = Pos::NegCopula;
                q.stem = "아니".into();
                q.tag = "VCN".into();
                "copula-add"
            }
            (Negation::None, Pos::NegCopula)
                if p.negative_polarity || self.copula.removal_never_after.contains(&p.before_text) =>
            {
                return None
            }
            (Negation::None, Pos::NegCopula) => {
                q.pos = Pos::Copula;
                q.stem = "이".into();
                q.tag = "VCP".into();
                q.copula_full = false;
                "copula-remove"
            }
            (Negation::None, _)
                if neg.never.contains(&p.stem) || neg.never.contains(&format!("{}{}", p.before_text, p.stem)) =>
            {
                return None
            }
            (Negation::None, _) if p.negative_polarity && neg.pairs.iter().any(|[_, b]| *b == p.stem) => return None,
            (Negation::None, _) => {
                let pair = (p.tag != "VX")
                    .then(|| {
                        neg.pairs.iter().find_map(|[a, b]| {
                            if *a == p.stem {
                                Some((b.clone(), "lexical-add"))
                            } else if *b == p.stem {
                                Some((a.clone(), "lexical-remove"))
                            } else {
                                None
                            }
                        })
                    })
                    .flatten();
                if let Some((other, rule)) = pair {
                    q.class = self.class_of(&other, p.pos);
                    q.stem = other;
                    rule
                } else if p.wh_question {
                    return None;
                } else if e.mood != Mood::Any {
                    e.prohibit.as_ref()?;
                    q.negation = Negation::Prohibit;
                    "prohibit-add"
                } else if p.lexical_hon {
                    // 안 계세요, 안 주무셨어요: the honorific verb stays one word.
                    q.negation = Negation::Short(neg.short.clone());
                    "short-add"
                } else if p.tag == "VX"
                    || neg.long_only.contains(&p.stem)
                    // The analyser splits some compounds (끝 + 나다, 짜증 + 나다).
                    || (!p.space_before && neg.long_only.contains(&format!("{}{}", p.before_text, p.stem)))
                    || p.tag == "XSA"
                    || p.pos == Pos::Exist
                    || p.stem.chars().count() >= neg.long_from_syllables
                    // 안 goes before a 하다 written apart from its noun (숙제 안 했어),
                    // not into a word (이상해: *이상 안 해, whether the analyser
                    // calls it a verb or not; 이상하지 않아 fits both).
                    || (p.stem == "하" && (!p.space_before || !matches!(p.before_tag.as_str(), "NNG" | "NNP" | "XR")))
                    // After a connective the verbs form one predicate (시켜 먹었어):
                    // 안 between them would split it.
                    || p.before_tag == "EC"
                    // A stem glued to a word that is no noun (낑낑거려): 안 would
                    // split the word (*낑낑 안 거려).
                    || (!p.space_before && !p.before_text.is_empty() && !matches!(p.before_tag.as_str(), "NNG" | "NNP" | "XR"))
                {
                    q.negation = Negation::Long(neg.long_aux.clone());
                    "long-add"
                } else {
                    q.negation = Negation::Short(neg.short.clone());
                    "short-add"
                }
            }
            (Negation::Short(_) | Negation::Long(_), _) if p.negative_polarity => return None,
            (Negation::Short(_), _) => {
                q.negation = Negation::None;
                if p.noun_before_short {
                    // 공부 안 했어 → 공부했어: the space before 안 goes too.
                    q.start = p.start.checked_sub(1)?;
                }
                "short-remove"
            }
            (Negation::Long(_), _) => {
                q.negation = Negation::None;
                "long-remove"
            }
            (Negation::Prohibit, _) => {
                q.negation = Negation::None;
                "prohibit-remove"
            }
        };
        Some((q, format!("negation/{rule}/{id}")))
    }

    /// Applies `change` to every reading; the rewritten text when the
    /// readings agree on one that differs from `text`, else nothing.
    pub fn rewrite(
        &self,
        text: &str,
        readings: &[Predicate],
        kind: &'static str,
        change: impl Fn(&Predicate) -> Option<(Predicate, String)>,
    ) -> Option<Rewrite> {
        self.render_all(text, readings, kind, change).filter(|r| r.text != text)
    }

    /// [`Self::rewrite`], where the text may come back unchanged (a frame
    /// that asks in the line's own speech level: 만났어 → 만났어?).
    pub fn render_all(
        &self,
        text: &str,
        readings: &[Predicate],
        kind: &'static str,
        change: impl Fn(&Predicate) -> Option<(Predicate, String)>,
    ) -> Option<Rewrite> {
        let mut out: Option<Rewrite> = None;
        for p in readings {
            let (q, rule) = change(p)?;
            let word = self.render(&q)?;
            let new = format!("{}{word}{}", &text[..q.start], &text[q.end..]);
            match &out {
                Some(r) if r.text != new => return None,
                Some(_) => {}
                None => out = Some(Rewrite { kind, rule, text: new }),
            }
        }
        out
    }
}
