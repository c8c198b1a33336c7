//! Reading the final predicate out of the analyser's tokens: where it starts,
//! its stem, negation and pre-final endings, then every reading that writes
//! back to the original bytes.

use super::{Negation, Pos, Predicate, Tense};
use crate::hangul;
use crate::perturb::analyser::Token;
use crate::perturb::conjugate::Class;
use crate::perturb::rules::{Ending, Mood, TenseNegationRules};

fn stem_tag(tag: &str) -> bool {
    matches!(tag, "VV" | "VA" | "VX" | "VCP" | "VCN" | "XSV" | "XSA")
}

/// One morpheme of the final eojeols with the token it came from.
#[derive(Debug, Clone)]
struct Morph {
    token: usize,
    text: String,
    tag: String,
    /// First morpheme of its token (a span can start there).
    first: bool,
}

fn morphs(tokens: &[Token], range: std::ops::Range<usize>) -> Vec<Morph> {
    let mut out = Vec::new();
    for i in range {
        for (k, (text, tag)) in tokens[i].morphemes.iter().enumerate() {
            out.push(Morph {
                token: i,
                text: text.clone(),
                tag: tag.clone(),
                first: k == 0,
            });
        }
    }
    out
}

/// Token ranges of whitespace-separated words.
fn eojeols(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..tokens.len() {
        match out.last_mut() {
            Some(r) if tokens[r.end - 1].end == tokens[i].start => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

impl TenseNegationRules {
    fn is_decoration(&self, t: &Token) -> bool {
        self.decoration_tags.contains(&t.tag)
            || t.surface
                .chars()
                .all(|c| hangul::is_compatibility_jamo(c) || c == '~' || c == '^')
    }

    fn pos_of(&self, lemma: &str, tag: &str) -> Option<Pos> {
        let exist = self.exist.iter().any(|e| e == lemma);
        Some(match tag {
            "VV" | "XSV" => {
                if exist {
                    Pos::Exist
                } else {
                    Pos::Verb
                }
            }
            "VA" | "XSA" => {
                if exist {
                    Pos::Exist
                } else {
                    Pos::Adjective
                }
            }
            "VX" => {
                if self.auxiliary.adjective.iter().any(|a| a == lemma) {
                    Pos::Adjective
                } else if self.auxiliary.exist.iter().any(|a| a == lemma) {
                    Pos::Exist
                } else {
                    Pos::Verb
                }
            }
            "VCP" => Pos::Copula,
            "VCN" => Pos::NegCopula,
            _ => return None,
        })
    }

    /// Every reading of the reply's final predicate that writes back to the
    /// original text. Empty when there is no predicate or nothing round-trips.
    ///
    /// `is_stem` answers whether a string is a verb or adjective stem (the
    /// analyser reads `stem + 다` as that stem); it settles readings that
    /// differ only in the stem (실었어: 싣다, not *실다).
    pub fn readings(&self, text: &str, tokens: &[Token], is_stem: &mut dyn FnMut(&str) -> bool) -> Vec<Predicate> {
        let mut n = tokens.len();
        while n > 0 && self.is_decoration(&tokens[n - 1]) {
            n -= 1;
        }
        if n == 0 {
            return Vec::new();
        }
        let words = eojeols(&tokens[..n]);
        let end = tokens[n - 1].end;
        if self
            .leave_alone
            .iter()
            .any(|phrase| text[..end].ends_with(phrase.as_str()))
        {
            return Vec::new();
        }
        let ctx = Ctx {
            text,
            tokens,
            words: &words,
        };
        let w = words.len() - 1;
        let last = words[w].clone();
        // 잖아 is 지 + 않 + 아 to the analyser; it is an ending here.
        let ms: Vec<Morph> = morphs(tokens, last.clone())
            .into_iter()
            .filter(|m| {
                !(tokens[m.token].surface.contains('잖')
                    && ((m.text == "지" && m.tag == "EC") || (m.text == "않" && m.tag == "VX")))
            })
            .collect();

        let mut shapes: Vec<Shape> = Vec::new();
        let si = ms.iter().rposition(|m| stem_tag(&m.tag));
        let last_text = ctx.word_text(w);
        if w > 0
            && ctx.word_text(w - 1).ends_with('지')
            && self.ending.iter().any(|e| e.prohibit.as_deref() == Some(last_text))
        {
            // -지 마(세요)/말자, whatever the analyser made of 마.
            if let Some(s) = self.before_ji(&ctx, w - 1, Negation::Prohibit) {
                shapes.push(s);
            }
        } else if let Some(si) = si {
            let stem_m = &ms[si];
            let geo = stem_m.tag == "VCP"
                && si >= 1
                && matches!(ms[si - 1].text.as_str(), "거" | "것")
                && ms[si - 1].tag == "NNB";
            if geo {
                // -(으)ㄹ 거-: ETM ㄹ, 거/것, then 이다 carrying the ending.
                let before_geo = &ms[..si - 1];
                if let Some(etm) = before_geo.last() {
                    if etm.tag == "ETM" {
                        shapes.extend(self.verbal_shape(
                            &ctx,
                            w,
                            before_geo,
                            Some(Tense::FutureGeo { space: false, form: 0 }),
                        ));
                    }
                } else if w > 0 {
                    let pms = morphs(tokens, words[w - 1].clone());
                    if pms.last().is_some_and(|m| m.tag == "ETM") {
                        shapes.extend(self.verbal_shape(
                            &ctx,
                            w - 1,
                            &pms,
                            Some(Tense::FutureGeo { space: true, form: 0 }),
                        ));
                    }
                }
                for s in &mut shapes {
                    // The ending's morphemes come after 이다.
                    s.eps
                        .extend(ep_morphs(&ms[si + 1..]).into_iter().filter(|e| e != "ETM"));
                }
            } else if stem_m.tag == "VCP" {
                if stem_m.first && stem_m.token > last.start {
                    let noun_tokens = &tokens[last.start..stem_m.token];
                    let noun = &text[noun_tokens[0].start..tokens[stem_m.token].start];
                    let noun_tag = noun_tokens.last().map(|t| t.tag.as_str()).unwrap_or("");
                    let consonant = hangul::ends_in_consonant(noun);
                    // A one-syllable "noun" before a contracted copula is as
                    // likely a verb the analyser misread (가냐: 가다, not 가 + 이냐),
                    // and so is a longer one that is a verb stem or ends in a
                    // pronoun glued to a noun (끝나냐: 끝 + 나 + 이냐 to the
                    // analyser, 끝나다 in fact).
                    let verb_stem = consonant == Some(false)
                        && noun.chars().count() >= 2
                        && ((noun_tokens.len() >= 2 && noun_tag == "NP") || is_stem(noun));
                    let plausible = (consonant == Some(true) || noun.chars().count() >= 2 || noun_tag == "NP")
                        && !verb_stem
                        && !self.copula_never.iter().any(|q| q == noun);
                    if consonant.is_some()
                        && !plausible
                        && (verb_stem || (noun_tokens.len() == 1 && noun_tokens[0].surface == noun))
                        && !self.copula_never.iter().any(|q| q == noun)
                        && is_stem(noun)
                    {
                        // Read it as the verb instead; the round trip decides.
                        shapes.push(Shape::new(last.start, noun, "VV", ep_morphs(&ms[si + 1..])));
                    }
                    if let (Some(c), true) = (consonant, plausible) {
                        shapes.push(Shape {
                            noun_consonant: c,
                            before_tag: noun_tag.to_owned(),
                            before_text: noun.to_owned(),
                            ..Shape::new(stem_m.token, "이", "VCP", ep_morphs(&ms[si + 1..]))
                        });
                    }
                }
            } else if stem_m.tag == "VCN" && stem_m.first && stem_m.token == last.start {
                // 학생이 아니야: the particle's word holds the noun.
                if w > 0 {
                    let pw = words[w - 1].clone();
                    let pms = morphs(tokens, pw.clone());
                    let particle = pms.last().filter(|m| {
                        matches!(m.tag.as_str(), "JKC" | "JKS") && matches!(m.text.as_str(), "이" | "가") && m.first
                    });
                    if let Some(pm) = particle {
                        if pm.token > pw.start {
                            let noun = &text[tokens[pw.start].start..tokens[pm.token].start];
                            if let Some(c) = hangul::ends_in_consonant(noun) {
                                shapes.push(Shape {
                                    noun_consonant: c,
                                    ..Shape::new(pm.token, "아니", "VCN", ep_morphs(&ms[si + 1..]))
                                });
                            }
                        }
                    }
                }
            } else {
                shapes.extend(self.verbal_shape(&ctx, w, &ms, None));
            }
        }

        let mut out = Vec::new();
        for shape in shapes {
            self.round_trip(text, tokens, end, &shape, is_stem, &mut out);
        }
        out
    }

    /// A verb, adjective or auxiliary whose stem is the last stem morpheme of
    /// `ms` (morphemes of word `w`, or the part before 거 of a future), with
    /// the negation around it: -지 않다/못하다 (the word before ends in 지),
    /// or 안/못 as the word before.
    fn verbal_shape(&self, ctx: &Ctx<'_>, w: usize, ms: &[Morph], tense: Option<Tense>) -> Option<Shape> {
        let si = ms.iter().rposition(|m| stem_tag(&m.tag))?;
        let m = &ms[si];
        let word_start = ctx.words[w].start;
        let mot_ha = m.tag != "VX" && m.text == "하" && si == 1 && ms[0].text == "못" && ms[0].tag == "MAG";
        let long_aux =
            (m.tag == "VX" && m.first && m.token == word_start && self.negation.long_remove.contains(&m.text))
                || mot_ha;
        if long_aux && w > 0 && ctx.word_text(w - 1).ends_with('지') {
            let aux = if mot_ha { "못하".to_owned() } else { m.text.clone() };
            let mut s = self.before_ji(ctx, w - 1, Negation::Long(aux))?;
            s.eps = ep_morphs(&ms[si + 1..]);
            s.tense = tense;
            return Some(s);
        }
        if !m.first || matches!(m.tag.as_str(), "VCP" | "VCN") {
            return None;
        }
        let before: Option<Morph> = if si > 0 {
            Some(ms[si - 1].clone())
        } else if w > 0 {
            morphs(ctx.tokens, ctx.words[w - 1].clone()).pop()
        } else {
            None
        };
        let mut tag = m.tag.clone();
        if tag == "VX" && !self.auxiliary_fits(&m.text, before.as_ref()) {
            if self.auxiliary.exist.contains(&m.text) {
                tag = "VA".into();
            } else if matches!(m.text.as_str(), "하" | "되" | "가" | "오") {
                // The analyser tags these VX after words it misreads (숙제 다 했어,
                // 보러 갈 거지): they are the main verb there.
                tag = "VV".into();
            } else {
                return None;
            }
        }
        // Only a noun may precede the stem inside the word (공부했어, 끝났어),
        // or a verb before an auxiliary (먹어봤어).
        let noun_before = si > 0 && matches!(ms[si - 1].tag.as_str(), "NNG" | "XR");
        if m.token > word_start && !matches!(m.tag.as_str(), "XSV" | "XSA" | "VX") && !noun_before {
            return None;
        }
        let mut s = Shape {
            tense,
            before_tag: before.as_ref().map(|b| b.tag.clone()).unwrap_or_default(),
            before_text: before.map(|b| b.text).unwrap_or_default(),
            ..Shape::new(m.token, m.text.clone(), tag, ep_morphs(&ms[si + 1..]))
        };
        if w > 0 && m.token == word_start {
            let pms = morphs(ctx.tokens, ctx.words[w - 1].clone());
            if pms.len() == 1 && pms[0].tag == "MAG" && self.negation.short_remove.contains(&pms[0].text) {
                s.negation = Negation::Short(pms[0].text.clone());
                s.start_token = ctx.words[w - 1].start;
                s.noun_before_short = s.stem == "하"
                    && w >= 2
                    && morphs(ctx.tokens, ctx.words[w - 2].clone())
                        .last()
                        .is_some_and(|m| matches!(m.tag.as_str(), "NNG" | "NNP" | "XR"))
                    && ctx.tokens[ctx.words[w - 2].end - 1].end + 1 == ctx.tokens[ctx.words[w - 1].start].start;
            }
        }
        Some(s)
    }

    /// A verb said of the listener (너도 따숩게 입고 다녀) commands, unless a
    /// word before it (`before`) describes a habit or a skill (너 노래 진짜 잘 불러).
    fn second_person_imperative(&self, before: &str) -> bool {
        self.listener_named(before) && !has_word(before, &self.imperative_subject_blockers)
    }

    fn listener_named(&self, before: &str) -> bool {
        has_word(before, &self.imperative_subjects)
    }

    /// Whether an auxiliary follows the ending it takes (먹고 싶어, 먹어 봐).
    fn auxiliary_fits(&self, aux: &str, before: Option<&Morph>) -> bool {
        let Some(b) = before else { return false };
        let Some(after) = self.auxiliary.after.get(aux) else {
            return false;
        };
        after.iter().any(|a| {
            if a == "@inf" {
                (b.tag == "EC" && self.auxiliary.infinitive.contains(&b.text))
                    || matches!(b.tag.as_str(), "VV" | "VA" | "XSV" | "XSA")
            } else {
                b.tag == "EC" && b.text == *a
            }
        })
    }

    /// The stem of word `w`, which ends in 지 (먹지, or 가지 misread as one verb).
    fn before_ji(&self, ctx: &Ctx<'_>, w: usize, negation: Negation) -> Option<Shape> {
        let range = ctx.words[w].clone();
        let pms = morphs(ctx.tokens, range.clone());
        let word = ctx.word_text(w);
        let inner = pms
            .iter()
            .rposition(|m| stem_tag(&m.tag))
            .filter(|&k| pms[k].first && pms[k].token == range.start);
        let (stem, tag) = match inner {
            Some(k)
                if k + 1 < pms.len()
                    && pms.last().is_some_and(|m| m.text == "지" && m.tag == "EC")
                    && pms[k..].iter().map(|m| m.text.as_str()).collect::<String>() == word =>
            {
                (pms[k].text.clone(), pms[k].tag.clone())
            }
            _ => (
                word.strip_suffix('지').filter(|s| !s.is_empty())?.to_owned(),
                "VV".to_owned(),
            ),
        };
        if !matches!(tag.as_str(), "VV" | "VA" | "VX") {
            return None;
        }
        Some(Shape {
            negation,
            ..Shape::new(range.start, stem, tag, Vec::new())
        })
    }

    fn round_trip(
        &self,
        text: &str,
        tokens: &[Token],
        end: usize,
        shape: &Shape,
        is_stem: &mut dyn FnMut(&str) -> bool,
        out: &mut Vec<Predicate>,
    ) {
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
        let words_before: Vec<&str> = before.split_whitespace().collect();
        let negative_polarity = self.negative_polarity.iter().any(|w| before.contains(w.as_str()))
            || words_before.iter().any(|word| {
                self.negative_polarity_attached
                    .iter()
                    .any(|a| word.find(a.as_str()).is_some_and(|at| at > 0))
            })
            || (self.negative_polarity_one_even
                && words_before.windows(2).any(|w| w[0] == "한" && w[1].ends_with('도')));
        let negative_polarity_past = has_word(before, &self.negative_polarity_unless_present);
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
        // Readings that differ in the stem: keep those the dictionary knows.
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
        // A ㄹ stem written without its ㄹ: believe the ㄹ unless the short
        // form is a common stem itself (사네: 사다 or 살다).
        if let Some(r) = &restored {
            if found.iter().any(|p| &p.stem == r) && !self.vowel_stems.contains(&shape.stem) {
                found.retain(|p| &p.stem == r);
            }
        }
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
        let speaker_subject = has_word(before, &self.first_person_subjects);
        let cue = !question
            && !someone_else
            && !speaker_subject
            && !self.imperative_never.contains(&shape.stem)
            && (self
                .imperative_cues
                .iter()
                .map(|c| last_word_end(before, c, true))
                .chain(
                    self.imperative_cue_endings
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
                || (shape.tag == "VX" && self.imperative_auxiliaries.contains(&shape.stem))
                || {
                    // The stem with what precedes it in the text (조심 + 하, 잘 + 자).
                    let whole = format!("{before}{}", shape.stem);
                    self.imperative_verbs.iter().any(|v| whole.ends_with(v.as_str()))
                });
        if cue {
            for p in &mut found {
                let imperative_id = match self.ending[p.ending].id.as_str() {
                    "hae" => "hae_imperative",
                    "haeyo" => "haeyo_imperative",
                    _ => continue,
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
        out.extend(found);
    }
}

/// The reply being read: its text, tokens and words (token ranges).
struct Ctx<'a> {
    text: &'a str,
    tokens: &'a [Token],
    words: &'a [std::ops::Range<usize>],
}

impl Ctx<'_> {
    fn word_text(&self, w: usize) -> &str {
        let r = &self.words[w];
        &self.text[self.tokens[r.start].start..self.tokens[r.end - 1].end]
    }
}

/// Where the predicate starts and what was read from the analyser.
#[derive(Debug, Clone)]
struct Shape {
    start_token: usize,
    stem: String,
    tag: String,
    /// "hon", "past", "gess", "ETM" or "other", per pre-final morpheme.
    eps: Vec<String>,
    tense: Option<Tense>,
    negation: Negation,
    noun_consonant: bool,
    noun_before_short: bool,
    before_tag: String,
    before_text: String,
}

impl Shape {
    /// A predicate with no negation, tense or neighbours read yet.
    fn new(start_token: usize, stem: impl Into<String>, tag: impl Into<String>, eps: Vec<String>) -> Shape {
        Shape {
            start_token,
            stem: stem.into(),
            tag: tag.into(),
            eps,
            tense: None,
            negation: Negation::None,
            noun_consonant: false,
            noun_before_short: false,
            before_tag: String::new(),
            before_text: String::new(),
        }
    }
}

fn has_word(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| last_word_end(text, w, true).is_some())
}

/// The first verb of a serial pair (챙겨 먹어, 사 와): a word that ends in the
/// connective -아/-어 right before the final predicate, so that the two read as
/// one predicate for the cue words before them.
fn serial_first_verb(t: &Token, text: &str, predicate_start: usize) -> bool {
    let adjacent = text[t.end..predicate_start].chars().all(char::is_whitespace) && t.end < predicate_start;
    let connective = t
        .morphemes
        .last()
        .is_some_and(|(m, tag)| tag == "EC" && matches!(m.as_str(), "아" | "어" | "여"));
    adjacent && connective && t.morphemes.iter().any(|(_, tag)| tag == "VV")
}

/// Where the last occurrence of `word` in `text` that ends a word ends; with
/// `whole_word`, one that also starts a word (not inside a longer run of
/// letters).
fn last_word_end(text: &str, word: &str, whole_word: bool) -> Option<usize> {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.rmatch_indices(word)
        .find(|(at, _)| {
            let starts_word = !letter(text[..*at].chars().next_back());
            let ends_word = !letter(text[at + word.len()..].chars().next());
            ends_word && (starts_word || !whole_word)
        })
        .map(|(at, _)| at + word.len())
}

fn ep_morphs(ms: &[Morph]) -> Vec<String> {
    ms.iter()
        .filter(|m| m.tag == "EP" || m.tag == "ETM")
        .map(|m| {
            if m.tag == "ETM" {
                return "ETM".to_owned();
            }
            let t = m.text.as_str();
            if matches!(t, "시" | "으시" | "세" | "셔" | "으세") {
                "hon"
            } else if t == "겠" {
                "gess"
            } else if matches!(t, "었" | "았" | "였" | "ㅆ" | "ㅕㅆ" | "ㅓㅆ" | "ㅏㅆ" | "ㅐㅆ") {
                "past"
            } else {
                "other"
            }
            .to_owned()
        })
        .collect()
}

/// The stem with its last syllable's final replaced (`None`: removed).
fn with_final(stem: &str, tail: Option<char>) -> Option<String> {
    let last = stem.chars().last()?;
    let s = hangul::Syllable::from_char(last)?;
    let mut out = stem[..stem.len() - last.len_utf8()].to_owned();
    out.push(s.with_final_jamo(tail)?.to_char()?);
    Some(out)
}

/// Whether an ending's written form can end in `c` (a cheap filter before
/// the round trip; infinitive-final templates end anywhere).
fn ending_can_end_with(e: &Ending, c: char) -> bool {
    let ends = |t: &str| {
        let last = t.chars().last();
        matches!(last, Some('A')) || last == Some(c)
    };
    ends(&e.verb)
        || e.adjective.as_deref().is_some_and(ends)
        || e.prefinal.as_deref().is_some_and(ends)
        || e.copula.as_ref().is_some_and(|[a, b]| ends(a) || ends(b))
        || e.neg_copula.as_deref().is_some_and(ends)
        || e.geo.iter().any(|g| ends(g))
}
