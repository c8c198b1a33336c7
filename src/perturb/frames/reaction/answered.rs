//! The answer to a yes/no question of the replier, taken up as its opposite:
//! the replier asked (너 그 영화 봤어?), the other speaker answered with an
//! answer word (ㅇㅇ 어제 봤는데…), and the negative reacts as if the answer
//! had been the other one (아 영화 안 봤구나), with the question's own noun
//! and predicate, since an answer word says which without repeating them.
//!
//! Invariant: built only where line `i` of the other speaker starts with an
//! answer word, the line before it (the replier's) ends in a positive
//! question with no question word that asks about the listener or a thing,
//! and the question's predicate passes every gate a stated fact passes
//! ([`super::fact`], [`super::states_no_fact`]); the frame carries the noun
//! right before the predicate and the predicate alone, never either line.
//! The words it drops, needs or refuses are the `[answered]` lists of
//! `perturbations/grounding.toml`.

use super::super::{fact_as, names_a_subject, noun_before, speaks_of_replier, Carries, Said};
use super::{as_failure, no_fact_yet, noun_end, slot_of, states_no_fact, whole_noun_phrase, Shape, MOTION};
use crate::perturb::analyser::Worker;
use crate::perturb::grounding::{self, GroundingRules, Grounds};
use crate::perturb::predicate::{Pos, Predicate, Tense};
use crate::perturb::register::Voice;
use crate::perturb::rewrite::{RewriteKind, Rewriter};
use crate::perturb::Dialogue;

/// The frame of `kind` (negation or tense) of the answer of line `i` to the
/// replier's question on line `i - 1`: rule `<type>/answered-reaction/<ending>`,
/// the answer word contradicted. Negation takes the answer up as the other
/// one (영화 봤어? / ㅇㅇ → 아 영화 안 봤구나; 아니 → 아 영화 봤구나); tense
/// takes a yes up in the other time (아 영화 볼 거구나), as
/// [`super::other_time`] allows for a stated act.
pub(super) fn answered_reaction(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    d: &Dialogue,
    voice: Voice,
    i: usize,
    kind: RewriteKind,
) -> Option<(String, String, Grounds)> {
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    let answer_line = d.context.get(i)?.trim();
    let yes = g.answer(answer_line)?;
    if kind == RewriteKind::Tense && !yes {
        return None;
    }
    let answer_word = answer_line
        .split(|c: char| c.is_whitespace() || ",.!?~".contains(c))
        .next()?
        .trim_end_matches(|c: char| "ㅋㅎㅠㅜ".contains(c));
    if g.answered.not_answers.iter().any(|w| w == answer_word) {
        return None;
    }
    let rest = answer_line.get(answer_word.len()..)?;
    // A yes that goes on to deny or hedge (네, 근데 반밖에 못 썼어요) is not
    // the plain yes the frame takes for its opposite.
    let denies = |w: &str| matches!(w, "안" | "못" | "아니" | "아직") || w.starts_with("없") || w.contains("않");
    let hedged = rest
        .split(|c: char| c.is_whitespace() || ".,!?~".contains(c))
        .any(|w| denies(w) || g.answered.hedges.iter().any(|h| h == w));
    if yes && hedged {
        return None;
    }
    let question_line = d.context.get(i.checked_sub(1)?)?.trim();
    let question = *grounding::sentences(question_line).last()?;
    let core = question_core(rewriter, worker, question)?;
    let readings = fact_as(rewriter, worker, &core, Carries::States, Said::Asked)?;
    let first = readings.first()?;
    let lemma = grounding::lemma(&readings)?;
    if grounding::negated(&readings) != Some(false)
        || no_fact_yet(rewriter.rules(), &readings, kind)
        || states_no_fact(rewriter, worker, &core, &readings, &lemma, Said::Asked)
    {
        return None;
    }
    // A no that states the act itself (오늘 봐? / 아니 어제 봤어) denies
    // another detail, not the act.
    if !yes {
        let restated = grounding::sentences(rest.trim())
            .into_iter()
            .any(|s| grounding::lemma(&rewriter.readings(worker, s)).is_some_and(|l| l == lemma));
        if restated {
            return None;
        }
    }
    let to_tense = match kind {
        RewriteKind::Tense => Some(super::other_time(rewriter, worker, d, i, &core, &readings, &lemma)?),
        _ => None,
    };
    let noun_at = noun_end(&core, first)?;
    let noun = noun_before(worker, &core, noun_at, &g.not_carried)?;
    if !whole_noun_phrase(worker, g, &core, noun_at, &noun) {
        return None;
    }
    let noun_start = core
        .get(..noun_at)?
        .trim_end()
        .rfind(char::is_whitespace)
        .map_or(0, |k| k + 1);
    // A determiner that says which (다른 색도 있어요? / 아니요): without it the
    // noun is another thing (*아 색도 있군요).
    if core
        .get(..noun_start)?
        .split_whitespace()
        .next_back()
        .is_some_and(|w| g.answered.which.iter().any(|d| d == w))
    {
        return None;
    }
    // The frame must leave out a word of the question's own content: carrying
    // all of it but a time or a word of address (너 건조기 돌렸어? → 그럼 건조기
    // 돌렸구나), it is the question again with its ending changed, which a
    // strict blind judge called a near-copy 27 times in 27
    // (`datasets/devset/audits/answered`).
    if !leaves_out_content(worker, g, core.get(..noun_start)?) {
        return None;
    }
    let subject_marked = worker
        .analyse(&core)
        .iter()
        .any(|t| t.end <= first.start && t.tag == "JKS");
    // A deliberate act the listener did, taken as not done, failed (티켓팅
    // 성공했어? / 응 → 아 티켓팅 성공 못 했구나).
    let failed = kind == RewriteKind::Negation
        && yes
        && g.volitional.contains(&lemma)
        && !subject_marked
        && !names_a_subject(worker, &core, first.start)
        && !MOTION.contains(&lemma.as_str())
        && grounding::when_of(&readings) == Some(grounding::When::Past);
    let mut shape = Shape::of(&core, kind);
    // -네 after -(으)ㄹ 거- reads as a guess, and after a plain present verb
    // as the replier's own finding (*그럼 차 사네): -구나 then.
    let present_verb = first.pos == Pos::Verb && to_tense.unwrap_or(first.tense) == Tense::Present;
    if matches!(to_tense.unwrap_or(first.tense), Tense::FutureGeo { .. }) || present_verb || g.feelings.contains(&lemma)
    {
        shape.ne = false;
    }
    if i + 1 < d.context.len() {
        shape.lead = "아 ";
    }
    let (ending, ending_id) = shape.ending(rules, voice.level)?;
    // The question already carries the replier's honorifics for the listener
    // (다녀오셨어요?): kept as they are.
    let adjust = |mut q: Predicate| {
        q.ending = ending;
        if let Some(tense) = to_tense {
            q.tense = tense;
        }
        if failed {
            q.negation = as_failure(q.negation);
        }
        q
    };
    let rewritten = if yes {
        rewriter.rewrite_with(&core, &readings, kind, adjust)?
    } else {
        rewriter.render_with(&core, &readings, adjust)?
    };
    let word = super::super::changed_words(&core, &rewritten)?;
    let noun = Some(noun).filter(|n| !word.starts_with(n.as_str()));
    let words = match noun {
        Some(n) => format!("{n} {word}"),
        None => word,
    };
    Some((
        format!("{}{words}", shape.lead),
        format!("{}/answered-reaction/{ending_id}", kind.family()),
        Grounds {
            utterance: i,
            span: answer_word.to_owned(),
            slot: slot_of(kind).into(),
        },
    ))
}

/// Whether `dropped`, the words of a question before what the frame
/// carries, holds a word of content: a noun or a predicate that is not a
/// time, a day or a framing word (선거날이라, 할머니 댁 가는, 보험사에).
fn leaves_out_content(worker: &mut Worker<'_>, g: &GroundingRules, dropped: &str) -> bool {
    let mut words = dropped.split_whitespace().peekable();
    if words.peek().is_some_and(|w| g.answered.address.iter().any(|a| a == w)) {
        words.next();
    }
    words.any(|word| {
        worker.analyse(word).iter().any(|t| {
            let content = matches!(t.tag.as_str(), "NNG" | "NNP" | "VV" | "VA")
                || t.tag.starts_with("VV")
                || t.tag.starts_with("VA");
            content
                && !g.is_time_word(&t.surface)
                && !g.aspect.contains(&t.surface)
                && !g.answered.framing.contains(&t.surface)
        })
    })
}

/// The replier's yes/no question without its ? and the words that address
/// or lead into it (김 대리, 회의실 예약했어? → 회의실 예약했어). None for a
/// line that does not ask, asks with a question word (뭐 좀 먹었어? asks
/// for something too), or speaks of its own speaker or, past the words
/// dropped, of the listener.
fn question_core(rewriter: &Rewriter, worker: &mut Worker<'_>, question: &str) -> Option<String> {
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    if !grounding::asks(question) {
        return None;
    }
    let mut core = question
        .trim_end_matches(|c: char| "?!~.ㅋㅎㅠㅜ".contains(c) || c.is_whitespace())
        .trim();
    // A vocative before a comma (김 대리, 선배,): nouns and their 아/야 alone.
    if let Some((head, rest)) = core.split_once(',') {
        let tokens = worker.analyse(head);
        let vocative = !tokens.is_empty()
            && head.split_whitespace().count() <= 3
            && tokens
                .iter()
                .all(|t| matches!(t.tag.as_str(), "NNG" | "NNP" | "NNB" | "XSN" | "JKV" | "IC"));
        if !vocative {
            return None;
        }
        core = rest.trim();
    }
    while let Some((first, rest)) = core.split_once(char::is_whitespace) {
        if !g.answered.leading.iter().any(|w| w == first) {
            break;
        }
        core = rest.trim_start();
    }
    let has_first_person = core.split_whitespace().any(|w| {
        g.first_person.iter().any(|p| p == w) || matches!(w, "내" | "제" | "나한테" | "저한테" | "우리" | "저희")
    });
    if core.is_empty()
        || has_first_person
        || speaks_of_replier(core)
        || core.split_whitespace().any(|w| rules.is_wh_word(w))
    {
        return None;
    }
    Some(core.to_owned())
}
