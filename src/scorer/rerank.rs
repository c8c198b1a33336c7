//! A scorer behind a rerank server: the API serving stacks share
//! (`POST /v1/rerank` with `query` and `documents`, answered with `index` and
//! `relevance_score`: vLLM, Infinity, llama.cpp's server, Cohere) or TEI's
//! (`POST /rerank` with `query` and `texts`, answered with `index` and
//! `score`).
//!
//! Invariant: each pair's score is the one the server gave its response in
//! the request that held it (matched by `index`, every index exactly once);
//! a request is retried only when the server was busy or unreachable (429,
//! 5xx, a dropped connection, a timeout), with backoff, and the run fails
//! once the retries are spent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::{Pair, ScoreError, Scorer, ScorerIdentity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RerankApi {
    /// `/v1/rerank`, `documents`, `relevance_score`.
    V1,
    /// TEI's `/rerank`, `texts`, `score`.
    Tei,
}

impl RerankApi {
    pub fn name(self) -> &'static str {
        match self {
            RerankApi::V1 => "v1",
            RerankApi::Tei => "tei",
        }
    }
}

pub struct RerankOptions {
    /// The server's base URL (`http://127.0.0.1:8000`).
    pub url: String,
    pub api: RerankApi,
    /// The `model` field of each request (vLLM and Infinity need it).
    pub model: Option<String>,
    /// Documents per request.
    pub batch: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Connect, response and read timeout of one request.
    pub timeout: Duration,
    /// Attempts per request (the first included).
    pub attempts: usize,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// What stands between a context's turns in the query ([`DEFAULT_QUERY_JOINER`]).
    pub query_joiner: String,
}

/// A line break: what a chat transcript puts between turns. A model trained on
/// turns joined by its separator token (rsbench's native cross-encoder layout)
/// is asked with `" [SEP] "` (BERT) or `" </s> "` instead.
pub const DEFAULT_QUERY_JOINER: &str = "\n";

pub struct RerankScorer {
    options: RerankOptions,
    agent: ureq::Agent,
    requests: AtomicUsize,
    retries: AtomicUsize,
}

/// One request: a context and some of its responses (indices into the pairs).
struct Job {
    query: String,
    pairs: Vec<usize>,
}

#[derive(serde::Deserialize)]
struct V1Answer {
    results: Vec<V1Result>,
}

#[derive(serde::Deserialize)]
struct V1Result {
    index: usize,
    relevance_score: f64,
}

#[derive(serde::Deserialize)]
struct TeiResult {
    index: usize,
    score: f64,
}

/// Whether trying again may help.
enum Failure {
    Retry(String),
    Fatal(String),
}

impl RerankScorer {
    pub fn new(options: RerankOptions) -> RerankScorer {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(options.timeout))
            .timeout_recv_response(Some(options.timeout))
            .timeout_per_read(Some(options.timeout))
            .build();
        RerankScorer {
            agent: ureq::Agent::new_with_config(config),
            options,
            requests: AtomicUsize::new(0),
            retries: AtomicUsize::new(0),
        }
    }

    fn endpoint(&self) -> String {
        let base = self.options.url.trim_end_matches('/');
        match self.options.api {
            RerankApi::V1 => format!("{base}/v1/rerank"),
            RerankApi::Tei => format!("{base}/rerank"),
        }
    }

    fn fail(&self, reason: String) -> ScoreError {
        ScoreError::Failed {
            scorer: format!("rerank server {}", self.endpoint()),
            reason,
        }
    }

    fn body(&self, query: &str, documents: &[&str]) -> String {
        let mut body = serde_json::Map::new();
        if let Some(m) = &self.options.model {
            body.insert("model".into(), m.clone().into());
        }
        body.insert("query".into(), query.into());
        let docs: Vec<serde_json::Value> = documents.iter().map(|d| (*d).into()).collect();
        match self.options.api {
            RerankApi::V1 => {
                body.insert("documents".into(), docs.into());
                body.insert("top_n".into(), documents.len().into());
                body.insert("return_documents".into(), false.into());
            }
            RerankApi::Tei => {
                body.insert("texts".into(), docs.into());
                body.insert("raw_scores".into(), true.into());
            }
        }
        serde_json::Value::Object(body).to_string()
    }

    /// One attempt: the documents' scores in their order.
    fn attempt(&self, body: &str, expected: usize) -> Result<Vec<f64>, Failure> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = self
            .agent
            .post(&self.endpoint())
            .header("content-type", "application/json")
            .send(body);
        let mut response = match response {
            Ok(r) => r,
            Err(ureq::Error::StatusCode(code)) if code == 429 || code >= 500 => {
                return Err(Failure::Retry(format!("answered HTTP {code}")))
            }
            Err(ureq::Error::StatusCode(code)) => return Err(Failure::Fatal(format!("answered HTTP {code}"))),
            Err(e) => return Err(Failure::Retry(e.to_string())),
        };
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| Failure::Retry(format!("the answer could not be read ({e})")))?;
        let shown = || text.chars().take(200).collect::<String>();
        let pairs: Vec<(usize, f64)> = match self.options.api {
            RerankApi::V1 => serde_json::from_str::<V1Answer>(&text)
                .map(|a| a.results.into_iter().map(|r| (r.index, r.relevance_score)).collect())
                .map_err(|e| {
                    Failure::Fatal(format!(
                        "the answer is not {{\"results\": [{{index, relevance_score}}]}} ({e}): {}",
                        shown()
                    ))
                })?,
            RerankApi::Tei => serde_json::from_str::<Vec<TeiResult>>(&text)
                .map(|a| a.into_iter().map(|r| (r.index, r.score)).collect())
                .map_err(|e| Failure::Fatal(format!("the answer is not [{{index, score}}] ({e}): {}", shown())))?,
        };
        if pairs.len() != expected {
            return Err(Failure::Fatal(format!(
                "{} scores for {expected} documents",
                pairs.len()
            )));
        }
        let mut out = vec![f64::NAN; expected];
        for (index, score) in pairs {
            match out.get_mut(index) {
                Some(slot) if slot.is_nan() => *slot = score,
                Some(_) => return Err(Failure::Fatal(format!("index {index} scored twice"))),
                None => {
                    return Err(Failure::Fatal(format!(
                        "index {index} is not one of the {expected} documents"
                    )))
                }
            }
            if !score.is_finite() {
                return Err(Failure::Fatal(format!(
                    "document {index}: the score is not a finite number"
                )));
            }
        }
        Ok(out)
    }

    fn run_job(&self, job: &Job, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let documents: Vec<&str> = job.pairs.iter().map(|&i| pairs[i].response).collect();
        let body = self.body(&job.query, &documents);
        let mut wait = self.options.backoff;
        let attempts = self.options.attempts.max(1);
        for attempt in 1..=attempts {
            match self.attempt(&body, documents.len()) {
                Ok(scores) => return Ok(scores),
                Err(Failure::Fatal(reason)) => return Err(self.fail(reason)),
                Err(Failure::Retry(reason)) if attempt == attempts => {
                    return Err(self.fail(format!("{reason}; gave up after {attempts} attempts")))
                }
                Err(Failure::Retry(_)) => {
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    std::thread::sleep(wait);
                    wait *= 2;
                }
            }
        }
        unreachable!("the last attempt returns")
    }
}

impl RerankScorer {
    /// (query, pair indices) per request: one query per distinct context, its
    /// responses `batch` at a time.
    fn requests_of(&self, pairs: &[Pair<'_>]) -> Vec<(String, Vec<usize>)> {
        let mut by_context: Vec<(&[String], Vec<usize>)> = Vec::new();
        let mut seen: HashMap<&[String], usize> = HashMap::new();
        for (i, p) in pairs.iter().enumerate() {
            let k = *seen.entry(p.context).or_insert_with(|| {
                by_context.push((p.context, Vec::new()));
                by_context.len() - 1
            });
            by_context[k].1.push(i);
        }
        by_context
            .iter()
            .flat_map(|(context, ids)| {
                let query = context.join(&self.options.query_joiner);
                ids.chunks(self.options.batch.max(1))
                    .map(move |chunk| (query.clone(), chunk.to_vec()))
            })
            .collect()
    }
}

impl Scorer for RerankScorer {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("url".into(), self.options.url.clone().into());
        params.insert("api".into(), self.options.api.name().into());
        params.insert(
            "model".into(),
            self.options.model.clone().map_or(serde_json::Value::Null, Into::into),
        );
        // The default's wording is what runs before --query-joiner recorded, so
        // their cached scores stay valid.
        let query = if self.options.query_joiner == DEFAULT_QUERY_JOINER {
            "context turns joined by a line break".to_owned()
        } else {
            format!("context turns joined by {:?}", self.options.query_joiner)
        };
        params.insert("query".into(), query.into());
        ScorerIdentity {
            kind: "rerank-server".into(),
            params,
        }
    }

    /// The requests: per distinct context, its responses `batch` at a time.
    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        Ok(Some(self.requests_of(pairs).into_iter().map(|(_, ids)| ids).collect()))
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let jobs: Vec<Job> = self
            .requests_of(pairs)
            .into_iter()
            .map(|(query, pairs)| Job { query, pairs })
            .collect();
        let next = AtomicUsize::new(0);
        let scores = Mutex::new(vec![f64::NAN; pairs.len()]);
        let first_error: Mutex<Option<ScoreError>> = Mutex::new(None);
        std::thread::scope(|s| {
            for _ in 0..self.options.concurrency.max(1).min(jobs.len().max(1)) {
                s.spawn(|| loop {
                    if first_error.lock().map(|e| e.is_some()).unwrap_or(true) {
                        return;
                    }
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(j) else { return };
                    match self.run_job(job, pairs) {
                        Ok(got) => {
                            if let Ok(mut all) = scores.lock() {
                                for (&i, s) in job.pairs.iter().zip(got) {
                                    all[i] = s;
                                }
                            }
                        }
                        Err(e) => {
                            if let Ok(mut first) = first_error.lock() {
                                first.get_or_insert(e);
                            }
                            return;
                        }
                    }
                });
            }
        });
        if let Some(e) = first_error.into_inner().ok().flatten() {
            return Err(e);
        }
        scores
            .into_inner()
            .map_err(|_| self.fail("a request thread panicked".into()))
    }

    fn stats(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "requests": self.requests.load(Ordering::Relaxed),
            "retries": self.retries.load(Ordering::Relaxed),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scorer(joiner: &str) -> RerankScorer {
        RerankScorer::new(RerankOptions {
            url: "http://127.0.0.1:9".into(),
            api: RerankApi::V1,
            model: None,
            batch: 2,
            concurrency: 1,
            timeout: Duration::from_secs(1),
            attempts: 1,
            backoff: Duration::from_millis(1),
            query_joiner: joiner.into(),
        })
    }

    #[test]
    fn the_joiner_shapes_the_query_and_keys_the_cache() {
        let context = vec!["밥 먹었어?".to_owned(), "응".to_owned()];
        let pairs: Vec<Pair<'_>> = ["뭐 먹었어?", "배고파", "좋아"]
            .iter()
            .map(|r| Pair {
                context: &context,
                response: r,
            })
            .collect();
        let plain = scorer(DEFAULT_QUERY_JOINER).requests_of(&pairs);
        assert_eq!(plain.len(), 2, "three documents, two a request");
        assert!(plain.iter().all(|(q, _)| q == "밥 먹었어?\n응"));
        let sep = scorer(" [SEP] ").requests_of(&pairs);
        assert!(sep.iter().all(|(q, _)| q == "밥 먹었어? [SEP] 응"));
        // A default run keeps the key runs had before the option existed.
        let key = |s: &RerankScorer| s.identity().params["query"].clone();
        assert_eq!(
            key(&scorer(DEFAULT_QUERY_JOINER)),
            "context turns joined by a line break"
        );
        assert_ne!(key(&scorer(" [SEP] ")), key(&scorer(DEFAULT_QUERY_JOINER)));
    }
}
