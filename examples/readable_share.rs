//! The share of a split's negatives that rsbench's analyser (vibrato over
//! mecab-ko-dic) reads cleanly, per file, with the positives as a baseline
//! (issue 27: can a generated negative still be told from a hand-written one
//! by its form alone?).
//!
//! ```sh
//! cargo run --example readable_share -- DIR [--show N]
//! ```
//!
//! `DIR` holds KorAdvMRS-format JSONL files (`{"context", "candidates":
//! [{"text", "label"}, …]}`, the positive first): KorAdvMRS itself or the
//! output of `rsbench perturb`. Every `candidates[1..]` with label 0 is a
//! negative; `candidates[0]` is the positive. `--show N` prints up to N
//! unreadable negatives per file with their reasons.
//!
//! A text is **readable** when none of its tokens (the analyser's best path)
//! is one of these; a text with several counts once under each reason:
//!
//! - `unknown`: a token the dictionary does not know. mecab-ko-dic marks an
//!   unknown run of Hangul with the part of speech `UNKNOWN` (its `unk.def`;
//!   unknown runs of other scripts get `SL`, `SH`, `SN` or `SY`, ordinary
//!   foreign words, numbers and symbols). `쉙`, `걍`, `왤케` and the `욬` of
//!   `갔어욬` are unknown. An unknown run made only of jamo falls under
//!   `jamo` instead.
//! - `jamo`: a token written only in jamo (ㄱ…ㅎ, ㅏ…ㅣ), whatever its tag
//!   (`ㅁㄴㅇㄹ` → `ㅁ/NNG ㄴ/NNG ㅇㄹ/UNKNOWN`; the `ㄹ` of `ㄹㅇ` →
//!   `ㄹ/JKO ㅇ/UNKNOWN`), except chat jamo: a run of ㅋ ㅎ ㅠ ㅜ ㅡ ㄷ ㅇ only (laughter
//!   `ㅋㅋ`, `ㅎㅎ`, crying `ㅠㅠ`, `ㅡㅡ`, `ㄷㄷ`, `ㅇㅇ` for yes), which is
//!   how chat is written, not a broken syllable.
//! - `stemless`: a word (after a space, at the start, or right after a
//!   symbol token such as `,`) whose first token begins with a pre-final or
//!   final ending (`EP`, `EF`): `었어` → `었/EP 어/EC`, a tense or sentence
//!   ending with no predicate before it.
//! - `symbol-inside`: a symbol token (`SY`) with a Hangul syllable directly
//!   before and after it (`가~다`): a word broken by a symbol. One at a
//!   word's edge (`좋아^^`) is not.
//!
//! **Strict** readability also counts the chat jamo (as `chat-jamo`): the
//! column to read when chat writing itself is taken as a mark of form.
//!
//! Left out on purpose: a word beginning with a connective ending (`EC`), a
//! derivational suffix (`XS*`) or the copula (`VCP`). Every such word looked
//! at on KorAdvMRS and the generated splits was mecab-ko-dic misreading sound
//! text (`김밥 한 줄` → `한/XSA+ETM`, `성과급` → `성/XSN …`, `오 나 오늘` →
//! `나/EC`, `라면` → `라면/VCP+EC`, `숙제 했어` → `했/XSV+EP`, `치과 하니까`
//! → `하/XSV`); they are in 71 of KorAdvMRS's 2,220 positives and in 127 of
//! the 270 generated keyword-stuffing segues, so they measure the analyser,
//! not the text.
//!
//! What readability does not see: real words in no sentence order (a word
//! salad whose words are all in the dictionary reads cleanly), and words
//! that mecab-ko-dic covers with a guess from its own entries (`아닝` and
//! `존잼` come out as person names, `NNP/인명`). It is a lower bar than
//! fluency.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rsbench::perturb::analyser::{dictionary_dir, Analyser, Token, Worker};

#[derive(Default)]
struct Tally {
    texts: usize,
    readable: usize,
    readable_strict: usize,
    /// Texts per reason kind (`unknown`, `jamo`, …).
    kinds: HashMap<&'static str, usize>,
    /// Texts per reason with its surface (`jamo ㅇㅇ`).
    reasons: HashMap<String, usize>,
    examples: Vec<(String, Vec<String>)>,
}

impl Tally {
    fn add(&mut self, text: &str, worker: &mut Worker<'_>, show: usize) {
        let found = reasons(text, &worker.analyse(text));
        self.texts += 1;
        let broken: Vec<&(&'static str, String)> = found.iter().filter(|(k, _)| *k != "chat-jamo").collect();
        if broken.is_empty() {
            self.readable += 1;
        }
        if found.is_empty() {
            self.readable_strict += 1;
        }
        let mut kinds: Vec<&'static str> = found.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            *self.kinds.entry(k).or_default() += 1;
        }
        let mut labels: Vec<String> = broken.iter().map(|(k, s)| format!("{k} {s}")).collect();
        labels.sort();
        labels.dedup();
        for l in &labels {
            *self.reasons.entry(l.clone()).or_default() += 1;
        }
        if !labels.is_empty() && self.examples.len() < show {
            self.examples.push((text.to_owned(), labels));
        }
    }

    fn line(&self, what: &str) -> String {
        let pct = |n: usize| 100.0 * n as f64 / self.texts.max(1) as f64;
        let mut kinds: Vec<_> = self.kinds.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut top: Vec<_> = self.reasons.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = top.iter().take(5).map(|(r, n)| format!("{r} ({n})")).collect();
        format!(
            "  {what:<9} {:>5}  readable {:5.1} %  strict {:5.1} %  [{}]  top: {}",
            self.texts,
            pct(self.readable),
            pct(self.readable_strict),
            kinds.join(", "),
            if top.is_empty() { "-".to_owned() } else { top.join("; ") }
        )
    }
}

fn is_jamo(c: char) -> bool {
    // Compatibility jamo (ㄱ…ㅣ) and conjoining jamo (ᄀ…ᇿ).
    ('\u{3131}'..='\u{318E}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Chat jamo: laughter, crying, `ㅡㅡ`, `ㄷㄷ`, `ㅇㅇ`.
fn is_chat_jamo(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| matches!(c, 'ㅋ' | 'ㅎ' | 'ㅠ' | 'ㅜ' | 'ㅡ' | 'ㄷ' | 'ㅇ'))
}

/// The reasons `tokens` (the analysis of `text`) are not read cleanly, as
/// (kind, surface); `chat-jamo` counts only for strict readability.
fn reasons(text: &str, tokens: &[Token]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let surface = t.surface.as_str();
        if surface.chars().all(is_jamo) {
            if is_chat_jamo(surface) {
                out.push(("chat-jamo", surface.to_owned()));
            } else {
                out.push(("jamo", surface.to_owned()));
            }
            continue;
        }
        if t.tag == "UNKNOWN" {
            out.push(("unknown", surface.to_owned()));
            continue;
        }
        let before = text[..t.start].chars().next_back();
        let after = text[t.end..].chars().next();
        let word_start = match before {
            None => true,
            Some(c) if c.is_whitespace() => true,
            _ => i > 0 && tokens[i - 1].end == t.start && tokens[i - 1].tag.starts_with('S'),
        };
        let first = t.morphemes.first().map(|(_, tag)| tag.as_str()).unwrap_or(&t.tag);
        if word_start && (first == "EP" || first == "EF") {
            out.push(("stemless", format!("{surface}/{}", t.tag)));
        }
        if t.tag == "SY" && before.is_some_and(is_syllable) && after.is_some_and(is_syllable) {
            out.push(("symbol-inside", surface.to_owned()));
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut show = 0usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--show" => show = args.next().ok_or("--show needs a number")?.parse()?,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}").into()),
        }
    }
    let dir = dir.ok_or("usage: readable_share DIR [--show N]")?;
    let analyser = Analyser::load(&dictionary_dir())?;
    let mut worker = analyser.worker();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut all_neg = Tally::default();
    let mut all_pos = Tally::default();
    let mut per_file = BTreeMap::new();
    for file in &files {
        let (neg, pos) = tally(file, &mut worker, show, &mut all_neg, &mut all_pos)?;
        per_file.insert(file.file_stem().unwrap().to_string_lossy().into_owned(), (neg, pos));
    }
    println!(
        "{} (readable: no unknown, jamo, stemless or symbol-inside token; strict: chat jamo count too)",
        dir.display()
    );
    for (name, (neg, pos)) in &per_file {
        println!("{name}");
        println!("{}", neg.line("negatives"));
        println!("{}", pos.line("positives"));
        for (text, why) in &neg.examples {
            println!("    {text}\t{}", why.join("; "));
        }
    }
    println!("all files");
    println!("{}", all_neg.line("negatives"));
    println!("{}", all_pos.line("positives"));
    Ok(())
}

fn tally(
    file: &Path,
    worker: &mut Worker<'_>,
    show: usize,
    all_neg: &mut Tally,
    all_pos: &mut Tally,
) -> Result<(Tally, Tally), Box<dyn std::error::Error>> {
    let mut neg = Tally::default();
    let mut pos = Tally::default();
    for (n, line) in std::fs::read_to_string(file)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", file.display(), n + 1))?;
        let candidates = case["candidates"]
            .as_array()
            .ok_or_else(|| format!("{}:{}: no candidates", file.display(), n + 1))?;
        for (i, c) in candidates.iter().enumerate() {
            let text = c["text"].as_str().unwrap_or_default();
            match (i, c["label"].as_i64()) {
                (0, _) => {
                    pos.add(text, worker, 0);
                    all_pos.add(text, worker, 0);
                }
                (_, Some(0)) => {
                    neg.add(text, worker, show);
                    all_neg.add(text, worker, 0);
                }
                _ => {}
            }
        }
    }
    Ok((neg, pos))
}
