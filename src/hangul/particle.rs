//! Particle allomorphs chosen by the preceding word's final sound.

use super::{ends_in_consonant, ends_in_rieul};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Particle {
    /// 이 / 가 (subject)
    IGa,
    /// 은 / 는 (topic)
    EunNeun,
    /// 을 / 를 (object)
    EulReul,
    /// 과 / 와 (and, with)
    GwaWa,
    /// 으로 / 로 (direction, means); ㄹ-final words take 로
    EuroRo,
    /// 이야 / 야 (copula, intimate)
    IyaYa,
    /// 이에요 / 예요 (copula, polite)
    IeyoYeyo,
    /// 이랑 / 랑 (and, with; spoken)
    IrangRang,
    /// 이나 / 나 (or, as much as)
    InaNa,
    /// 이라도 / 라도 (even, at least)
    IradoRado,
}

impl Particle {
    /// (after a consonant, after a vowel)
    fn forms(self) -> (&'static str, &'static str) {
        match self {
            Particle::IGa => ("이", "가"),
            Particle::EunNeun => ("은", "는"),
            Particle::EulReul => ("을", "를"),
            Particle::GwaWa => ("과", "와"),
            Particle::EuroRo => ("으로", "로"),
            Particle::IyaYa => ("이야", "야"),
            Particle::IeyoYeyo => ("이에요", "예요"),
            Particle::IrangRang => ("이랑", "랑"),
            Particle::InaNa => ("이나", "나"),
            Particle::IradoRado => ("이라도", "라도"),
        }
    }

    /// Every particle, for tests and for [`Particle::of_form`].
    pub const ALL: [Particle; 10] = [
        Particle::IGa,
        Particle::EunNeun,
        Particle::EulReul,
        Particle::GwaWa,
        Particle::EuroRo,
        Particle::IyaYa,
        Particle::IeyoYeyo,
        Particle::IrangRang,
        Particle::InaNa,
        Particle::IradoRado,
    ];

    /// The particle one of whose forms `form` is (를 → 을/를); `None` for a
    /// particle with one form (도, 에, 한테) or none at all.
    pub fn of_form(form: &str) -> Option<Particle> {
        Particle::ALL.into_iter().find(|p| {
            let (a, b) = p.forms();
            form == a || form == b
        })
    }
}

/// `word` followed by the right form of `particle`. When the final sound
/// cannot be told (Latin letters, symbols), both forms are written as Korean
/// style guides do: 이(가), 을(를), (으)로.
pub fn attach(word: &str, particle: Particle) -> String {
    let (after_consonant, after_vowel) = particle.forms();
    let form = match (particle, ends_in_consonant(word), ends_in_rieul(word)) {
        (Particle::EuroRo, Some(true), Some(true)) => after_vowel.to_owned(),
        (_, Some(true), _) => after_consonant.to_owned(),
        (_, Some(false), _) => after_vowel.to_owned(),
        (Particle::EuroRo, None, _) => "(으)로".to_owned(),
        (_, None, _) => format!("{after_consonant}({after_vowel})"),
    };
    format!("{word}{form}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allomorphs_in_real_phrases() {
        assert_eq!(attach("친구", Particle::IGa), "친구가");
        assert_eq!(attach("동생", Particle::IGa), "동생이");
        assert_eq!(attach("날씨", Particle::EunNeun), "날씨는");
        assert_eq!(attach("오늘", Particle::EunNeun), "오늘은");
        assert_eq!(attach("김치찌개", Particle::EulReul), "김치찌개를");
        assert_eq!(attach("자전거", Particle::EulReul), "자전거를");
        assert_eq!(attach("면접", Particle::EulReul), "면접을");
        assert_eq!(attach("동생", Particle::GwaWa), "동생과");
        assert_eq!(attach("친구", Particle::GwaWa), "친구와");
        assert_eq!(attach("제주도", Particle::EuroRo), "제주도로");
        assert_eq!(attach("회사 근처", Particle::EuroRo), "회사 근처로");
        assert_eq!(attach("서울", Particle::EuroRo), "서울로");
        assert_eq!(attach("부산", Particle::EuroRo), "부산으로");
        assert_eq!(attach("강아지", Particle::IyaYa), "강아지야");
        assert_eq!(attach("주말", Particle::IyaYa), "주말이야");
        assert_eq!(attach("학생", Particle::IeyoYeyo), "학생이에요");
        assert_eq!(attach("의사", Particle::IeyoYeyo), "의사예요");
        assert_eq!(attach("떡볶이", Particle::IrangRang), "떡볶이랑");
        assert_eq!(attach("삼겹살", Particle::IrangRang), "삼겹살이랑");
        assert_eq!(attach("커피", Particle::InaNa), "커피나");
        assert_eq!(attach("맥주", Particle::IradoRado), "맥주라도");
        assert_eq!(attach("냉면", Particle::IradoRado), "냉면이라도");
        assert_eq!(Particle::of_form("를"), Some(Particle::EulReul));
        assert_eq!(Particle::of_form("이랑"), Some(Particle::IrangRang));
        assert_eq!(Particle::of_form("도"), None);
        assert_eq!(attach("3", Particle::EunNeun), "3은");
        assert_eq!(attach("2", Particle::EunNeun), "2는");
        assert_eq!(attach("7", Particle::EuroRo), "7로");
        assert_eq!(attach("6", Particle::EuroRo), "6으로");
        assert_eq!(attach("Zoom", Particle::IGa), "Zoom이(가)");
        assert_eq!(attach("Zoom", Particle::EuroRo), "Zoom(으)로");
    }
}
