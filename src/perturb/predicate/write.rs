//! Writing a reading back: conjugating the stem with its honorific, tense,
//! negation and ending (이다 and 아니다 included).

use super::{Negation, Pos, Predicate, Tense};
use crate::perturb::conjugate::{attach, past, with_prefinal, Base, Class};
use crate::perturb::rules::{Ending, TenseNegationRules};

impl TenseNegationRules {
    fn template<'a>(&self, e: &'a Ending, pos: Pos) -> &'a str {
        let adjective = e.adjective.as_deref().unwrap_or(&e.verb);
        match pos {
            Pos::Verb => &e.verb,
            Pos::Exist if e.exist.as_deref() == Some("verb") => &e.verb,
            _ => adjective,
        }
    }

    fn prefinal_template<'a>(&self, e: &'a Ending) -> &'a str {
        e.prefinal.as_deref().or(e.adjective.as_deref()).unwrap_or(&e.verb)
    }

    /// The conjugated word of a verb, adjective or auxiliary.
    fn verbal(&self, stem: &str, class: Class, pos: Pos, hon: bool, tense: Tense, e: &Ending) -> Option<String> {
        let plain = Base::stem(stem, class);
        let base = if hon {
            Base::stem(&attach(&plain, "U시")?, Class::Regular)
        } else {
            plain
        };
        match tense {
            Tense::Present => {
                let template = self.template(e, pos);
                if hon && template == "A요" {
                    // 가시 + 어요 is 가세요.
                    let text = base.text.strip_suffix('시')?;
                    return Some(format!("{text}세요"));
                }
                attach(&base, template)
            }
            Tense::Past => attach(&past(&base)?, self.prefinal_template(e)),
            Tense::FutureGess => attach(&with_prefinal(&base, "겠")?, self.prefinal_template(e)),
            Tense::FutureGeo { space, form } => {
                let geo = e.geo.get(usize::from(form))?;
                Some(format!(
                    "{}{}{geo}",
                    attach(&base, "Uㄹ")?,
                    if space { " " } else { "" }
                ))
            }
        }
    }

    /// 이다 after a noun: 이야/야, 이었어/였어, 일 거야, 입니다.
    fn copula(&self, p: &Predicate, e: &Ending) -> Option<String> {
        if p.hon {
            return None;
        }
        let contract = !p.noun_consonant && !p.copula_full;
        if let (Tense::Present, Some([c, v])) = (p.tense, &e.copula) {
            return Some(if contract { v.clone() } else { c.clone() });
        }
        let core = self.copular("이", None, p.tense, e)?;
        if !contract {
            return Some(core);
        }
        Some(if let Some(rest) = core.strip_prefix("이었") {
            format!("였{rest}")
        } else if let Some(rest) = core.strip_prefix("이에") {
            format!("예{rest}")
        } else if let Some(rest) = core.strip_prefix('이') {
            rest.to_owned()
        } else {
            core
        })
    }

    /// 이다 or 아니다 (stem `이`/`아니`) in a tense; `present` replaces the
    /// present-tense form where the ending gives one (아니야, 아니에요).
    fn copular(&self, stem: &str, present: Option<&str>, tense: Tense, e: &Ending) -> Option<String> {
        let base = Base::stem(stem, Class::Regular);
        Some(match tense {
            Tense::Present => match present {
                Some(form) => form.to_owned(),
                None => attach(&base, self.template(e, Pos::Adjective))?,
            },
            // 이어 + ㅆ, not the contracted 여 + ㅆ: 학생이었어, 아니었어.
            Tense::Past => attach(
                &with_prefinal(&Base::stem(&format!("{stem}어"), Class::Regular), "ㅆ")?,
                self.prefinal_template(e),
            )?,
            Tense::FutureGess => attach(&with_prefinal(&base, "겠")?, self.prefinal_template(e))?,
            Tense::FutureGeo { space, form } => format!(
                "{}{}{}",
                attach(&base, "Uㄹ")?,
                if space { " " } else { "" },
                e.geo.get(usize::from(form))?
            ),
        })
    }

    /// 아니다 in the present of ending `ending` (아니구나, 아니네요), for a
    /// noun phrase written apart from it.
    pub fn not_present(&self, ending: usize) -> Option<String> {
        let e = self.ending.get(ending)?;
        self.copular("아니", e.neg_copula.as_deref(), Tense::Present, e)
    }

    /// 아니다 with the noun's particle: 이 아니야, 가 아니었어.
    fn neg_copula(&self, p: &Predicate, e: &Ending) -> Option<String> {
        if p.hon {
            return None;
        }
        let word = self.copular("아니", e.neg_copula.as_deref(), p.tense, e)?;
        if p.bare {
            return Some(format!(" {word}"));
        }
        let particle = if p.noun_consonant { "이" } else { "가" };
        Some(format!("{particle} {word}"))
    }

    /// The text of the span for a reading.
    pub fn render(&self, p: &Predicate) -> Option<String> {
        let e = self.ending.get(p.ending)?;
        match p.pos {
            Pos::Copula => return self.copula(p, e),
            Pos::NegCopula => return self.neg_copula(p, e),
            _ => {}
        }
        // 주무시지, not *주무지: a lexical honorific keeps its 시 before 지.
        let ji_base = || -> Option<Base> {
            let plain = Base::stem(&p.stem, p.class);
            if p.lexical_hon {
                Some(Base::stem(&attach(&plain, "U시")?, Class::Regular))
            } else {
                Some(plain)
            }
        };
        match &p.negation {
            Negation::None => Some(format!(
                "{}{}",
                p.between,
                self.verbal(&p.stem, p.class, p.pos, p.hon, p.tense, e)?
            )),
            Negation::Short(adverb) => {
                let word = self.verbal(&p.stem, p.class, p.pos, p.hon, p.tense, e)?;
                let lead = if p.space_before { "" } else { " " };
                Some(format!("{lead}{adverb} {}{word}", p.between))
            }
            Negation::Long(aux) => {
                let ji = attach(&ji_base()?, "지")?;
                let aux_class = self.class_of(aux, p.pos);
                let word = self.verbal(aux, aux_class, p.pos, p.hon, p.tense, e)?;
                Some(format!("{ji} {word}"))
            }
            Negation::Prohibit => {
                let ji = attach(&ji_base()?, "지")?;
                Some(format!("{ji} {}", e.prohibit.as_deref()?))
            }
        }
    }
}
