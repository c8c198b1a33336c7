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
//! once the retries are spent. Each attempt has one deadline
//! (`--scorer-timeout`) from connecting to the last byte of the answer.
//! Credentials (the URL's userinfo, secret-looking query values,
//! `--scorer-header` values) are sent but never written: metadata, the cache
//! key and every message show the URL redacted.

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

impl std::str::FromStr for RerankApi {
    type Err = String;

    /// An API by its name (`eval --rerank-api`).
    fn from_str(s: &str) -> Result<RerankApi, String> {
        crate::suggest::parse_named("rerank API", s, &RerankApi::ALL, RerankApi::name)
    }
}

impl RerankApi {
    pub const ALL: [RerankApi; 2] = [RerankApi::V1, RerankApi::Tei];

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
    /// Sent with every request and never recorded (`--scorer-header`, see [`parse_header`]).
    pub headers: Vec<(String, String)>,
}

/// A line break: what a chat transcript puts between turns. A model trained on
/// turns joined by its separator token (rsbench's native cross-encoder layout)
/// is asked with `" [SEP] "` (BERT) or `" </s> "` instead.
pub const DEFAULT_QUERY_JOINER: &str = "\n";

pub struct RerankScorer {
    options: RerankOptions,
    /// Where requests go: the endpoint, its userinfo taken out.
    endpoint: url::Url,
    /// The base URL as metadata and the cache key show it (credentials redacted).
    shown_url: String,
    /// The endpoint as messages show it (credentials redacted).
    shown_endpoint: String,
    /// Every request's extra headers: `--scorer-header`s, and Basic
    /// authorization from the URL's userinfo.
    headers: Vec<(String, String)>,
    /// What no message may show: passwords, header values, secret query values.
    secrets: Vec<String>,
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
    pub fn new(options: RerankOptions) -> Result<RerankScorer, ScoreError> {
        let fail = |reason: String| ScoreError::Failed {
            scorer: format!("rerank server {}", redact_text(&options.url)),
            reason,
        };
        let base = url::Url::parse(&options.url).map_err(|e| fail(format!("not a URL ({e})")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() || base.host().is_none() {
            return Err(fail(
                "--scorer-url must be an http:// or https:// URL with a host".into(),
            ));
        }
        let mut headers = options.headers.clone();
        let mut secrets: Vec<String> = options.headers.iter().map(|(_, v)| v.clone()).collect();
        let (user, password) = (base.username(), base.password().unwrap_or(""));
        if !user.is_empty() || !password.is_empty() {
            let (u, p) = (percent_decode(user), percent_decode(password));
            secrets.extend([user.to_owned(), password.to_owned(), u.clone(), p.clone()]);
            if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")) {
                let basic = format!("Basic {}", base64(format!("{u}:{p}").as_bytes()));
                secrets.push(basic.clone());
                headers.push(("Authorization".into(), basic));
            }
        }
        secrets.extend(secret_query_values(&base));
        secrets.retain(|s| !s.is_empty());
        // Longest first, so a secret containing another is hidden whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut endpoint = base.clone();
        let path = endpoint.path().trim_end_matches('/').to_owned();
        endpoint.set_path(&format!(
            "{path}{}",
            match options.api {
                RerankApi::V1 => "/v1/rerank",
                RerankApi::Tei => "/rerank",
            }
        ));
        // Both succeed on an http(s) URL with a host.
        let _ = endpoint.set_username("");
        let _ = endpoint.set_password(None);
        endpoint.set_fragment(None);
        let shown_url = if redact_url(&base) == base.as_str() {
            // Nothing secret: the URL as given, the key runs before redaction used.
            options.url.clone()
        } else {
            redact_url(&base)
        };
        let shown_endpoint = redact_url(&endpoint);
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .timeout_connect(Some(options.timeout))
            .timeout_recv_response(Some(options.timeout))
            .timeout_per_read(Some(options.timeout))
            .build();
        Ok(RerankScorer {
            agent: ureq::Agent::new_with_config(config),
            endpoint,
            shown_url,
            shown_endpoint,
            headers,
            secrets,
            options,
            requests: AtomicUsize::new(0),
            retries: AtomicUsize::new(0),
        })
    }

    /// `text` with every secret replaced by `***`.
    fn scrub(&self, text: String) -> String {
        self.secrets.iter().fold(text, |t, s| t.replace(s.as_str(), "***"))
    }

    fn fail(&self, reason: String) -> ScoreError {
        ScoreError::Failed {
            scorer: format!("rerank server {}", self.shown_endpoint),
            reason: self.scrub(reason),
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
        let mut request = self
            .agent
            .post(self.endpoint.as_str())
            .header("content-type", "application/json");
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let late = || {
            format!(
                "no whole answer within {} s (--scorer-timeout)",
                self.options.timeout.as_secs_f64()
            )
        };
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(ureq::Error::StatusCode(code)) if code == 429 || code >= 500 => {
                return Err(Failure::Retry(format!("answered HTTP {code}")))
            }
            Err(ureq::Error::StatusCode(code)) => return Err(Failure::Fatal(format!("answered HTTP {code}"))),
            Err(ureq::Error::Timeout(_)) => return Err(Failure::Retry(late())),
            Err(e) => return Err(Failure::Retry(e.to_string())),
        };
        let text = response.body_mut().read_to_string().map_err(|e| match e {
            ureq::Error::Timeout(_) => Failure::Retry(late()),
            e => Failure::Retry(format!("the answer could not be read ({e})")),
        })?;
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
        params.insert("url".into(), self.shown_url.clone().into());
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
        // Documents per request: a server that pads its batches gives a pair
        // other last bits in another batch.
        params.insert("batch".into(), self.options.batch.max(1).into());
        // Names only: values are credentials. Absent when none, as before the option.
        if !self.options.headers.is_empty() {
            let names: Vec<serde_json::Value> = self.options.headers.iter().map(|(n, _)| n.clone().into()).collect();
            params.insert("headers".into(), names.into());
        }
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

/// Whether a query parameter's name says its value is a credential.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["key", "token", "secret", "pass", "auth", "sig", "credential"]
        .iter()
        .any(|w| n.contains(w))
}

/// The values of `url`'s secret-looking query parameters, as they appear in it.
fn secret_query_values(url: &url::Url) -> Vec<String> {
    url.query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, v)| secret_name(k) && !v.is_empty())
        .map(|(_, v)| v.to_owned())
        .collect()
}

/// `url` as rsbench writes it: userinfo as `***`, secret-looking query values
/// (`api_key`, `token`, …) as `***`.
pub fn redact_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = shown.set_username("***");
        let _ = shown.set_password(None);
    }
    if let Some(q) = url.query() {
        let parts: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if secret_name(k) && !v.is_empty() => format!("{k}=***"),
                _ => kv.to_owned(),
            })
            .collect();
        shown.set_query(Some(&parts.join("&")));
    }
    shown.to_string()
}

/// A URL string that may not parse, its userinfo hidden, for an error message.
fn redact_text(text: &str) -> String {
    if let Ok(u) = url::Url::parse(text) {
        return redact_url(&u);
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding (HTTP Basic authorization).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `--scorer-header 'Name: value'`: the value's `$VAR` and `${VAR}` are read
/// from the environment (`lookup`), `$$` is a `$`. An unset variable, a name
/// that is not an HTTP token or a value with a line break is an error; the
/// error never shows the value.
pub fn parse_header(spec: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<(String, String), String> {
    let (name, raw) = spec
        .split_once(':')
        .ok_or_else(|| "expected `Name: value`, e.g. 'Authorization: Bearer $TOKEN'".to_owned())?;
    let name = name.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(format!("`{name}` is not a header name"));
    }
    let raw = raw.trim();
    let mut value = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        value.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (var, tail) = if let Some(t) = after.strip_prefix('$') {
            value.push('$');
            rest = t;
            continue;
        } else if let Some(braced) = after.strip_prefix('{') {
            let end = braced
                .find('}')
                .ok_or_else(|| format!("{name}: `${{` without its `}}`"))?;
            (&braced[..end], &braced[end + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if var.is_empty() {
            return Err(format!(
                "{name}: a `$` names no variable (write `$$` for a dollar sign)"
            ));
        }
        let got = lookup(var).ok_or_else(|| format!("{name}: the environment variable {var} is not set"))?;
        value.push_str(&got);
        rest = tail;
    }
    value.push_str(rest);
    if value.contains(['\r', '\n']) || value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("{name}: the value has a line break or control character"));
    }
    Ok((name.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scorer(joiner: &str) -> RerankScorer {
        RerankScorer::new(RerankOptions {
            query_joiner: joiner.into(),
            ..super::credential_tests::options("http://127.0.0.1:9", Vec::new())
        })
        .unwrap()
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

#[cfg(test)]
mod credential_tests {
    use super::*;

    pub(super) fn options(url: &str, headers: Vec<(String, String)>) -> RerankOptions {
        RerankOptions {
            url: url.into(),
            api: RerankApi::V1,
            model: None,
            batch: 2,
            concurrency: 1,
            timeout: Duration::from_secs(1),
            attempts: 1,
            backoff: Duration::from_millis(1),
            query_joiner: DEFAULT_QUERY_JOINER.into(),
            headers,
        }
    }

    #[test]
    fn urls_keep_their_query_and_lose_their_credentials() {
        let s = RerankScorer::new(options("http://127.0.0.1:9/?api_key=K1", vec![])).unwrap();
        assert_eq!(s.endpoint.as_str(), "http://127.0.0.1:9/v1/rerank?api_key=K1");
        assert_eq!(s.shown_url, "http://127.0.0.1:9/?api_key=***");
        let s = RerankScorer::new(options("https://u:p%40ss@h.example/base/", vec![])).unwrap();
        assert_eq!(s.endpoint.as_str(), "https://h.example/base/v1/rerank");
        assert_eq!(s.shown_url, "https://***@h.example/base/");
        assert_eq!(
            s.headers,
            vec![("Authorization".to_owned(), format!("Basic {}", base64(b"u:p@ss")))]
        );
        // Same server, other password: same key.
        let other = RerankScorer::new(options("https://u:other@h.example/base/", vec![])).unwrap();
        assert_eq!(s.identity(), other.identity());
        // A plain URL keeps the exact key it had.
        let plain = RerankScorer::new(options("http://127.0.0.1:8000", vec![])).unwrap();
        assert_eq!(plain.identity().params["url"], "http://127.0.0.1:8000");
        let err = RerankScorer::new(options("ftp://u:pw@h/", vec![]))
            .err()
            .unwrap()
            .to_string();
        assert!(!err.contains("pw"), "{err}");
        assert_eq!(redact_text("http://u:pw@bad host/x"), "http://***@bad host/x");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn header_values_come_from_the_environment() {
        let env = |v: &str| (v == "TOKEN").then(|| "s3cret".to_owned());
        assert_eq!(
            parse_header("Authorization: Bearer $TOKEN", env).unwrap(),
            ("Authorization".to_owned(), "Bearer s3cret".to_owned())
        );
        assert_eq!(parse_header("X-Key: ${TOKEN}x $$5", env).unwrap().1, "s3cretx $5");
        let err = parse_header("X-Key: $NOPE", env).unwrap_err();
        assert!(err.contains("NOPE is not set"), "{err}");
        assert!(parse_header("no colon", env).is_err());
        assert!(parse_header("Bad Name: v", env).is_err());
    }
}
