//! Locating the final predicate's shape in the analyser's morphemes: its
//! stem and tag, the negation around it, its pre-final endings, and what
//! stands before it.

use super::{ep_morphs, morphs, stem_tag, Ctx, Morph, Shape};
use crate::hangul;
use crate::perturb::predicate::{Negation, Tense};
use crate::perturb::rules::TenseNegationRules;

impl TenseNegationRules {
    /// The shapes the final word `w = ctx.words.len() - 1` may have (its
    /// morphemes `ms`, 잖 already folded into the ending): a verbal
    /// predicate, a future in -(으)ㄹ 거-, the copula, 아니다 after its noun,
    /// or a prohibition -지 마. Each is only a candidate: the round trip decides.
    pub(super) fn shapes(&self, ctx: &Ctx<'_>, ms: &[Morph], is_stem: &mut dyn FnMut(&str) -> bool) -> Vec<Shape> {
        let (text, tokens, words) = (ctx.text, ctx.tokens, ctx.words);
        let w = words.len() - 1;
        let last = words[w].clone();
        let mut shapes: Vec<Shape> = Vec::new();
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
                        shapes.extend(self.verbal_shape(
                            ctx,
                            w,
                            before_geo,
                            Some(Tense::FutureGeo { space: false, form: 0 }),
                        ));
                    }
                } else if w > 0 {
                    let pms = morphs(tokens, words[w - 1].clone());
                    if pms.last().is_some_and(|m| m.tag == "ETM") {
                        shapes.extend(self.verbal_shape(
                            ctx,
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
                        && !self.copula.never.iter().any(|q| q == noun);
                    if consonant.is_some()
                        && !plausible
                        && (verb_stem || (noun_tokens.len() == 1 && noun_tokens[0].surface == noun))
                        && !self.copula.never.iter().any(|q| q == noun)
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
                shapes.extend(self.verbal_shape(ctx, w, ms, None));
            }
        }

        shapes
    }

    /// A verb, adjective or auxiliary whose stem is the last stem morpheme of
    /// `ms` (morphemes of word `w`, or the part before 거 of a future), with
    /// the negation around it: -지 않다/못하다 (the word before ends in 지),
    /// or 안/못 as the word before.
    pub(super) fn verbal_shape(&self, ctx: &Ctx<'_>, w: usize, ms: &[Morph], tense: Option<Tense>) -> Option<Shape> {
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
