//! Writing `perturb`'s output, staged and moved into place by
//! [`crate::output`] (whole or nothing; `--overwrite` replaces only a
//! perturbation output): KorAdvMRS records, one file for all types or one
//! `<type>.jsonl` per type; or, as training data, the Ubuntu/Douban TSV layout
//! (`<type>.tsv`, one positive then its negatives, with the negatives'
//! provenance line for line in `<type>.tsv.provenance`) or JSON lines of
//! labelled pairs (`<type>.pairs.jsonl`, or one `.jsonl` file).

use std::path::{Path, PathBuf};

use super::strategy::{OutputCase, PerturbType};
use super::PerturbError;
use crate::data::{Provenance, Record};
use crate::output::{OutputKind, Pending, Shape, Target};

/// What `perturb --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// KorAdvMRS records: a positive and one negative per case, for `eval`.
    #[default]
    Jsonl,
    /// `label \t turn1 \t … \t turnN \t response`: each dialogue's positive,
    /// then its negatives (what BERT-FP- and UMS-style training code reads).
    Tsv,
    /// `{"context", "response", "label", "provenance"}` per line, the positive first.
    Pairs,
}

/// One line of `--format pairs`.
#[derive(serde::Serialize, serde::Deserialize)]
struct PairLine {
    context: Vec<String>,
    response: String,
    label: u8,
    /// None for the positive.
    provenance: Option<Provenance>,
}

/// One dialogue of an output: context, positive, the negatives with their provenance.
type DialogueGroup<'a> = (&'a [String], &'a str, Vec<(&'a str, &'a Provenance)>);

/// The output's records grouped by dialogue, in order.
fn by_dialogue(cases: &[OutputCase]) -> Vec<DialogueGroup<'_>> {
    let mut groups: Vec<DialogueGroup<'_>> = Vec::new();
    let mut last: Option<&str> = None;
    for c in cases {
        let Some([positive, negative]) = c.candidates.as_deref() else {
            continue;
        };
        let Some(p) = negative.provenance.as_ref() else {
            continue;
        };
        match groups.last_mut() {
            Some(g) if last == Some(p.source_case.as_str()) => g.2.push((negative.text.as_str(), p)),
            _ => groups.push((&c.context, positive.text.as_str(), vec![(negative.text.as_str(), p)])),
        }
        last = Some(p.source_case.as_str());
    }
    groups
}

/// A field of the TSV: its layout has no escapes, so a tab or line break
/// inside a text becomes a space.
fn tsv_field(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The TSV and its provenance file (one JSON value per TSV line: `null` for a positive).
fn to_tsv(cases: &[OutputCase]) -> (String, String) {
    let (mut tsv, mut provenance) = (String::new(), String::new());
    for (context, positive, negatives) in by_dialogue(cases) {
        let turns: Vec<String> = context.iter().map(|t| tsv_field(t)).collect();
        let turns = turns.join("\t");
        tsv.push_str(&format!("1\t{turns}\t{}\n", tsv_field(positive)));
        provenance.push_str("null\n");
        for (text, p) in negatives {
            tsv.push_str(&format!("0\t{turns}\t{}\n", tsv_field(text)));
            provenance.push_str(&serde_json::to_string(p).unwrap_or_default());
            provenance.push('\n');
        }
    }
    (tsv, provenance)
}

fn to_pairs(cases: &[OutputCase]) -> String {
    let mut s = String::new();
    for (context, positive, negatives) in by_dialogue(cases) {
        let lines = std::iter::once((positive, None))
            .chain(negatives.into_iter().map(|(t, p)| (t, Some(p.clone()))))
            .map(|(response, provenance)| PairLine {
                context: context.to_vec(),
                response: response.to_owned(),
                label: u8::from(provenance.is_some()) ^ 1,
                provenance,
            });
        for line in lines {
            s.push_str(&serde_json::to_string(&line).unwrap_or_default());
            s.push('\n');
        }
    }
    s
}

fn to_jsonl(cases: &[OutputCase]) -> String {
    let mut s = String::new();
    for c in cases {
        // Serialising plain strings and numbers cannot fail.
        s.push_str(&serde_json::to_string(c).unwrap_or_default());
        s.push('\n');
    }
    s
}

/// Whether `path` names one JSONL file (all types) rather than a directory
/// with one file per type.
fn is_single_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// A file's first non-blank line ("" for none).
fn first_line(path: &Path) -> Result<String, String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| format!("it cannot be read ({e})"))?;
    Ok(std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default())
}

/// A file `perturb` wrote: its first case has a negative with a provenance
/// rule (KorAdvMRS's own files have none).
fn recognise_output_file(path: &Path) -> Result<(), String> {
    let first = first_line(path)?;
    let case: Option<Record> = serde_json::from_str(&first).ok();
    match case.and_then(|c| c.candidates) {
        Some(c) if c.iter().any(|c| c.provenance.is_some()) => Ok(()),
        _ => Err("it is not a perturbation output (no provenance in its first case)".into()),
    }
}

/// A pairs file `perturb` wrote: its first line is a labelled pair.
fn recognise_pairs_file(path: &Path) -> Result<(), String> {
    let first = first_line(path)?;
    serde_json::from_str::<PairLine>(&first)
        .map(|_| ())
        .map_err(|_| "it is not a perturbation output (its first line is not a labelled pair)".into())
}

/// One file a directory output holds per type: its suffix after the type's
/// stem, and how to tell that such a file is one `perturb` wrote.
struct TypeFile {
    suffix: &'static str,
    /// `Err(reason)` when the file at the path (in its directory) is not ours.
    recognise: fn(&Path) -> Result<(), String>,
}

/// Everything about one format, declared once: the files it writes per type
/// (the main file first), whether one `.jsonl` file can hold a whole output,
/// and how a dialogue's cases are rendered (main file, second file).
struct FormatSpec {
    files: &'static [TypeFile],
    single_file: bool,
    render: fn(&[OutputCase]) -> (String, String),
}

/// A TSV carries no provenance; its provenance file beside it must be there.
fn recognise_tsv_file(path: &Path) -> Result<(), String> {
    let beside = path.with_file_name(format!(
        "{}.provenance",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    if beside.is_file() {
        Ok(())
    } else {
        Err("it has no provenance file beside it".into())
    }
}

const JSONL: FormatSpec = FormatSpec {
    files: &[TypeFile {
        suffix: ".jsonl",
        recognise: recognise_output_file,
    }],
    single_file: true,
    render: |cases| (to_jsonl(cases), String::new()),
};

const TSV: FormatSpec = FormatSpec {
    files: &[
        TypeFile {
            suffix: ".tsv",
            recognise: recognise_tsv_file,
        },
        TypeFile {
            suffix: ".tsv.provenance",
            recognise: |_| Ok(()),
        },
    ],
    single_file: false,
    render: to_tsv,
};

const PAIRS: FormatSpec = FormatSpec {
    files: &[TypeFile {
        suffix: ".pairs.jsonl",
        recognise: recognise_pairs_file,
    }],
    single_file: true,
    render: |cases| (to_pairs(cases), String::new()),
};

impl std::str::FromStr for OutputFormat {
    type Err = String;

    /// A format by its name (`perturb --format`).
    fn from_str(s: &str) -> Result<OutputFormat, String> {
        crate::suggest::parse_named("output format", s, &OutputFormat::ALL, OutputFormat::name)
    }
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 3] = [OutputFormat::Jsonl, OutputFormat::Tsv, OutputFormat::Pairs];

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Pairs => "pairs",
        }
    }

    fn spec(self) -> &'static FormatSpec {
        match self {
            OutputFormat::Jsonl => &JSONL,
            OutputFormat::Tsv => &TSV,
            OutputFormat::Pairs => &PAIRS,
        }
    }
}

/// The file of a directory output of `spec` that `name` is, if any: one of
/// its suffixes after a type's stem.
fn type_file(spec: &FormatSpec, name: &str) -> Option<&'static TypeFile> {
    spec.files.iter().find(|f| {
        name.strip_suffix(f.suffix)
            .is_some_and(|stem| PerturbType::all().any(|t| t.stem() == stem))
    })
}

fn output_kind(output: &Path, format: OutputFormat) -> OutputKind {
    let spec = format.spec();
    if is_single_file(output) {
        return OutputKind {
            what: "perturbation file",
            shape: Shape::File,
            recognise: Box::new(move |p| (spec.files[0].recognise)(p)),
        };
    }
    OutputKind {
        what: "perturbation directory",
        shape: Shape::Dir,
        recognise: Box::new(move |dir| {
            crate::output::only_entries(dir, |n| type_file(spec, n).is_some())?;
            for entry in std::fs::read_dir(dir)
                .map_err(|e| format!("it cannot be listed ({e})"))?
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(file) = type_file(spec, &name) {
                    (file.recognise)(&entry.path()).map_err(|why| format!("{name}: {why}"))?;
                }
            }
            Ok(())
        }),
    }
}

/// Checks `--output` and stages it, before any dialogue is read.
pub fn begin_output(output: &Path, overwrite: bool, format: OutputFormat) -> Result<Pending, PerturbError> {
    if !format.spec().single_file && is_single_file(output) {
        return Err(PerturbError::TsvNeedsDirectory);
    }
    Ok(Pending::begin(
        Target::Fixed(output.to_path_buf()),
        output_kind(output, format),
        overwrite,
    )?)
}

/// One dialogue's output in `format`: the main file's text and, for TSV, its
/// provenance file's.
fn render(format: OutputFormat, cases: &[OutputCase]) -> (String, String) {
    (format.spec().render)(cases)
}

/// The files a directory output of `format` holds for one type: the main
/// file, then (TSV) its provenance file.
fn type_files(format: OutputFormat, kind: PerturbType) -> Vec<String> {
    let stem = kind.stem();
    format
        .spec()
        .files
        .iter()
        .map(|f| format!("{stem}{}", f.suffix))
        .collect()
}

/// A file being written in the staging area, and the path the user will see.
struct OpenFile {
    file: std::io::BufWriter<std::fs::File>,
    shown: PathBuf,
}

impl OpenFile {
    fn create(staged: &Path, shown: PathBuf) -> Result<OpenFile, PerturbError> {
        let file = std::fs::File::create(staged).map_err(|source| PerturbError::Io {
            path: shown.clone(),
            source,
        })?;
        Ok(OpenFile {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            shown,
        })
    }

    fn write(&mut self, text: &str) -> Result<(), PerturbError> {
        use std::io::Write;
        self.file.write_all(text.as_bytes()).map_err(|source| PerturbError::Io {
            path: self.shown.clone(),
            source,
        })
    }

    fn close(mut self) -> Result<PathBuf, PerturbError> {
        use std::io::Write;
        self.file.flush().map_err(|source| PerturbError::Io {
            path: self.shown.clone(),
            source,
        })?;
        Ok(self.shown)
    }
}

/// Writes `perturb`'s output as it is generated, a chunk of dialogues at a
/// time, into the staging area [`begin_output`] made: one JSONL file (all
/// types, a path ending in `.jsonl`) or a directory with one file per type
/// (two for TSV). [`OutputWriter::finish`] moves it into place; dropped
/// before that, it leaves nothing. The bytes are those of the whole output
/// rendered at once: every format renders dialogue by dialogue.
pub struct OutputWriter {
    pending: Pending,
    output: PathBuf,
    format: OutputFormat,
    /// The one file, or the current type's files (a type without cases gets
    /// none: `eval` refuses an empty file).
    open: Vec<OpenFile>,
    /// The type `open` belongs to, in directory mode.
    open_for: Option<usize>,
    written: Vec<PathBuf>,
    counts: Vec<usize>,
}

impl OutputWriter {
    pub fn new(pending: Pending, output: &Path, format: OutputFormat, types: usize) -> OutputWriter {
        OutputWriter {
            pending,
            output: output.to_path_buf(),
            format,
            open: Vec::new(),
            open_for: None,
            written: Vec::new(),
            counts: vec![0; types],
        }
    }

    /// Appends the cases of type `index` (`kind`), each dialogue's own, in order.
    pub fn append(
        &mut self,
        index: usize,
        kind: PerturbType,
        dialogues: Vec<Vec<OutputCase>>,
    ) -> Result<(), PerturbError> {
        use rayon::prelude::*;
        let n: usize = dialogues.iter().map(Vec::len).sum();
        if n == 0 {
            return Ok(());
        }
        self.counts[index] += n;
        let staging = self.pending.path();
        if is_single_file(&self.output) {
            if self.open.is_empty() {
                self.open.push(OpenFile::create(&staging, self.output.clone())?);
            }
        } else if self.open_for != Some(index) {
            self.close_open()?;
            for name in type_files(self.format, kind) {
                self.open
                    .push(OpenFile::create(&staging.join(&name), self.output.join(&name))?);
            }
            self.open_for = Some(index);
        }
        let format = self.format;
        let rendered: Vec<(String, String)> = dialogues.par_iter().map(|cases| render(format, cases)).collect();
        for (main, provenance) in rendered {
            self.open[0].write(&main)?;
            if let Some(second) = self.open.get_mut(1) {
                second.write(&provenance)?;
            }
        }
        Ok(())
    }

    fn close_open(&mut self) -> Result<(), PerturbError> {
        for f in self.open.drain(..) {
            self.written.push(f.close()?);
        }
        Ok(())
    }

    /// Moves the output into place; returns the files written and the cases
    /// of each type. Nothing generated at all is an error, and leaves nothing.
    pub fn finish(mut self) -> Result<(Vec<PathBuf>, Vec<usize>), PerturbError> {
        self.close_open()?;
        if self.counts.iter().all(|&n| n == 0) {
            return Err(PerturbError::NothingGenerated(self.output));
        }
        self.pending.commit()?;
        Ok((self.written, self.counts))
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use crate::data::RecordCandidate;

    fn case(id: &str, context: &[&str], positive: &str, negative: &str) -> OutputCase {
        Record {
            context: context.iter().map(|s| s.to_string()).collect(),
            candidates: Some(vec![
                RecordCandidate {
                    text: positive.into(),
                    label: 1,
                    provenance: None,
                },
                RecordCandidate {
                    text: negative.into(),
                    label: 0,
                    provenance: Some(Provenance {
                        kind: "negation".into(),
                        rule: "negation/x".into(),
                        source_case: id.into(),
                        utterance: None,
                        seed: 1,
                        contradicts: None,
                        overlap: None,
                        user_rules: None,
                    }),
                },
            ]),
            response: None,
            src_dlg_id: None,
            did: None,
        }
    }

    #[test]
    fn tsv_groups_a_dialogues_negatives_under_its_positive_and_keeps_fields_apart() {
        let cases = [
            case("a", &["안녕", "뭐 해?"], "밥 먹어", "밥 안 먹어"),
            case("a", &["안녕", "뭐 해?"], "밥 먹어", "밥\t먹지 마"),
            case("b", &["잘 자"], "너도", "너도\n잘 자"),
        ];
        let (tsv, provenance) = to_tsv(&cases);
        assert_eq!(
            tsv,
            "1\t안녕\t뭐 해?\t밥 먹어\n0\t안녕\t뭐 해?\t밥 안 먹어\n0\t안녕\t뭐 해?\t밥 먹지 마\n1\t잘 자\t너도\n0\t잘 자\t너도 잘 자\n"
        );
        let lines: Vec<&str> = provenance.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0], "null");
        assert!(lines[1].contains("\"source_case\":\"a\""));
        let pairs = to_pairs(&cases);
        let labels: Vec<u64> = pairs
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["label"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(labels, [1, 0, 0, 1, 0]);
    }
}

#[cfg(test)]
mod streaming_tests {
    use super::*;
    use crate::perturb::strategy::{perturb, perturb_in_chunks, PerturbOptions};

    /// The output rendered whole, each type's cases at once, as `perturb`
    /// wrote it before it streamed.
    fn whole(format: OutputFormat, generated: &[(PerturbType, Vec<OutputCase>)]) -> Vec<(String, String)> {
        let mut files = Vec::new();
        for (kind, cases) in generated.iter().filter(|(_, c)| !c.is_empty()) {
            let (main, provenance) = render(format, cases);
            files.extend(type_files(format, *kind).into_iter().zip([main, provenance]));
        }
        files
    }

    #[test]
    fn a_stream_of_small_chunks_writes_the_bytes_of_the_whole_output() {
        let data = tempfile::tempdir().unwrap();
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample");
        let dialogues = crate::perturb::read_dialogues(Path::new(sample)).unwrap();
        assert!(dialogues.len() > 20);
        let types: Vec<PerturbType> = ["repetition", "keyword-stuffing"]
            .iter()
            .map(|t| PerturbType::parse(t).unwrap())
            .collect();
        let options = PerturbOptions {
            per_case: 2,
            seed: 7,
            tense_to: None,
            from: Default::default(),
            exclude_rules: Vec::new(),
            user_rules: None,
        };
        let rewriter = crate::perturb::rewrite::Rewriter::load(&crate::perturb::analyser::dictionary_dir())
            .expect("the analyser (scripts/setup.sh)");
        let generated = perturb(&dialogues, &types, options.clone(), Some(&rewriter)).unwrap();
        for format in [OutputFormat::Jsonl, OutputFormat::Pairs, OutputFormat::Tsv] {
            let out = data.path().join(format!("{format:?}"));
            let pending = begin_output(&out, false, format).unwrap();
            let mut writer = OutputWriter::new(pending, &out, format, types.len());
            // Chunks of 3 dialogues: many boundaries, one inside every type.
            perturb_in_chunks(&dialogues, &types, &options, Some(&rewriter), 3, |i, kind, cases| {
                writer.append(i, kind, cases)
            })
            .unwrap();
            let (written, counts) = writer.finish().unwrap();
            let expected = whole(format, &generated);
            assert_eq!(written.len(), expected.len(), "{format:?}");
            for (name, text) in &expected {
                assert_eq!(
                    &std::fs::read_to_string(out.join(name)).unwrap(),
                    text,
                    "{format:?} {name}"
                );
            }
            let want: Vec<usize> = generated.iter().map(|(_, c)| c.len()).collect();
            assert_eq!(counts, want);
            assert!(counts.iter().all(|&n| n > 0));
        }
        // One file for every type: the types one after another.
        let one = data.path().join("all.jsonl");
        let mut writer = OutputWriter::new(
            begin_output(&one, false, OutputFormat::Jsonl).unwrap(),
            &one,
            OutputFormat::Jsonl,
            2,
        );
        perturb_in_chunks(&dialogues, &types, &options, Some(&rewriter), 5, |i, kind, cases| {
            writer.append(i, kind, cases)
        })
        .unwrap();
        writer.finish().unwrap();
        let all: Vec<OutputCase> = generated.iter().flat_map(|(_, c)| c.clone()).collect();
        assert_eq!(std::fs::read_to_string(&one).unwrap(), to_jsonl(&all));
    }

    #[test]
    fn a_writer_dropped_before_it_finishes_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let writer = OutputWriter::new(
            begin_output(&out, false, OutputFormat::Jsonl).unwrap(),
            &out,
            OutputFormat::Jsonl,
            1,
        );
        drop(writer);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // Nothing generated at all is an error, and leaves nothing either.
        let writer = OutputWriter::new(
            begin_output(&out, false, OutputFormat::Jsonl).unwrap(),
            &out,
            OutputFormat::Jsonl,
            2,
        );
        assert!(matches!(writer.finish(), Err(PerturbError::NothingGenerated(_))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
