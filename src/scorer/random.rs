use sha2::{Digest, Sha256};

use super::{Pair, ScoreError, Scorer, ScorerIdentity};

/// The chance reference: a uniform score in [0, 1) that depends only on the
/// seed and the pair's text, so batching, order and threads never change it.
#[derive(Debug, Clone)]
pub struct RandomScorer {
    seed: u64,
}

impl RandomScorer {
    pub fn new(seed: u64) -> Self {
        RandomScorer { seed }
    }

    fn score_one(&self, pair: &Pair<'_>) -> f64 {
        let mut h = Sha256::new();
        h.update(self.seed.to_le_bytes());
        for utterance in pair.context {
            h.update((utterance.len() as u64).to_le_bytes());
            h.update(utterance.as_bytes());
        }
        h.update([0xff]);
        h.update(pair.response.as_bytes());
        let digest = h.finalize();
        let mut top = [0u8; 8];
        top.copy_from_slice(&digest[..8]);
        // 53 random bits: every value is an exact f64 in [0, 1).
        (u64::from_le_bytes(top) >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Scorer for RandomScorer {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("seed".into(), self.seed.into());
        ScorerIdentity {
            kind: "random".into(),
            params,
        }
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Ok(pairs.iter().map(|p| self.score_one(p)).collect())
    }
}
