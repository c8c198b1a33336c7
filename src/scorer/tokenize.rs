//! Tokenisation for the lexical baselines.
//!
//! Korean attaches particles and endings to the stem inside one eojeol
//! (space-separated word), so whole-word matching misses 자전거를 ~ 자전거.
//! Syllable bigrams inside each word match shared stems without a morphological
//! analyser: 자전거를 → 자전, 전거, 거를. A one-syllable word is kept whole.
//! Words are maximal runs of letters and digits after NFC; other scripts are
//! lower-cased; punctuation and symbols separate words and are dropped.

pub fn lexical_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        if chars.len() == 1 {
            terms.push(chars[0].to_string());
        } else {
            terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::lexical_terms;

    #[test]
    fn bigrams_within_words_only() {
        assert_eq!(lexical_terms("자전거를 탔어!"), vec!["자전", "전거", "거를", "탔어"]);
    }

    #[test]
    fn single_syllable_words_and_punctuation() {
        assert_eq!(lexical_terms("응, 나 OK ㅋㅋ"), vec!["응", "나", "ok", "ㅋㅋ"]);
        assert!(lexical_terms("... !!! ~").is_empty());
    }
}
