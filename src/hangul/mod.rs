//! Hangul arithmetic: syllables ⇄ jamo, final-consonant (batchim) queries and
//! particle allomorphs. All syllable and jamo arithmetic of rsbench lives here.
//!
//! A precomposed syllable is `0xAC00 + (lead × 21 + vowel) × 28 + tail`
//! (Unicode §3.12); `tail` 0 means no final consonant.

mod particle;

pub use particle::{attach, Particle};

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

/// The final consonants in Unicode order (index 1..=27; 0 is "none"), as
/// compatibility jamo for display.
const FINALS: [char; 28] = [
    '\0', 'ㄱ', 'ㄲ', 'ㄳ', 'ㄴ', 'ㄵ', 'ㄶ', 'ㄷ', 'ㄹ', 'ㄺ', 'ㄻ', 'ㄼ', 'ㄽ', 'ㄾ', 'ㄿ', 'ㅀ', 'ㅁ', 'ㅂ', 'ㅄ',
    'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
];

/// Index of ㄹ among the finals.
const RIEUL: u8 = 8;

/// A precomposed Hangul syllable split into its jamo indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Syllable {
    /// Initial consonant, 0..19 (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ).
    pub lead: u8,
    /// Vowel, 0..21 (ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ).
    pub vowel: u8,
    /// Final consonant, 0..28; 0 = none.
    pub tail: u8,
}

impl Syllable {
    /// The syllable of a precomposed Hangul character (U+AC00..U+D7A3).
    pub fn from_char(c: char) -> Option<Syllable> {
        let s = (c as u32).checked_sub(S_BASE)?;
        if s >= S_COUNT {
            return None;
        }
        Some(Syllable {
            lead: (s / N_COUNT) as u8,
            vowel: ((s % N_COUNT) / T_COUNT) as u8,
            tail: (s % T_COUNT) as u8,
        })
    }

    /// The precomposed character; `None` if an index is out of range.
    pub fn to_char(self) -> Option<char> {
        let (l, v, t) = (u32::from(self.lead), u32::from(self.vowel), u32::from(self.tail));
        if l >= L_COUNT || v >= V_COUNT || t >= T_COUNT {
            return None;
        }
        char::from_u32(S_BASE + (l * V_COUNT + v) * T_COUNT + t)
    }

    pub fn has_final(self) -> bool {
        self.tail != 0
    }

    /// The final consonant as a compatibility jamo (ㄱ, ㄺ, …), if any.
    pub fn final_jamo(self) -> Option<char> {
        (self.tail != 0).then(|| FINALS[usize::from(self.tail)])
    }

    pub fn with_final(self, tail: u8) -> Syllable {
        Syllable { tail, ..self }
    }
}

/// Conjoining jamo (U+1100 block) of a syllable: lead, vowel and, if any, tail
/// — what NFD produces.
pub fn decompose(c: char) -> Option<(char, char, Option<char>)> {
    let s = Syllable::from_char(c)?;
    let lead = char::from_u32(L_BASE + u32::from(s.lead))?;
    let vowel = char::from_u32(V_BASE + u32::from(s.vowel))?;
    let tail = if s.tail == 0 {
        None
    } else {
        Some(char::from_u32(T_BASE + u32::from(s.tail))?)
    };
    Some((lead, vowel, tail))
}

/// The syllable of conjoining jamo; `None` unless they are a valid lead,
/// vowel and optional tail.
pub fn compose(lead: char, vowel: char, tail: Option<char>) -> Option<char> {
    let l = (lead as u32).checked_sub(L_BASE).filter(|&l| l < L_COUNT)?;
    let v = (vowel as u32).checked_sub(V_BASE).filter(|&v| v < V_COUNT)?;
    let t = match tail {
        None => 0,
        Some(t) => (t as u32).checked_sub(T_BASE).filter(|&t| t > 0 && t < T_COUNT)?,
    };
    Syllable {
        lead: l as u8,
        vowel: v as u8,
        tail: t as u8,
    }
    .to_char()
}

/// Whether the last character of `word` ends in a consonant, as far as the
/// choice of a particle goes: Hangul by its final, digits by their Sino-Korean
/// reading (1 일, 3 삼, 6 육, 7 칠, 8 팔, 0 영 end in a consonant). `None` for
/// anything else (Latin letters, symbols, an empty word).
pub fn ends_in_consonant(word: &str) -> Option<bool> {
    let last = word.chars().rev().find(|c| !c.is_whitespace())?;
    if let Some(s) = Syllable::from_char(last) {
        return Some(s.has_final());
    }
    match last {
        '0' | '1' | '3' | '6' | '7' | '8' => Some(true),
        '2' | '4' | '5' | '9' => Some(false),
        _ => None,
    }
}

/// The final consonant (as a compatibility jamo) of a Hangul syllable; `None`
/// for a syllable without one and for anything that is not a syllable.
pub fn final_of(c: char) -> Option<char> {
    Syllable::from_char(c).and_then(Syllable::final_jamo)
}

/// Whether `word` ends in the final ㄹ (which takes 로, not 으로). Digits 1, 7, 8
/// (일, 칠, 팔) read with a final ㄹ.
pub fn ends_in_rieul(word: &str) -> Option<bool> {
    let last = word.chars().rev().find(|c| !c.is_whitespace())?;
    if let Some(s) = Syllable::from_char(last) {
        return Some(s.tail == RIEUL);
    }
    match last {
        '1' | '7' | '8' => Some(true),
        '0'..='9' => Some(false),
        _ => None,
    }
}

/// The vowels in Unicode order, as compatibility jamo.
const VOWELS: [char; 21] = [
    'ㅏ', 'ㅐ', 'ㅑ', 'ㅒ', 'ㅓ', 'ㅔ', 'ㅕ', 'ㅖ', 'ㅗ', 'ㅘ', 'ㅙ', 'ㅚ', 'ㅛ', 'ㅜ', 'ㅝ', 'ㅞ', 'ㅟ', 'ㅠ', 'ㅡ',
    'ㅢ', 'ㅣ',
];

/// The initial consonants in Unicode order, as compatibility jamo.
const LEADS: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
];

impl Syllable {
    /// The syllable of compatibility jamo (`'ㄱ'`, `'ㅏ'`, `Some('ㄹ')`).
    pub fn from_jamo(lead: char, vowel: char, tail: Option<char>) -> Option<Syllable> {
        let lead = LEADS.iter().position(|&c| c == lead)? as u8;
        let vowel = VOWELS.iter().position(|&c| c == vowel)? as u8;
        let tail = match tail {
            None => 0,
            Some(t) => FINALS.iter().skip(1).position(|&c| c == t)? as u8 + 1,
        };
        Some(Syllable { lead, vowel, tail })
    }

    pub fn lead_jamo(self) -> char {
        LEADS[usize::from(self.lead) % LEADS.len()]
    }

    pub fn vowel_jamo(self) -> char {
        VOWELS[usize::from(self.vowel) % VOWELS.len()]
    }

    /// The same syllable with another vowel; `None` for a non-vowel.
    pub fn with_vowel_jamo(self, vowel: char) -> Option<Syllable> {
        let vowel = VOWELS.iter().position(|&c| c == vowel)? as u8;
        Some(Syllable { vowel, ..self })
    }

    /// The same syllable with another final (`None` removes it); `None` when
    /// `tail` cannot be a final.
    pub fn with_final_jamo(self, tail: Option<char>) -> Option<Syllable> {
        match tail {
            None => Some(self.with_final(0)),
            Some(t) => {
                let i = FINALS.iter().skip(1).position(|&c| c == t)? as u8 + 1;
                Some(self.with_final(i))
            }
        }
    }
}

/// Whether `c` is a precomposed Hangul syllable (가..힣).
pub fn is_syllable(c: char) -> bool {
    Syllable::from_char(c).is_some()
}

/// Whether `c` is a compatibility jamo (ㄱ..ㅣ), as chat writes ㅋㅋ or ㅠㅠ.
pub fn is_compatibility_jamo(c: char) -> bool {
    ('\u{3131}'..='\u{318E}').contains(&c)
}

/// Whether `c` carries words: a letter or digit, chat's jamo (ㅋ, ㅠ) aside;
/// punctuation, ~, emoticons and ㅋㅋ are decoration. Hangul syllables are
/// tested first: `char::is_alphanumeric` looks them up in a slow table, and
/// they are most of what is read.
pub fn is_letter(c: char) -> bool {
    Syllable::from_char(c).is_some() || (c.is_alphanumeric() && !is_compatibility_jamo(c))
}

/// Conjoining jamo (U+1100 block, as mecab-ko-dic writes endings such as
/// ᆯ까 or ᄇ니다) mapped to compatibility jamo; everything else unchanged.
pub fn to_compatibility_jamo(text: &str) -> String {
    text.chars()
        .map(|c| {
            let code = c as u32;
            if (L_BASE..L_BASE + L_COUNT).contains(&code) {
                LEADS[(code - L_BASE) as usize]
            } else if (V_BASE..V_BASE + V_COUNT).contains(&code) {
                VOWELS[(code - V_BASE) as usize]
            } else if (T_BASE + 1..T_BASE + T_COUNT).contains(&code) {
                FINALS[(code - T_BASE) as usize]
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn letters_are_syllables_letters_and_digits_not_chat_jamo() {
        for c in ['가', '힣', 'a', '7'] {
            assert!(is_letter(c), "{c}");
        }
        for c in ['ㅋ', 'ㅠ', '~', '!', ' ', '^'] {
            assert!(!is_letter(c), "{c}");
        }
    }

    #[test]
    fn compatibility_jamo_build_and_edit_syllables() {
        let s = Syllable::from_jamo('ㄱ', 'ㅏ', Some('ㄹ')).unwrap();
        assert_eq!(s.to_char(), Some('갈'));
        assert_eq!(s.lead_jamo(), 'ㄱ');
        assert_eq!(s.vowel_jamo(), 'ㅏ');
        assert_eq!(s.with_vowel_jamo('ㅘ').unwrap().to_char(), Some('괄'));
        assert_eq!(s.with_final_jamo(Some('ㅆ')).unwrap().to_char(), Some('갔'));
        assert_eq!(s.with_final_jamo(None).unwrap().to_char(), Some('가'));
        assert_eq!(s.with_final_jamo(Some('ㄸ')), None, "ㄸ is never a final");
        assert_eq!(Syllable::from_jamo('ㅏ', 'ㅏ', None), None);
        for c in '가'..='힣' {
            let s = Syllable::from_char(c).unwrap();
            let back = Syllable::from_jamo(s.lead_jamo(), s.vowel_jamo(), s.final_jamo()).unwrap();
            assert_eq!(back, s);
        }
        assert_eq!(to_compatibility_jamo("\u{11AF}까 \u{1107}니다 ㅕ"), "ㄹ까 ㅂ니다 ㅕ");
        assert!(is_compatibility_jamo('ㅋ') && is_compatibility_jamo('ㅠ') && !is_compatibility_jamo('가'));
    }

    #[test]
    fn every_syllable_round_trips_and_matches_nfd() {
        for code in S_BASE..S_BASE + S_COUNT {
            let c = char::from_u32(code).unwrap();
            let s = Syllable::from_char(c).unwrap();
            assert_eq!(s.to_char(), Some(c));
            let (l, v, t) = decompose(c).unwrap();
            assert_eq!(compose(l, v, t), Some(c));
            let nfd: Vec<char> = c.to_string().nfd().collect();
            let ours: Vec<char> = [Some(l), Some(v), t].into_iter().flatten().collect();
            assert_eq!(ours, nfd, "{c}");
            let nfc: String = nfd.iter().collect::<String>().nfc().collect();
            assert_eq!(nfc, c.to_string());
        }
    }

    #[test]
    fn non_syllables_are_rejected() {
        // Latin, compatibility jamo, conjoining jamo, just past either end of the block.
        for c in ['a', 'ㄱ', 'ᄀ', '\u{D7A4}', '\u{ABFF}'] {
            assert_eq!(Syllable::from_char(c), None, "{c}");
            assert_eq!(decompose(c), None, "{c}");
        }
        assert_eq!(
            compose('\u{1100}', '\u{1161}', Some('\u{11A7}')),
            None,
            "tail base is not a final"
        );
        assert_eq!(compose('a', '\u{1161}', None), None);
    }

    #[test]
    fn finals() {
        assert_eq!(Syllable::from_char('닭').unwrap().final_jamo(), Some('ㄺ'));
        assert_eq!(Syllable::from_char('나').unwrap().final_jamo(), None);
        assert!(Syllable::from_char('물').unwrap().tail == RIEUL);
        assert_eq!(
            Syllable::from_char('가').unwrap().with_final(RIEUL).to_char(),
            Some('갈')
        );
        assert_eq!(ends_in_consonant("책"), Some(true));
        assert_eq!(ends_in_consonant("사과"), Some(false));
        assert_eq!(ends_in_consonant("3"), Some(true));
        assert_eq!(ends_in_consonant("OK"), None);
        assert_eq!(ends_in_consonant(""), None);
        assert_eq!(ends_in_rieul("서울"), Some(true));
        assert_eq!(ends_in_rieul("부산"), Some(false));
    }
}
