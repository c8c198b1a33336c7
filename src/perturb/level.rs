//! Speech levels as data: the level of a line (반말, 해요체, 합쇼체) and a
//! value written once per level, as the rule files give the words a
//! strategy adds of its own. Plain types with no analysis behind them, so
//! the rule files can be parsed without the register reading
//! ([`super::register`]) that uses them.

/// The speech level of a line, as its final ending shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 반말 (해체, 해라체).
    Banmal,
    /// 해요체.
    Haeyo,
    /// 합쇼체.
    Hapsyo,
}

impl Level {
    /// The level's id in rule names (`topic/pets/haeyo`), as the endings of
    /// `perturbations/tense_negation.toml` name their levels.
    pub fn id(self) -> &'static str {
        match self {
            Level::Banmal => "hae",
            Level::Haeyo => "haeyo",
            Level::Hapsyo => "hapsyo",
        }
    }
}

/// One text (or list) written once per speech level, as the rule files give
/// words a strategy adds of its own.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct InLevels<T> {
    pub banmal: T,
    pub haeyo: T,
    pub hapsyo: T,
}

impl<T> InLevels<T> {
    pub fn get(&self, level: Level) -> &T {
        match level {
            Level::Banmal => &self.banmal,
            Level::Haeyo => &self.haeyo,
            Level::Hapsyo => &self.hapsyo,
        }
    }

    /// Every level's entry, 반말 first.
    pub fn all(&self) -> [&T; 3] {
        [&self.banmal, &self.haeyo, &self.hapsyo]
    }
}
