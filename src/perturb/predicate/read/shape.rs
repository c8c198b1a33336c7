//! Locating the final predicate's shape in the analyser's morphemes: its
//! stem and tag, the negation around it, its pre-final endings, and what
//! stands before it.

use super::{ep_morphs, morphs, stem_tag, Ctx, Lexicon, Morph, Shape};
use crate::hangul;
use crate::perturb::conjugate::{infinitive, Base};
use crate::perturb::predicate::{Negation, Tense};
use crate::perturb::rules::TenseNegationRules;

impl TenseNegationRules {
    /// The shapes the final word `w = ctx.words.len() - 1` may have (its
    /// morphemes `ms`, 잖 already folded into the ending): a verbal
    /// predicate, a future in -(으)ㄹ 거-, the copula, 아니다 after its noun,
    /// or a prohibition -지 마. Each is only a candidate: the round trip decides.
    pub(super) fn shapes(&self, ctx: &Ctx<'_>, ms: &[Morph], lex: &mut dyn Lexicon) -> Vec<Shape> {
        let (text, tokens, words) = (ctx.text, ctx.tokens, ctx.words);
        let w = words.len() - 1;
        let last = words[w].clone();
        let mut shapes: Vec<Shape> = Vec::new();
        if let Some(s) = self.hapsyo_misread(ctx, w, ms, lex) {
            return vec![s];
        }
        let si = ms.iter().rposition(|m| stem_tag(&m.tag));
        let last_text = ctx.word_text(w);
        if w > 0
            && ctx.word_text(w - 1).ends_with('지')
            && self.ending.iter().any(|e| e.prohibit.as_deref() == Some(last_text))
        {
            // -지 마(세요)/말자, whatever the analyser made of 마.
            if let Some(s) = self.before_ji(ctx, w - 1, Negation::Prohibit) {
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
                        shapes.extend(self.future_shape(ctx, w, before_geo, false, lex));
                        // -(으)ㄹ게요 read as ㄹ 게요 "it will be" (줄게요: 줄 +
                        // 것·이·에요): the promise is a candidate too.
                        if tokens[ms[si - 1].token].surface.starts_with('게') {
                            shapes.extend(self.verbal_shape(ctx, w, before_geo, None, lex));
                        }
                    }
                } else if w > 0 {
                    let pms = morphs(tokens, words[w - 1].clone());
                    if pms.last().is_some_and(|m| m.tag == "ETM") {
                        shapes.extend(self.future_shape(ctx, w - 1, &pms, true, lex));
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
                    // 말이야 after a clause (많은데 말이야, 왔단 말이야) is a discourse
                    // marker, not a copula: *많은데 말이 아니야.
                    let clause_before = w > 0
                        && morphs(tokens, words[w - 1].clone())
                            .last()
                            .is_some_and(|m| m.tag.starts_with('E') || m.tag == "SC");
                    if noun == "말" && (clause_before || noun_tokens[0].start == tokens[words[0].start].start && w == 0)
                    {
                        return shapes;
                    }
                    // -ㅂ니다 of an adjective misread as a noun + 이다 (느립니다:
                    // 느 + 립니 + 이다 to the analyser): the adjective is read.
                    if let Some(adjective) = hapsyo_stem(noun).filter(|s| lex.is_stem(s)) {
                        shapes.push(Shape::new(last.start, adjective, "VA", ep_morphs(&ms[si + 1..])));
                        return shapes;
                    }
                    // 학교가 머네요: an ㄹ stem without its ㄹ before 네/니, read as a
                    // pronoun + 이다 (머 + 이네요), after a subject.
                    let rieul = super::with_final(noun, Some('ㄹ')).filter(|r| self.rieul_stems.contains(r));
                    let subject_before = w > 0
                        && morphs(tokens, words[w - 1].clone()).last().is_some_and(|m| m.tag == "JKS")
                        // 이게 머니 is 이게 뭐니.
                        && !matches!(ctx.word_text(w - 1), "이게" | "그게" | "저게" | "이건" | "그건" | "저건");
                    let after = ms.get(si + 1).map(|m| m.text.as_str()).unwrap_or("");
                    if let (Some(r), true, true) = (
                        rieul,
                        subject_before && noun.chars().count() == 1,
                        after.starts_with('네') || after.starts_with('니'),
                    ) {
                        shapes.push(Shape::new(last.start, r, "VA", ep_morphs(&ms[si + 1..])));
                        return shapes;
                    }
                    let noun_tag = noun_tokens.last().map(|t| t.tag.as_str()).unwrap_or("");
                    let consonant = hangul::ends_in_consonant(noun);
                    // A one-syllable "noun" before a contracted copula is as
                    // likely a verb the analyser misread (가냐: 가다, not 가 + 이냐),
                    // and so is a longer one that is a verb stem or ends in a
                    // pronoun glued to a noun (끝나냐: 끝 + 나 + 이냐 to the
                    // analyser, 끝나다 in fact).
                    let verb_stem = consonant == Some(false)
                        && noun.chars().count() >= 2
                        && ((noun_tokens.len() >= 2 && noun_tag == "NP") || lex.is_stem(noun));
                    let plausible = (consonant == Some(true) || noun.chars().count() >= 2 || noun_tag == "NP")
                        && !verb_stem
                        && !self.copula.never.iter().any(|q| q == noun);
                    if consonant.is_some()
                        && !plausible
                        && (verb_stem || (noun_tokens.len() == 1 && noun_tokens[0].surface == noun))
                        && !self.copula.never.iter().any(|q| q == noun)
                        && lex.is_stem(noun)
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
                shapes.extend(self.neg_copula_shape(ctx, w, stem_m.token, ep_morphs(&ms[si + 1..]), None));
            } else {
                shapes.extend(self.verbal_shape(ctx, w, ms, None, lex));
                // 벗나요: 벗다 + -나요, or 벗나다 + -아요? Both are read; when they
                // disagree there is no output.
                if stem_m.text.ends_with('나')
                    && stem_m.first
                    && ms.get(si + 1).is_some_and(|m| m.text == "요")
                    && stem_m.text.chars().count() >= 2
                {
                    // 노나요: 놀다 + -나요, the ㄹ dropped before ㄴ.
                    let shorter = &stem_m.text[..stem_m.text.len() - '나'.len_utf8()];
                    let shorter = super::with_final(shorter, Some('ㄹ'))
                        .filter(|r| {
                            hangul::final_of(shorter.chars().last().unwrap_or(' ')).is_none()
                                && self.rieul_stems.contains(r)
                        })
                        .or_else(|| lex.is_stem(shorter).then(|| shorter.to_owned()));
                    if let Some(shorter) = shorter {
                        shapes.extend(
                            self.verbal_shape(ctx, w, ms, None, lex)
                                .map(|s| Shape { stem: shorter, ..s }),
                        );
                    }
                }
            }
        } else if let (true, Some(stem)) = (
            w > 0
                && ms
                    .iter()
                    .all(|m| m.tag.starts_with('J') || m.tag.starts_with('N') || m.text == "요"),
            self.final_verb_words.get(last_text),
        ) {
            // 택배 내일 와, 이사 가요: the analyser's particle 와 ("and") or noun
            // 가요 ("pop song") ending a reply is the verb.
            shapes.push(Shape::new(last.start, stem.clone(), "VV", Vec::new()));
        } else if w > 0 && self.ending.iter().any(|e| e.geo.iter().any(|g| g == last_text)) {
            // 길 거다: the ㄹ of the future merged into an ㄹ stem, which the
            // analyser then reads as the bare stem (길/VA + 거다).
            let pms = morphs(tokens, words[w - 1].clone());
            if pms.last().is_some_and(|m| {
                matches!(m.tag.as_str(), "VV" | "VA") && m.text.ends_with(|c| hangul::final_of(c) == Some('ㄹ'))
            }) {
                shapes.extend(self.verbal_shape(
                    ctx,
                    w - 1,
                    &pms,
                    Some(Tense::FutureGeo { space: true, form: 0 }),
                    lex,
                ));
            }
        }

        shapes
    }

    /// A verb, adjective or auxiliary whose stem is the last stem morpheme of
    /// `ms` (morphemes of word `w`, or the part before 거 of a future), with
    /// the negation around it: -지 않다/못하다 (the word before ends in 지),
    /// or 안/못 as the word before.
    pub(super) fn verbal_shape(
        &self,
        ctx: &Ctx<'_>,
        w: usize,
        ms: &[Morph],
        tense: Option<Tense>,
        lex: &mut dyn Lexicon,
    ) -> Option<Shape> {
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
        if !m.first && m.tag == "VX" && m.text == "지" {
            return self.eojida_shape(ctx, w, ms, si, tense);
        }
        // The analyser glues the infinitive's 아/어 to the auxiliary after it
        // (보내 줄게: 보내 + 어·주·ㄹ게): the auxiliary's token is its word.
        let glued_infinitive = !m.first
            && m.tag == "VX"
            && self.auxiliary.glued.contains(&m.text)
            && m.token == word_start
            && si >= 1
            && ms[si - 1].first
            && ms[si - 1].token == m.token
            && ms[si - 1].tag == "EC"
            && self.auxiliary.infinitive.contains(&ms[si - 1].text);
        if (!m.first && !glued_infinitive) || matches!(m.tag.as_str(), "VCP" | "VCN") {
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
        let mut noun_before = si > 0 && matches!(ms[si - 1].tag.as_str(), "NNG" | "XR");
        let word_head = &ctx.text[ctx.tokens[word_start].start..ctx.tokens[m.token].start];
        if m.token > word_start && m.text == "하" && tag == "VV" && !noun_before && lex.ha_adjective(word_head) {
            // 피곤해 split as 피 + 곤 + 해 by the analyser: 피곤하다.
            noun_before = true;
            tag = "XSA".into();
        }
        if m.token > word_start && !matches!(m.tag.as_str(), "XSV" | "XSA" | "VX") && !noun_before {
            return None;
        }
        // A word that is only a particle to the analyser (나 거기 가 봤어: 가/JKS)
        // is a verb's infinitive it misread: the verbs form one predicate.
        let particle_word = si == 0
            && w > 0
            && morphs(ctx.tokens, ctx.words[w - 1].clone())
                .iter()
                .all(|b| b.tag.starts_with('J'));
        let (before_tag, before_text) = match before {
            Some(b) if particle_word => ("EC".to_owned(), b.text),
            Some(_) if tag == "XSA" && m.token > word_start => ("NNG".to_owned(), word_head.to_owned()),
            Some(b) => (b.tag, b.text),
            None => Default::default(),
        };
        // 하다 after an adjective noun is an adjective (행복할 거다: 행복하다),
        // whatever tag the analyser gave it.
        if tag == "XSV" && m.text == "하" && !before_text.is_empty() && lex.ha_adjective(&before_text) {
            tag = "XSA".into();
        }
        let mut s = Shape {
            tense,
            before_tag,
            before_text,
            ..Shape::new(m.token, m.text.clone(), tag.clone(), ep_morphs(&ms[si + 1..]))
        };
        let short_word = |k: usize| -> Option<String> {
            let pms = morphs(ctx.tokens, ctx.words[k].clone());
            (pms.len() == 1 && pms[0].tag == "MAG" && self.negation.short_remove.contains(&pms[0].text))
                .then(|| pms[0].text.clone())
        };
        let stem_start = ctx.tokens[m.token].start;
        if w > 0 && m.token > word_start && noun_before && matches!(tag.as_str(), "XSV" | "XSA") {
            // 안 피곤해: 안 before a 하다 word the analyser splits (피곤 + 해).
            if let Some(adverb) = short_word(w - 1) {
                s.negation = Negation::Short(adverb);
                s.start_token = ctx.words[w - 1].start;
                s.between = ctx.text[ctx.tokens[word_start].start..stem_start].to_owned();
            }
        } else if w > 1 && m.token == word_start && m.tag == "VX" {
            // 안 보고 있어: 안 negates the verb before the auxiliary.
            let verb = morphs(ctx.tokens, ctx.words[w - 1].clone());
            let main_verb = verb.first().is_some_and(|v| matches!(v.tag.as_str(), "VV" | "VA"));
            if let (true, Some(adverb)) = (main_verb, short_word(w - 2)) {
                s.negation = Negation::Short(adverb);
                s.start_token = ctx.words[w - 2].start;
                s.between = ctx.text[ctx.tokens[ctx.words[w - 1].start].start..stem_start].to_owned();
            }
        }
        if w > 0 && m.token == word_start && s.negation == Negation::None {
            if let Some(adverb) = short_word(w - 1) {
                s.negation = Negation::Short(adverb);
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

    /// -어지다 inside one token (쌀쌀해졌네요: 하 + 아 + 지 + 었, 추워졌어): the
    /// stem is the infinitive with 지 (해지, 추워지), a verb that takes only
    /// the long negation, as an auxiliary does.
    fn eojida_shape(&self, ctx: &Ctx<'_>, w: usize, ms: &[Morph], si: usize, tense: Option<Tense>) -> Option<Shape> {
        let [stem, ec] = ms.get(si.checked_sub(2)?..si)? else {
            return None;
        };
        let joined = stem.first
            && stem.token == ms[si].token
            && ec.tag == "EC"
            && matches!(ec.text.as_str(), "아" | "어" | "여")
            && matches!(stem.tag.as_str(), "VV" | "VA" | "XSV" | "XSA");
        if !joined {
            return None;
        }
        let word_start = ctx.words[w].start;
        let before = si.checked_sub(3).map(|k| &ms[k]);
        let glued = stem.token > word_start;
        if glued && !before.is_some_and(|b| matches!(b.tag.as_str(), "NNG" | "XR")) {
            return None;
        }
        let pos = self.pos_of(&stem.text, &stem.tag)?;
        let base = Base::stem(&stem.text, self.class_of(&stem.text, pos));
        let verb = format!("{}지", infinitive(&base)?);
        Some(Shape {
            tense,
            before_tag: before.map(|b| b.tag.clone()).unwrap_or_default(),
            before_text: before.map(|b| b.text.clone()).unwrap_or_default(),
            ..Shape::new(stem.token, verb, "VX", ep_morphs(&ms[si + 1..]))
        })
    }

    /// The predicate before -(으)ㄹ 거- in word `w` (morphemes `ms`, ending in
    /// the ETM ㄹ): a verb or adjective, 이다 after its noun (학생일 거야) or
    /// 아니다 (학생이 아닐 거야).
    fn future_shape(&self, ctx: &Ctx<'_>, w: usize, ms: &[Morph], space: bool, lex: &mut dyn Lexicon) -> Option<Shape> {
        let tense = Some(Tense::FutureGeo { space, form: 0 });
        let k = ms.len().checked_sub(2)?;
        let m = &ms[k];
        match m.tag.as_str() {
            "VCP" if m.first && m.token > ctx.words[w].start => {
                let noun_tokens = &ctx.tokens[ctx.words[w].start..m.token];
                let noun = &ctx.text[noun_tokens[0].start..ctx.tokens[m.token].start];
                if self.copula.never.iter().any(|q| q == noun) {
                    return None;
                }
                Some(Shape {
                    tense,
                    noun_consonant: hangul::ends_in_consonant(noun)?,
                    before_tag: noun_tokens.last()?.tag.clone(),
                    before_text: noun.to_owned(),
                    ..Shape::new(m.token, "이", "VCP", Vec::new())
                })
            }
            "VCN" if m.first && m.token == ctx.words[w].start => {
                self.neg_copula_shape(ctx, w, m.token, Vec::new(), tense)
            }
            _ => self.verbal_shape(ctx, w, ms, tense, lex),
        }
    }

    /// 아니다 in word `w` (its token `token`) after its noun: 학생이 아니야 (the
    /// particle's word holds the noun) or 내 가방 아니야 (no particle, `bare`).
    fn neg_copula_shape(
        &self,
        ctx: &Ctx<'_>,
        w: usize,
        token: usize,
        eps: Vec<String>,
        tense: Option<Tense>,
    ) -> Option<Shape> {
        let pw = ctx.words.get(w.checked_sub(1)?)?.clone();
        let pms = morphs(ctx.tokens, pw.clone());
        let last = pms.last()?;
        let particle =
            matches!(last.tag.as_str(), "JKC" | "JKS") && matches!(last.text.as_str(), "이" | "가") && last.first;
        if particle {
            if last.token <= pw.start {
                return None;
            }
            let noun = &ctx.text[ctx.tokens[pw.start].start..ctx.tokens[last.token].start];
            return Some(Shape {
                tense,
                noun_consonant: hangul::ends_in_consonant(noun)?,
                ..Shape::new(last.token, "아니", "VCN", eps)
            });
        }
        // A noun or pronoun word right before (가방, 그거, 나): the copula's noun.
        if !matches!(last.tag.as_str(), "NNG" | "NNP" | "NP" | "NNB") || !ctx.tokens[pw.end - 1].tag.starts_with('N') {
            return None;
        }
        let noun = ctx.word_text(w - 1);
        Some(Shape {
            tense,
            noun_consonant: hangul::ends_in_consonant(noun)?,
            bare: true,
            before_text: noun.to_owned(),
            ..Shape::new(token, "아니", "VCN", eps)
        })
    }

    /// A -ㅂ니다/-ㅂ니까 word the analyser did not read as one (압니다: 압 + 니 +
    /// 다): the stem is taken from the text (알다: an ㄹ stem loses its ㄹ there).
    fn hapsyo_misread(&self, ctx: &Ctx<'_>, w: usize, ms: &[Morph], lex: &mut dyn Lexicon) -> Option<Shape> {
        let word = ctx.word_text(w);
        let head = word.strip_suffix("니다").or_else(|| word.strip_suffix("니까"))?;
        let read_as_such = ms
            .iter()
            .any(|m| m.tag.starts_with('E') && (m.text.starts_with("ㅂ니") || m.text.starts_with("습니")));
        if read_as_such || ms.iter().any(|m| m.tag == "VCP" || m.tag == "EP") {
            return None;
        }
        let bare = super::with_final(head, None).filter(|_| head.ends_with(|c| hangul::final_of(c) == Some('ㅂ')))?;
        let stem = super::with_final(&bare, Some('ㄹ'))
            .filter(|r| self.rieul_stems.contains(r))
            .or_else(|| lex.is_stem(&bare).then_some(bare))?;
        Some(Shape::new(ctx.words[w].start, stem, "VV", Vec::new()))
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
    pub(super) fn before_ji(&self, ctx: &Ctx<'_>, w: usize, negation: Negation) -> Option<Shape> {
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
}

/// The adjective stem of a -ㅂ니다 form read as a noun (느립니 → 느리), or
/// `None`.
fn hapsyo_stem(noun: &str) -> Option<String> {
    let head = noun.strip_suffix('니')?;
    let last = head.chars().last()?;
    if hangul::final_of(last) != Some('ㅂ') {
        return None;
    }
    let stem = super::with_final(head, None)?;
    (stem.chars().count() >= 2).then_some(stem)
}
