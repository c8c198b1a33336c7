//! Tense and negation rewrites of whole replies: analyse, read the final
//! predicate, change it, write it back.

use std::path::Path;
use std::sync::Arc;

use super::analyser::{Analyser, Token, Worker};
use super::memo::Memo;
use super::predicate::{Lexicon, Predicate, Rewrite};
use super::rules::{self, TenseNegationRules};
use super::PerturbError;

/// The tenses `--tense-to` accepts.
/// What the rewriter changes in a predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RewriteKind {
    Tense,
    Negation,
    /// A predicate replaced by its opposite (`lexical-contradiction`).
    Lexical,
}

impl RewriteKind {
    /// The perturbation type its rules belong to (`negation/…`).
    pub fn family(self) -> &'static str {
        match self {
            RewriteKind::Tense => "tense",
            RewriteKind::Negation => "negation",
            RewriteKind::Lexical => "lexical-contradiction",
        }
    }
}

pub const TENSES: [&str; 3] = ["past", "present", "future"];

/// The analyser and the rules, loaded once and shared by threads.
pub struct Rewriter {
    analyser: Analyser,
    rules: TenseNegationRules,
    opposites: super::predicate::lexical::Opposites,
    grounding: super::grounding::GroundingRules,
    /// Rewrites already made, by (kind, target tense, text). A rewrite is a
    /// pure function of those, and one utterance is rewritten in every case
    /// of its dialogue (KorAdvMRS: 6,438 context utterances over its cases,
    /// about 1,300 distinct), so `--from context` makes each once. Bounded
    /// like the worker's analyses; shared by the threads.
    memo: Memo<MemoKey, Vec<Rewrite>>,
    /// The readings of the texts read, by text: also a pure function of the
    /// text, asked for again and again by the grounding of every type (the
    /// same context line for each of a dialogue's cases). Bounded alike.
    readings_memo: Memo<String, Arc<[Predicate]>>,
}

type MemoKey = (RewriteKind, Option<String>, String);

/// Texts whose rewrites are kept before the memo starts afresh.
const MEMO: usize = 16_384;

impl Rewriter {
    pub fn load(dictionary: &Path) -> Result<Rewriter, PerturbError> {
        Ok(Rewriter {
            rules: rules::tense_negation()?,
            opposites: super::predicate::lexical::opposites()?,
            grounding: super::grounding::rules()?,
            analyser: Analyser::load(dictionary)?,
            memo: Memo::new(MEMO),
            readings_memo: Memo::new(MEMO),
        })
    }

    pub fn worker(&self) -> Worker<'_> {
        self.analyser.worker()
    }

    pub fn rules(&self) -> &TenseNegationRules {
        &self.rules
    }

    pub fn grounding(&self) -> &super::grounding::GroundingRules {
        &self.grounding
    }

    /// The readings of `text`'s final predicate (see
    /// [`TenseNegationRules::readings`]), with the analyser as the judge of
    /// which strings are stems.
    /// Shared, not copied: every strategy asks for the reply's readings.
    pub fn readings(&self, worker: &mut Worker<'_>, text: &str) -> Arc<[Predicate]> {
        self.readings_memo
            .get_or_make(text, || self.readings_afresh(worker, text).into())
    }

    fn readings_afresh(&self, worker: &mut Worker<'_>, text: &str) -> Vec<super::predicate::Predicate> {
        let tokens = worker.analyse(text);
        let found = self.rules.readings(text, &tokens, &mut Dictionary(worker));
        if !found.is_empty() {
            return found;
        }
        // The analyser sometimes lets the words before the predicate pull it
        // apart (노래 들을 거야: 노래 + 들/XSN + 을/JKO; 감기 다 나았어: 다/VCP +
        // 나/VX; 언제 가나요: 언제 + 가/JKS + 나/NP). The last two words (one in
        // a two-word reply) analysed on their own read as they are written; the
        // round trip still decides.
        if let Some(tail) = last_words_start(text, 2) {
            let retried = with_tail_alone(worker, text, &tokens, tail);
            if retried.len() > tokens.iter().filter(|t| t.end <= tail).count() {
                let found = self.rules.readings(text, &retried, &mut Dictionary(worker));
                if !found.is_empty() {
                    return found;
                }
            }
        }
        self.hearsay_as_statement(worker, text, &tokens)
    }

    /// The analyser reads a hearsay ending as a noun after a noun (용달 온대:
    /// 온대 "temperate zone"; 하윤이 생일이래: 이래 "since"). The statement it
    /// reports is analysed instead (용달 온다, 생일이다: the same bytes but the
    /// last syllable), and that syllable goes back into the ending (ㄴ다 →
    /// ㄴ대); the round trip against the text as written decides.
    /// Only the forms no noun takes as often: 대 after a verb's ㄴ (온대,
    /// 가신대) and 래 after the copula 이 of a closed syllable (생일이래).
    fn hearsay_as_statement(&self, worker: &mut Worker<'_>, text: &str, tokens: &[Token]) -> Vec<Predicate> {
        let body = text.trim_end_matches(|c: char| !crate::hangul::is_syllable(c));
        let mut syllables = body.chars().rev();
        let (Some(last), Some(before)) = (syllables.next(), syllables.next()) else {
            return Vec::new();
        };
        let hearsay = match last {
            '대' => crate::hangul::final_of(before) == Some('ㄴ'),
            '래' => before == '이' && syllables.next().and_then(crate::hangul::final_of).is_some(),
            _ => false,
        };
        let at = body.len() - last.len_utf8();
        let read_as_noun = tokens
            .iter()
            .find(|t| t.start <= at && at < t.end)
            .is_some_and(|t| t.tag.starts_with('N'));
        if !hearsay || !read_as_noun {
            return Vec::new();
        }
        // 대, 래 and 다 are three bytes each: the statement's tokens lie where
        // the hearsay's would.
        let statement = format!("{}다{}", &text[..at], &text[body.len()..]);
        // The whole statement, then (as [`Self::readings_afresh`] does) its
        // last word alone (낚시 가신다: 가/JKS + 신다 "put on shoes" in the
        // whole; 가시 + ㄴ다 alone).
        let whole = worker.analyse(&statement).to_vec();
        let alone = last_words_start(&statement, 1).map(|tail| with_tail_alone(worker, &statement, &whole, tail));
        for mut read in std::iter::once(whole).chain(alone) {
            let Some(t) = read.iter_mut().find(|t| t.start <= at && at < t.end) else {
                continue;
            };
            let Some((ending, tag)) = t.morphemes.last_mut() else {
                continue;
            };
            let Some(stem) = ending.strip_suffix('다').filter(|_| tag.starts_with('E')) else {
                continue;
            };
            *ending = format!("{stem}{last}");
            *tag = "EF".to_owned();
            t.surface = text[t.start..t.end].to_owned();
            let found = self.rules.readings(text, &read, &mut Dictionary(worker));
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// A statement moved into the 해체/해요체 present can read as a request
    /// (나도 좀 먹어 봤어 → 나도 좀 먹어 봐: "let me try too"): then it says
    /// something other than the statement in another tense, so it is dropped.
    /// Honorific statements are kept: -(으)세요 is both (선생님이 가세요).
    fn became_a_request(&self, worker: &mut Worker<'_>, source: &[Predicate], out: &Rewrite) -> bool {
        let present_hae =
            out.rule.contains("-to-present/") && (out.rule.ends_with("/hae") || out.rule.ends_with("/haeyo"));
        present_hae
            && !source.iter().any(|p| p.hon)
            && self
                .readings(worker, &out.text)
                .iter()
                .any(|p| self.rules.ending[p.ending].mood != rules::Mood::Any)
    }

    /// Every rewrite of `text` of one type: for tense, one per target tense
    /// (`tense_to`, or all but the current one); for negation, the flip.
    /// Empty when no rule applies.
    pub fn rewrite(
        &self,
        worker: &mut Worker<'_>,
        text: &str,
        kind: RewriteKind,
        tense_to: Option<&str>,
    ) -> Vec<Rewrite> {
        let key: MemoKey = (kind, tense_to.map(str::to_owned), text.to_owned());
        self.memo
            .get_or_make(&key, || self.rewrite_afresh(worker, text, kind, tense_to))
    }

    /// The opposite words of lexical contradiction.
    pub fn opposites(&self) -> &super::predicate::lexical::Opposites {
        &self.opposites
    }

    /// `text` with its final predicate changed as `kind` changes it, then
    /// adjusted by `adjust` (another ending, the honorific): the frames of
    /// [`super::frames`]. None when a reading has no such change, or the
    /// readings disagree.
    pub fn rewrite_with(
        &self,
        text: &str,
        readings: &[Predicate],
        kind: RewriteKind,
        adjust: impl Fn(Predicate) -> Predicate,
    ) -> Option<String> {
        let r = &self.rules;
        let changed = r.rewrite(text, readings, "frame", |p| {
            let (q, rule) = match kind {
                RewriteKind::Tense => (p.clone(), String::new()),
                RewriteKind::Negation => r.flip_negation(p)?,
                RewriteKind::Lexical => r.contradict(text, p, &self.opposites)?,
            };
            Some((adjust(q), rule))
        })?;
        Some(changed.text)
    }

    /// `text` with its final predicate as `adjust` makes it (another
    /// ending, the honorific), which may leave the text as it is: the
    /// question frames of [`super::frames`]. None when the readings disagree.
    pub fn render_with(
        &self,
        text: &str,
        readings: &[Predicate],
        adjust: impl Fn(Predicate) -> Predicate,
    ) -> Option<String> {
        let changed = self
            .rules
            .render_all(text, readings, "frame", |p| Some((adjust(p.clone()), String::new())))?;
        Some(changed.text)
    }

    /// Forgets every rewrite and analysis made: a benchmark round then starts as a run does.
    pub fn forget(&self) {
        self.analyser.forget();
        self.memo.clear();
        self.readings_memo.clear();
    }

    fn rewrite_afresh(
        &self,
        worker: &mut Worker<'_>,
        text: &str,
        kind: RewriteKind,
        tense_to: Option<&str>,
    ) -> Vec<Rewrite> {
        let readings = self.readings(worker, text);
        if readings.is_empty() {
            return Vec::new();
        }
        let r = &self.rules;
        match kind {
            RewriteKind::Tense => TENSES
                .iter()
                .filter(|t| tense_to.is_none_or(|to| to == **t))
                .filter_map(|to| r.rewrite(text, &readings, "tense", |p| r.shift_tense(p, to)))
                .filter(|out| !self.became_a_request(worker, &readings, out))
                .collect(),
            RewriteKind::Negation => r
                .rewrite(text, &readings, "negation", |p| r.flip_negation(p))
                .into_iter()
                .collect(),
            RewriteKind::Lexical => r
                .rewrite(text, &readings, "lexical_contradiction", |p| {
                    r.contradict(text, p, &self.opposites)
                })
                .into_iter()
                .collect(),
        }
    }
}

/// The analyser as a [`Lexicon`]: it is asked about made-up words.
struct Dictionary<'w, 'a>(&'w mut Worker<'a>);

impl Lexicon for Dictionary<'_, '_> {
    /// A stem is what the analyser reads as one before -다, -고 or -지 (주다
    /// alone reads as a noun).
    fn is_stem(&mut self, s: &str) -> bool {
        ["다", "고", "지"].iter().any(|ending| {
            let t = self.0.analyse(&format!("{s}{ending}"));
            t.len() == 2 && t[0].surface == s && matches!(t[0].tag.as_str(), "VV" | "VA" | "VX")
        })
    }

    fn is_adjective(&mut self, s: &str) -> bool {
        let t = self.0.analyse(&format!("{s}다"));
        t.len() == 2 && t[0].surface == s && t[0].tag == "VA"
    }

    /// The analyser reads `noun + 하다` as that noun, then the adjective 하다.
    fn ha_adjective(&mut self, noun: &str) -> bool {
        let t = self.0.analyse(&format!("{noun}하다"));
        matches!(&t[..], [n, ha, ..] if n.surface == noun
            && matches!(n.tag.as_str(), "NNG" | "XR")
            && ha.morphemes.first().is_some_and(|(m, tag)| m == "하" && tag == "XSA"))
    }
}

/// `tokens` of `text` before byte `tail`, then `text[tail..]` analysed on
/// its own, its offsets moved to where it stands in `text`.
fn with_tail_alone(worker: &mut Worker<'_>, text: &str, tokens: &[Token], tail: usize) -> Vec<Token> {
    let mut read: Vec<Token> = tokens.iter().filter(|t| t.end <= tail).cloned().collect();
    read.extend(worker.analyse(&text[tail..]).iter().map(|t| Token {
        start: t.start + tail,
        end: t.end + tail,
        ..t.clone()
    }));
    read
}

/// Where the last `n` whitespace-separated words of `text` start (fewer when
/// the text is short), leaving at least one word before them; `None` for a
/// one-word text, which has nothing to analyse apart.
fn last_words_start(text: &str, n: usize) -> Option<usize> {
    let trimmed = text.trim_end();
    let starts: Vec<usize> = trimmed
        .char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && (i == 0 || trimmed[..i].ends_with(char::is_whitespace)))
        .map(|(i, _)| i)
        .collect();
    let n = n.min(starts.len().checked_sub(1)?);
    (n > 0).then(|| starts[starts.len() - n])
}
