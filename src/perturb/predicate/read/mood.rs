//! The predicate's mood: a statement, a request or an imperative. Korean
//! writes 해체 and 해요체 imperatives with the statement's ending (가 / 가요), so
//! the cues around the predicate decide: a cue word that modifies it, the
//! listener named as its subject, an imperative auxiliary or verb; another
//! subject in its clause or the speaker as subject rule a request out.

use super::{has_word, last_word_end, serial_first_verb, stem_tag, Shape};
use crate::perturb::analyser::Token;
use crate::perturb::predicate::{Negation, Pos, Predicate, Tense};
use crate::perturb::rules::{Mood, TenseNegationRules};

impl TenseNegationRules {
    /// Reads the predicate's mood and keeps the readings that agree. A
    /// subject other than the listener in the predicate's clause makes it a
    /// statement; a 해체/해요체 verb with an imperative cue (a cue word that
    /// modifies it, the listener named, an imperative auxiliary or verb) is an
    /// imperative; imperatives and propositives are kept over statements
    /// outside questions. `start` is where the predicate starts in `text`.
    pub(super) fn settle_mood(
        &self,
        text: &str,
        tokens: &[Token],
        start: usize,
        question: bool,
        shape: &Shape,
        found: &mut Vec<Predicate>,
    ) {
        let before = &text[..start];
        // A subject other than the listener in the predicate's clause makes it a
        // statement: no cue makes 시간이 빨리 가 a request, and -(으)세요 then
        // describes that person (선생님이 가세요, 어머니께서 음식을 만드세요). Not a
        // subject of an earlier clause (비가 오면 우산 쓰세요).
        let tokens_before: Vec<&Token> = tokens.iter().filter(|t| t.end <= start).collect();
        let clause_start = tokens_before
            .iter()
            .rposition(|t| {
                t.morphemes.iter().any(|(_, tag)| tag == "EC" || tag == "ETM") && !serial_first_verb(t, text, start)
            })
            .map_or(0, |i| i + 1);
        let someone_else = tokens_before[clause_start..]
            .iter()
            .any(|t| t.morphemes.iter().any(|(_, tag)| tag == "JKS"))
            && !self.listener_named(before);
        // 해체/해요체 verbs with an imperative cue are imperatives.
        let speaker_subject = has_word(before, &self.imperative.first_person_subjects);
        let clause = &tokens_before[clause_start..];
        let exclaimed_command = found.first().is_some_and(|p| text[p.end..].starts_with('!'))
            && !clause.iter().any(|t| t.morphemes.iter().any(|(_, tag)| tag == "JKS"))
            && (clause.iter().any(|t| t.morphemes.iter().any(|(_, tag)| tag == "JKO"))
                || self
                    .imperative
                    .exclaimed_objects
                    .iter()
                    .any(|o| before.trim_end().ends_with(o.as_str()) && last_word_end(before, o, true).is_some()));
        let cue = !question
            && !someone_else
            && !speaker_subject
            && !self.imperative.never.contains(&shape.stem)
            && (self
                .imperative
                .cues
                .iter()
                .map(|c| last_word_end(before, c, true))
                .chain(
                    self.imperative
                        .cue_endings
                        .iter()
                        .map(|c| last_word_end(before, c, false)),
                )
                .any(|cue_end| {
                    // A cue word must be a word of its own (not the 어서 of
                    // 있어서) and modify this verb: no other predicate between
                    // them (빨리 낫기를 바라: 빨리 belongs to 낫다), unless it is the
                    // first verb of a serial pair (좀 챙겨 먹어).
                    cue_end.is_some_and(|from| {
                        !tokens
                            .iter()
                            .filter(|t| t.start >= from && t.end <= start)
                            .filter(|t| !serial_first_verb(t, text, start))
                            .any(|t| t.morphemes.iter().any(|(_, tag)| stem_tag(tag)))
                    })
                })
                || self.second_person_imperative(before)
                || exclaimed_command
                || (shape.tag == "VX" && self.imperative.auxiliaries.contains(&shape.stem))
                || {
                    // The stem with what precedes it in the text (조심 + 하, 잘 + 자).
                    let whole = format!("{before}{}", shape.stem);
                    self.imperative.verbs.iter().any(|v| whole.ends_with(v.as_str()))
                });
        if cue {
            for p in found.iter_mut() {
                let Some(imperative_id) = self.ending[p.ending].imperative.as_deref() else {
                    continue;
                };
                if p.pos == Pos::Verb && p.tense == Tense::Present && p.negation == Negation::None && !p.hon {
                    if let Some(i) = self.ending.iter().position(|e| e.id == imperative_id) {
                        p.ending = i;
                    }
                }
            }
        }
        if someone_else && found.iter().any(|p| p.hon && self.ending[p.ending].mood == Mood::Any) {
            found.retain(|p| self.ending[p.ending].mood == Mood::Any);
        }
        // Imperatives and propositives are read as such outside questions.
        if found.iter().any(|p| self.ending[p.ending].mood != Mood::Any) {
            found.retain(|p| self.ending[p.ending].mood != Mood::Any);
        }
    }

    /// A verb said of the listener (너도 따숩게 입고 다녀) commands, unless a
    /// word before it (`before`) describes a habit or a skill (너 노래 진짜 잘 불러).
    pub(super) fn second_person_imperative(&self, before: &str) -> bool {
        self.listener_named(before) && !has_word(before, &self.imperative.subject_blockers)
    }

    pub(super) fn listener_named(&self, before: &str) -> bool {
        has_word(before, &self.imperative.subjects)
    }
}

#[cfg(test)]
mod tests {
    use crate::perturb::analyser::dictionary_dir;
    use crate::perturb::rewrite::Rewriter;

    /// The ending each reading of `text` ends up with.
    fn endings(r: &Rewriter, text: &str) -> Vec<String> {
        let mut w = r.worker();
        let mut ids: Vec<String> = r
            .readings(&mut w, text)
            .iter()
            .map(|p| r.rules().ending[p.ending].id.clone())
            .collect();
        ids.dedup();
        ids
    }

    #[test]
    fn cues_make_a_plain_present_an_imperative_and_subjects_make_it_a_statement() {
        let r = Rewriter::load(&dictionary_dir()).expect("the analyser (scripts/setup.sh)");
        for text in [
            "빨리 가",
            "좀 챙겨 먹어",
            "너도 따숩게 입고 다녀",
            "조심히 들어가",
            "울지 말고 얘기해",
        ] {
            assert!(
                endings(&r, text).iter().all(|e| e.ends_with("imperative")) && !endings(&r, text).is_empty(),
                "{text}: {:?}",
                endings(&r, text)
            );
        }
        for text in [
            "난 빨리 가",
            "심장이 빨리 뛰어",
            "빨리 가?",
            "너 노래 진짜 잘 불러",
            "있어서 피곤해",
        ] {
            assert!(
                endings(&r, text).iter().all(|e| !e.ends_with("imperative")),
                "{text}: {:?}",
                endings(&r, text)
            );
        }
    }
}
