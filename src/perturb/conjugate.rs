//! Korean verb and adjective conjugation: a stem, its irregular class and a
//! suffix template give the surface form (듣 + 었 → 들었, 살 + ㅂ니다 → 삽니다).
//!
//! Templates are the notation of `perturbations/tense_negation.toml`:
//! - `A…`: the 아/어 infinitive, then the rest (`A요` → 가요, 먹어요, 더워요);
//! - `U…`: the 으-inserting suffixes (`Uㄹ` → 갈, 먹을, 살, 더울, 들을, 지을);
//! - `S…`: 습니/ㅂ니 (`Sㅂ니다` → 먹습니다, 갑니다, 삽니다);
//! - `N…`: the present-tense 는/ㄴ of verbs (`Nㄴ다` → 먹는다, 간다, 논다;
//!   `N는구나` → 노는구나);
//! - anything else attaches as written, the stem's ㄹ dropping before ㄴ/ㅂ/ㅅ
//!   (놀 + 네 → 노네).
//!
//! A leading compatibility jamo in the rest (ㄹ, ㄴ, ㅂ, ㅆ) becomes the final
//! of the syllable before it. Every function returns `None` for what it cannot
//! conjugate (non-Hangul stems, a final where a final must be added), which the
//! engine turns into "no output" rather than a broken sentence.

use serde::Deserialize;

use crate::hangul::Syllable;

/// Irregular conjugation classes (불규칙 활용). ㄹ-dropping and 으-dropping
/// are regular phonology and need no class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Regular,
    /// ㅂ → 우/오 before vowels: 덥다 → 더워, 돕다 → 도와.
    B,
    /// ㄷ → ㄹ before vowels: 듣다 → 들어.
    D,
    /// ㅅ drops before vowels: 짓다 → 지어.
    S,
    /// ㅎ drops; ㅏ/ㅓ + 어 → ㅐ: 그렇다 → 그래, 하얗다 → 하얘.
    H,
    /// As [`Class::H`], written with the ㅎ dropped before ㄴ as well (빨가네,
    /// 그러니, 어떠나요; the standard allows both): read from such a form, it
    /// writes it back the same way.
    HShort,
    /// 르 → ㄹㄹ: 부르다 → 불러.
    Reu,
    /// 르 + 어 → 르러: 푸르다 → 푸르러.
    Reo,
    /// 우 drops: 푸다 → 퍼.
    U,
    /// 하 + 여 → 해.
    Ha,
}

impl Class {
    /// Whether a stem of this shape can belong to the class.
    pub fn fits(self, stem: &str) -> bool {
        let Some(last) = stem.chars().last().and_then(Syllable::from_char) else {
            return false;
        };
        match self {
            Class::Regular => true,
            Class::B => last.final_jamo() == Some('ㅂ'),
            Class::D => last.final_jamo() == Some('ㄷ'),
            Class::S => last.final_jamo() == Some('ㅅ'),
            Class::H | Class::HShort => last.final_jamo() == Some('ㅎ'),
            Class::Reu | Class::Reo => stem.ends_with('르') && stem.chars().count() >= 2,
            Class::U => stem == "푸",
            Class::Ha => stem.ends_with('하'),
        }
    }
}

/// What suffixes attach to: a stem of a class, or a stem with a pre-final
/// ending (았/었/겠) after which every suffix is regular and takes 어.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    pub text: String,
    pub class: Class,
    pub after_prefinal: bool,
}

impl Base {
    pub fn stem(text: &str, class: Class) -> Base {
        Base {
            text: text.to_owned(),
            class,
            after_prefinal: false,
        }
    }

    fn prefinal(text: String) -> Base {
        Base {
            text,
            class: Class::Regular,
            after_prefinal: true,
        }
    }
}

fn split_last(text: &str) -> Option<(&str, Syllable)> {
    let last = text.chars().last()?;
    let s = Syllable::from_char(last)?;
    Some((&text[..text.len() - last.len_utf8()], s))
}

fn push(head: &str, s: Syllable) -> Option<String> {
    let mut out = head.to_owned();
    out.push(s.to_char()?);
    Some(out)
}

/// ㅏ ㅑ ㅗ take 아; every other vowel 어 (양성/음성 모음).
fn bright(s: Syllable) -> bool {
    matches!(s.vowel_jamo(), 'ㅏ' | 'ㅑ' | 'ㅗ')
}

/// The harmony of a stem: its last syllable's vowel, or for an 으 stem the
/// syllable before (바쁘 → 바빠, 쓰 → 써).
fn stem_is_bright(text: &str) -> bool {
    let syllables: Vec<Syllable> = text.chars().filter_map(Syllable::from_char).collect();
    match syllables.as_slice() {
        [.., prev, last] if last.vowel_jamo() == 'ㅡ' && !last.has_final() => bright(*prev),
        [.., last] => bright(*last),
        [] => false,
    }
}

/// `text` with the jamo `j` as the final of its last syllable (가 + ㄹ → 갈).
fn add_final(text: &str, j: char) -> Option<String> {
    let (head, last) = split_last(text)?;
    if last.has_final() {
        return None;
    }
    push(head, last.with_final_jamo(Some(j))?)
}

fn drop_final(text: &str) -> Option<String> {
    let (head, last) = split_last(text)?;
    push(head, last.with_final_jamo(None)?)
}

/// Appends `rest`, merging a leading compatibility jamo into the last syllable.
fn join(text: &str, rest: &str) -> Option<String> {
    let mut chars = rest.chars();
    match chars.next() {
        Some(j) if crate::hangul::is_compatibility_jamo(j) => {
            let mut out = add_final(text, j)?;
            out.push_str(chars.as_str());
            Some(out)
        }
        _ => Some(format!("{text}{rest}")),
    }
}

fn first_sound(rest: &str) -> Option<char> {
    let c = rest.chars().next()?;
    Some(Syllable::from_char(c).map_or(c, Syllable::lead_jamo))
}

fn ends_in_rieul(text: &str) -> bool {
    split_last(text).is_some_and(|(_, s)| s.final_jamo() == Some('ㄹ'))
}

/// The 아/어 infinitive (연결형): 가, 먹어, 해, 와, 줘, 마셔, 돼, 써, 바빠,
/// 불러, 따라, 더워, 도와, 들어, 지어, 그래, 하얘, 퍼.
pub fn infinitive(base: &Base) -> Option<String> {
    let text = base.text.as_str();
    let (head, last) = split_last(text)?;
    if base.after_prefinal {
        return Some(format!("{text}어"));
    }
    let harmony = if stem_is_bright(text) { "아" } else { "어" };
    if base.class == Class::Ha && last.to_char() == Some('하') {
        return Some(format!("{head}해"));
    }
    if last.has_final() {
        return match base.class {
            Class::B if last.final_jamo() == Some('ㅂ') => {
                let dropped = drop_final(text)?;
                // Only 돕다 and 곱다 keep 와 in the modern standard.
                let wa = head.is_empty() && last.vowel_jamo() == 'ㅗ';
                Some(format!("{dropped}{}", if wa { "와" } else { "워" }))
            }
            Class::D if last.final_jamo() == Some('ㄷ') => {
                Some(format!("{}{harmony}", push(head, last.with_final_jamo(Some('ㄹ'))?)?))
            }
            Class::S if last.final_jamo() == Some('ㅅ') => Some(format!("{}{harmony}", drop_final(text)?)),
            Class::H | Class::HShort if last.final_jamo() == Some('ㅎ') => {
                let vowel = match last.vowel_jamo() {
                    'ㅏ' | 'ㅓ' => 'ㅐ',
                    'ㅑ' | 'ㅕ' => 'ㅒ',
                    _ => return None,
                };
                push(head, last.with_final_jamo(None)?.with_vowel_jamo(vowel)?)
            }
            Class::Regular => Some(format!("{text}{harmony}")),
            _ => None,
        };
    }
    match base.class {
        Class::Reu | Class::Reo if last.to_char() == Some('르') => {
            if base.class == Class::Reo {
                return Some(format!("{text}러"));
            }
            let (head2, prev) = split_last(head)?;
            if prev.has_final() {
                return None;
            }
            let syllable = if bright(prev) { "라" } else { "러" };
            Some(format!("{}{syllable}", push(head2, prev.with_final_jamo(Some('ㄹ'))?)?))
        }
        Class::U if text == "푸" => Some("퍼".to_owned()),
        Class::Regular | Class::Ha => {
            let contracted = match last.vowel_jamo() {
                'ㅡ' => Some(if harmony == "아" { 'ㅏ' } else { 'ㅓ' }),
                'ㅏ' | 'ㅓ' | 'ㅕ' | 'ㅐ' | 'ㅔ' | 'ㅒ' | 'ㅖ' => Some(last.vowel_jamo()),
                'ㅗ' => Some('ㅘ'),
                'ㅜ' => Some('ㅝ'),
                'ㅣ' => Some('ㅕ'),
                'ㅚ' => Some('ㅙ'),
                _ => None,
            };
            match contracted {
                Some(v) => push(head, last.with_vowel_jamo(v)?),
                None => Some(format!("{text}어")),
            }
        }
        _ => None,
    }
}

/// The past base: the infinitive with ㅆ (갔, 먹었, 했, 더웠, 들었).
pub fn past(base: &Base) -> Option<Base> {
    Some(Base::prefinal(add_final(&infinitive(base)?, 'ㅆ')?))
}

/// A base with a plain pre-final ending such as 겠 attached.
pub fn with_prefinal(base: &Base, prefinal: &str) -> Option<Base> {
    Some(Base::prefinal(attach(base, prefinal)?))
}

/// The base a 으-suffix attaches to, before the suffix: 먹으, 가, 사 (for ㄴ, ㅂ,
/// ㅅ suffixes) or 살 (for ㄹ), 더우, 들으, 지으, 그러.
fn u_stem(base: &Base, rest: &str) -> Option<String> {
    let text = base.text.as_str();
    let (_, last) = split_last(text)?;
    if !last.has_final() {
        return Some(text.to_owned());
    }
    if base.after_prefinal {
        return Some(format!("{text}으"));
    }
    match (base.class, last.final_jamo()) {
        (Class::B, Some('ㅂ')) => Some(format!("{}우", drop_final(text)?)),
        (Class::D, Some('ㄷ')) => {
            let (head, last) = split_last(text)?;
            Some(format!("{}으", push(head, last.with_final_jamo(Some('ㄹ'))?)?))
        }
        (Class::S, Some('ㅅ')) => Some(format!("{}으", drop_final(text)?)),
        (Class::H | Class::HShort, Some('ㅎ')) => drop_final(text),
        (_, Some('ㄹ')) => match first_sound(rest) {
            Some('ㄹ') => drop_final(text),
            Some('ㄴ' | 'ㅂ' | 'ㅅ') => drop_final(text),
            _ => Some(text.to_owned()),
        },
        _ => Some(format!("{text}으")),
    }
}

/// Attaches a suffix template (see the module docs) to a base.
pub fn attach(base: &Base, template: &str) -> Option<String> {
    let text = base.text.as_str();
    let mut chars = template.chars();
    let marker = chars.next()?;
    let rest = chars.as_str();
    match marker {
        'A' => Some(format!("{}{rest}", infinitive(base)?)),
        'U' => join(&u_stem(base, rest)?, rest),
        'S' => {
            let rest = rest.strip_prefix('ㅂ')?;
            let (_, last) = split_last(text)?;
            if !last.has_final() {
                join(text, &format!("ㅂ{rest}"))
            } else if ends_in_rieul(text) && !base.after_prefinal {
                join(&drop_final(text)?, &format!("ㅂ{rest}"))
            } else {
                Some(format!("{text}습{rest}"))
            }
        }
        'N' => {
            let (_, last) = split_last(text)?;
            let rieul = ends_in_rieul(text) && !base.after_prefinal;
            let stem = if rieul { drop_final(text)? } else { text.to_owned() };
            match rest.strip_prefix('ㄴ') {
                Some(after) if last.has_final() && !rieul => Some(format!("{stem}는{after}")),
                Some(_) => join(&stem, rest),
                None => Some(format!("{stem}{rest}")),
            }
        }
        _ => {
            let rieul_drops = ends_in_rieul(text)
                && !base.after_prefinal
                && matches!(first_sound(template), Some('ㄴ' | 'ㅂ' | 'ㅅ'));
            let hieut_drops = base.class == Class::HShort
                && !base.after_prefinal
                && split_last(text).is_some_and(|(_, s)| s.final_jamo() == Some('ㅎ'))
                && first_sound(template) == Some('ㄴ');
            let stem = if rieul_drops || hieut_drops {
                drop_final(text)?
            } else {
                text.to_owned()
            };
            join(&stem, template)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inf(stem: &str, class: Class) -> String {
        infinitive(&Base::stem(stem, class)).unwrap()
    }

    fn past_of(stem: &str, class: Class) -> String {
        past(&Base::stem(stem, class)).unwrap().text
    }

    fn at(stem: &str, class: Class, template: &str) -> String {
        attach(&Base::stem(stem, class), template).unwrap()
    }

    #[test]
    fn past_contracts_vowels() {
        use Class::*;
        let cases = [
            ("가", Regular, "갔"),
            ("오", Regular, "왔"),
            ("보", Regular, "봤"),
            ("하", Ha, "했"),
            ("되", Regular, "됐"),
            ("주", Regular, "줬"),
            ("마시", Regular, "마셨"),
            ("먹", Regular, "먹었"),
            ("좋", Regular, "좋았"),
            ("보내", Regular, "보냈"),
            ("서", Regular, "섰"),
            ("쉬", Regular, "쉬었"),
            ("배우", Regular, "배웠"),
            ("공부하", Ha, "공부했"),
        ];
        for (stem, class, want) in cases {
            assert_eq!(past_of(stem, class), want, "{stem}");
        }
    }

    #[test]
    fn irregular_classes_and_their_regular_look_alikes() {
        use Class::*;
        let cases = [
            ("덥", B, "더웠"),
            ("돕", B, "도왔"),
            ("고맙", B, "고마웠"),
            ("좁", Regular, "좁았"),
            ("입", Regular, "입었"),
            ("듣", D, "들었"),
            ("걷", D, "걸었"),
            ("받", Regular, "받았"),
            ("짓", S, "지었"),
            ("낫", S, "나았"),
            ("씻", Regular, "씻었"),
            ("부르", Reu, "불렀"),
            ("모르", Reu, "몰랐"),
            ("빠르", Reu, "빨랐"),
            ("따르", Regular, "따랐"),
            ("푸르", Reo, "푸르렀"),
            ("하얗", H, "하얬"),
            ("그렇", H, "그랬"),
            ("빨갛", H, "빨갰"),
            ("좋", Regular, "좋았"),
            ("쓰", Regular, "썼"),
            ("바쁘", Regular, "바빴"),
            ("아프", Regular, "아팠"),
            ("예쁘", Regular, "예뻤"),
            ("크", Regular, "컸"),
            ("푸", U, "펐"),
            ("살", Regular, "살았"),
        ];
        for (stem, class, want) in cases {
            assert_eq!(past_of(stem, class), want, "{stem} ({class:?})");
        }
        assert_eq!(inf("덥", B), "더워");
        assert_eq!(inf("그렇", H), "그래");
        assert_eq!(inf("불", Regular), "불어");
        // ㅎ dropped before ㄴ, as people write it, only where it was read so.
        assert_eq!(at("빨갛", HShort, "네"), "빨가네");
        assert_eq!(at("그렇", HShort, "니"), "그러니");
        assert_eq!(at("어떻", HShort, "나요"), "어떠나요");
        assert_eq!(at("빨갛", H, "네"), "빨갛네");
        assert_eq!(at("빨갛", HShort, "지"), "빨갛지");
        assert_eq!(past_of("빨갛", HShort), "빨갰");
    }

    #[test]
    fn eu_suffixes() {
        use Class::*;
        assert_eq!(at("먹", Regular, "Uㄹ"), "먹을");
        assert_eq!(at("가", Regular, "Uㄹ"), "갈");
        assert_eq!(at("살", Regular, "Uㄹ"), "살");
        assert_eq!(at("덥", B, "Uㄹ"), "더울");
        assert_eq!(at("듣", D, "Uㄹ"), "들을");
        assert_eq!(at("짓", S, "Uㄹ"), "지을");
        assert_eq!(at("그렇", H, "Uㄹ"), "그럴");
        assert_eq!(at("가", Regular, "U시"), "가시");
        assert_eq!(at("읽", Regular, "U시"), "읽으시");
        assert_eq!(at("살", Regular, "U시"), "사시");
        assert_eq!(at("살", Regular, "Uㅂ시다"), "삽시다");
        assert_eq!(at("먹", Regular, "Uㄹ까"), "먹을까");
        assert_eq!(at("덥", B, "Uㄴ데"), "더운데");
        assert_eq!(at("길", Regular, "Uㄴ데"), "긴데");
    }

    #[test]
    fn formal_and_plain_present() {
        use Class::*;
        assert_eq!(at("먹", Regular, "Sㅂ니다"), "먹습니다");
        assert_eq!(at("가", Regular, "Sㅂ니다"), "갑니다");
        assert_eq!(at("살", Regular, "Sㅂ니다"), "삽니다");
        assert_eq!(at("덥", B, "Sㅂ니까"), "덥습니까");
        assert_eq!(at("먹", Regular, "Nㄴ다"), "먹는다");
        assert_eq!(at("가", Regular, "Nㄴ다"), "간다");
        assert_eq!(at("놀", Regular, "Nㄴ다"), "논다");
        assert_eq!(at("듣", D, "Nㄴ다"), "듣는다");
        assert_eq!(at("놀", Regular, "N는구나"), "노는구나");
        assert_eq!(at("놀", Regular, "네"), "노네");
        assert_eq!(at("알", Regular, "니"), "아니");
        assert_eq!(at("놀", Regular, "지"), "놀지");
        assert_eq!(at("먹", Regular, "A요"), "먹어요");
        assert_eq!(at("하", Ha, "A요"), "해요");
        let ate = past(&Base::stem("먹", Regular)).unwrap();
        assert_eq!(attach(&ate, "A"), Some("먹었어".into()));
        let went = past(&Base::stem("가", Regular)).unwrap();
        assert_eq!(attach(&went, "A요"), Some("갔어요".into()));
        assert_eq!(attach(&went, "Sㅂ니다"), Some("갔습니다".into()));
        assert_eq!(attach(&went, "Uㄹ까"), Some("갔을까".into()));
        assert_eq!(attach(&went, "N는데"), Some("갔는데".into()));
        let will = with_prefinal(&Base::stem("살", Regular), "겠").unwrap();
        assert_eq!(will.text, "살겠");
        assert_eq!(attach(&will, "네"), Some("살겠네".into()));
    }

    #[test]
    fn what_cannot_be_conjugated_is_none() {
        assert_eq!(infinitive(&Base::stem("abc", Class::Regular)), None);
        assert_eq!(infinitive(&Base::stem("", Class::Regular)), None);
        assert_eq!(infinitive(&Base::stem("먹", Class::Reu)), None);
        assert!(!Class::B.fits("먹") && Class::B.fits("덥") && Class::Reu.fits("부르"));
    }
}
