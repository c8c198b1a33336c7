//! `perturb --rules DIR`: a user's TOML merged into the built-in rules at run
//! time, checked like them, recorded in provenance.

use crate::common::{rsbench, text};

const PAIR: &str = "[[pair]]\na = \"맵\"\nb = \"순하\"\npos = \"adjective\"\nsource = \"a user's pair\"\n";

fn dialogue_file(dir: &std::path::Path) {
    let line = serde_json::json!({
        "did": "tteok",
        "context": ["거기 떡볶이 어땠어?", "생각보다 엄청 매웠어"],
        "response": "거기 진짜 맵더라",
    });
    std::fs::write(dir.join("in.jsonl"), format!("{line}\n")).unwrap();
}

fn perturb(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "perturb",
        "--input",
        "in.jsonl",
        "--types",
        "lexical-contradiction",
        "--output",
        "out.jsonl",
        "--overwrite",
        "-q",
    ];
    args.extend_from_slice(extra);
    rsbench(&args, dir)
}

#[test]
fn one_antonym_pair_in_a_user_file_gives_new_outputs_that_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    dialogue_file(tmp.path());
    // The built-in lexicon has no pair for 맵다.
    let o = perturb(tmp.path(), &[]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("no rule produced a negative"),
        "{}",
        text(&o.stderr)
    );

    let rules = tmp.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("lexical_contradiction.toml"), PAIR).unwrap();
    std::fs::write(rules.join("NOTES.md"), "my pairs").unwrap();
    let o = perturb(tmp.path(), &["--rules", "rules"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = std::fs::read_to_string(tmp.path().join("out.jsonl")).unwrap();
    let case: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let negative = &case["candidates"][1];
    assert_eq!(negative["text"], "거기 진짜 순하더라");
    let digest = negative["provenance"]["user_rules"].as_str().unwrap();
    assert!(digest.starts_with("sha256:"), "{digest}");
    // The same files give the same digest; other bytes another.
    std::fs::write(rules.join("lexical_contradiction.toml"), format!("{PAIR}\n")).unwrap();
    let o = perturb(tmp.path(), &["--rules", "rules"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let again = std::fs::read_to_string(tmp.path().join("out.jsonl")).unwrap();
    assert!(!again.contains(digest), "{again}");
    let without_digest = |s: &str| {
        let at = s.find("sha256:").unwrap() + "sha256:".len();
        format!("{}{}", &s[..at], &s[at + 16..])
    };
    assert_eq!(without_digest(&again), without_digest(&out));
}

#[test]
fn a_user_file_that_does_not_fit_is_refused_naming_it_before_any_dialogue() {
    let tmp = tempfile::tempdir().unwrap();
    dialogue_file(tmp.path());
    let rules = tmp.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let refused = |file: &str, body: &str, wanted: &str| {
        for f in std::fs::read_dir(&rules).unwrap() {
            std::fs::remove_file(f.unwrap().path()).unwrap();
        }
        std::fs::write(rules.join(file), body).unwrap();
        let o = perturb(tmp.path(), &["--rules", "rules"]);
        assert!(!o.status.success());
        let err = text(&o.stderr);
        assert!(err.contains(file) && err.contains(wanted), "{err}");
        assert!(!tmp.path().join("out.jsonl").exists(), "nothing written");
    };
    // A pair without its second stem: the built-in type's own check.
    refused(
        "lexical_contradiction.toml",
        "[[pair]]\na = \"맵\"\npos = \"adjective\"\nsource = \"me\"\n",
        "`b`",
    );
    // A list given as a string.
    refused(
        "lexical_contradiction.toml",
        "degree_words = \"너무\"\n",
        "`degree_words` is array",
    );
    // A name no built-in file has.
    refused(
        "lexical_contradictions.toml",
        PAIR,
        "did you mean `lexical_contradiction.toml`",
    );
    // A bank cluster without its replies in every speech level, for a type that does not read the bank.
    refused(
        "topic_bank.toml",
        "[[cluster]]\nname = \"mine\"\nsource = \"me\"\nkeywords = [\"낚시\"]\nnear = []\n[[cluster.reply]]\nbanmal = \"낚시 가자\"\n",
        "topic_bank.toml",
    );
}
