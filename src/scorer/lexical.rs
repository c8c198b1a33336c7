//! Word-overlap baselines that need no model: BM25 (response as document,
//! whole context as query) and TF-IDF cosine between context and response.
//! Both use document frequencies from a corpus given at construction: rsbench
//! passes every distinct utterance and candidate of the dataset, so the clean
//! and adversarial splits score with the same statistics.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::tokenize::lexical_terms;
use super::{Pair, ScoreError, Scorer, ScorerIdentity};

/// Document frequencies over a corpus of distinct texts.
#[derive(Debug, Clone)]
struct CorpusStats {
    documents: usize,
    average_length: f64,
    df: HashMap<String, usize>,
}

impl CorpusStats {
    fn new<'a>(corpus: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen = HashSet::new();
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut documents = 0usize;
        let mut total_terms = 0usize;
        for text in corpus {
            if !seen.insert(text) {
                continue;
            }
            let terms = lexical_terms(text);
            documents += 1;
            total_terms += terms.len();
            let unique: HashSet<String> = terms.into_iter().collect();
            for term in unique {
                *df.entry(term).or_default() += 1;
            }
        }
        CorpusStats {
            documents,
            average_length: if documents == 0 {
                0.0
            } else {
                total_terms as f64 / documents as f64
            },
            df,
        }
    }

    fn df(&self, term: &str) -> usize {
        self.df.get(term).copied().unwrap_or(0)
    }
}

fn term_counts(terms: Vec<String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for t in terms {
        *counts.entry(t).or_default() += 1;
    }
    counts
}

fn context_terms(context: &[String]) -> Vec<String> {
    context.iter().flat_map(|u| lexical_terms(u)).collect()
}

/// Okapi BM25 with Lucene's non-negative IDF, ln(1 + (N − df + ½)/(df + ½)).
/// Each distinct query term counts once.
#[derive(Debug, Clone)]
pub struct Bm25 {
    stats: CorpusStats,
    k1: f64,
    b: f64,
}

impl Bm25 {
    pub const DEFAULT_K1: f64 = 1.2;
    pub const DEFAULT_B: f64 = 0.75;

    pub fn new<'a>(corpus: impl IntoIterator<Item = &'a str>) -> Self {
        Self::with_params(corpus, Self::DEFAULT_K1, Self::DEFAULT_B)
    }

    pub fn with_params<'a>(corpus: impl IntoIterator<Item = &'a str>, k1: f64, b: f64) -> Self {
        Bm25 {
            stats: CorpusStats::new(corpus),
            k1,
            b,
        }
    }

    fn idf(&self, term: &str) -> f64 {
        let n = self.stats.documents as f64;
        let df = self.stats.df(term) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn score_one(&self, pair: &Pair<'_>) -> f64 {
        let doc_terms = lexical_terms(pair.response);
        let doc_len = doc_terms.len() as f64;
        let tf = term_counts(doc_terms);
        let avg = if self.stats.average_length > 0.0 {
            self.stats.average_length
        } else {
            1.0
        };
        let norm = self.k1 * (1.0 - self.b + self.b * doc_len / avg);
        let query: HashSet<String> = context_terms(pair.context).into_iter().collect();
        let mut query: Vec<String> = query.into_iter().collect();
        // Summation order fixed so scores are bit-identical run to run.
        query.sort_unstable();
        query
            .iter()
            .filter_map(|term| tf.get(term).map(|&f| (term, f as f64)))
            .map(|(term, f)| self.idf(term) * f * (self.k1 + 1.0) / (f + norm))
            .sum()
    }
}

impl Scorer for Bm25 {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("k1".into(), self.k1.into());
        params.insert("b".into(), self.b.into());
        params.insert("terms".into(), "syllable-bigrams".into());
        params.insert("corpus_documents".into(), self.stats.documents.into());
        ScorerIdentity {
            kind: "bm25".into(),
            params,
        }
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Ok(pairs.par_iter().map(|p| self.score_one(p)).collect())
    }
}

/// Cosine similarity of TF-IDF vectors, with scikit-learn's smoothed IDF
/// ln((1 + N)/(1 + df)) + 1 and raw term counts.
#[derive(Debug, Clone)]
pub struct TfIdfCosine {
    stats: CorpusStats,
}

impl TfIdfCosine {
    pub fn new<'a>(corpus: impl IntoIterator<Item = &'a str>) -> Self {
        TfIdfCosine {
            stats: CorpusStats::new(corpus),
        }
    }

    fn idf(&self, term: &str) -> f64 {
        let n = self.stats.documents as f64;
        ((1.0 + n) / (1.0 + self.stats.df(term) as f64)).ln() + 1.0
    }

    fn vector(&self, terms: Vec<String>) -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = term_counts(terms)
            .into_iter()
            .map(|(t, c)| {
                let w = c as f64 * self.idf(&t);
                (t, w)
            })
            .collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn score_one(&self, pair: &Pair<'_>) -> f64 {
        let c = self.vector(context_terms(pair.context));
        let r = self.vector(lexical_terms(pair.response));
        let norm = |v: &[(String, f64)]| v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        let (nc, nr) = (norm(&c), norm(&r));
        if nc == 0.0 || nr == 0.0 {
            return 0.0;
        }
        let lookup: HashMap<&str, f64> = c.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        let dot: f64 = r
            .iter()
            .filter_map(|(t, w)| lookup.get(t.as_str()).map(|cw| cw * w))
            .sum();
        dot / (nc * nr)
    }
}

impl Scorer for TfIdfCosine {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("terms".into(), "syllable-bigrams".into());
        params.insert("idf".into(), "ln((1+N)/(1+df))+1".into());
        params.insert("corpus_documents".into(), self.stats.documents.into());
        ScorerIdentity {
            kind: "tfidf".into(),
            params,
        }
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Ok(pairs.par_iter().map(|p| self.score_one(p)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(u: &[&str]) -> Vec<String> {
        u.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bm25_prefers_overlap_and_is_zero_without_it() {
        let corpus = ["한강에서 자전거 탔어", "김치찌개 먹었어", "축하해"];
        let bm25 = Bm25::new(corpus);
        let c = ctx(&["한강에서 자전거 탔어"]);
        let s = bm25
            .score(&[
                Pair {
                    context: &c,
                    response: "자전거 재밌었겠다",
                },
                Pair {
                    context: &c,
                    response: "축하해",
                },
            ])
            .unwrap();
        assert!(s[0] > 0.0);
        assert_eq!(s[1], 0.0);
    }

    #[test]
    fn tfidf_cosine_of_identical_text_is_one() {
        let t = TfIdfCosine::new(["가나다 라마", "바사"]);
        let c = ctx(&["가나다 라마"]);
        let s = t
            .score(&[Pair {
                context: &c,
                response: "가나다 라마",
            }])
            .unwrap();
        assert!((s[0] - 1.0).abs() < 1e-12);
    }
}
