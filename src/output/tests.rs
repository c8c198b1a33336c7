use super::*;

fn marker_kind() -> OutputKind {
    OutputKind::dir_with_marker("test directory", "meta.json", "rsbench_version", |n| {
        ["meta.json", "data.txt"].contains(&n)
    })
}

fn fill(p: &Pending, text: &str) {
    std::fs::write(p.path().join("meta.json"), "{\"rsbench_version\": \"0\"}").unwrap();
    std::fs::write(p.path().join("data.txt"), text).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_new_output_appears_whole_and_leaves_no_staging() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("run");
    let p = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), false).unwrap();
    assert!(!dest.exists(), "nothing at the destination before commit");
    fill(&p, "one");
    assert_eq!(p.commit().unwrap(), dest);
    assert_eq!(names(tmp.path()), vec!["run"]);
    assert_eq!(std::fs::read_to_string(dest.join("data.txt")).unwrap(), "one");
}

#[test]
fn a_dropped_output_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Pending::begin(Target::Fixed(tmp.path().join("run")), marker_kind(), false).unwrap();
    fill(&p, "x");
    drop(p);
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn overwrite_replaces_only_what_rsbench_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("run");
    let p = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), false).unwrap();
    fill(&p, "old");
    p.commit().unwrap();
    // Without --overwrite: refused before any work.
    let err = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), false)
        .err()
        .unwrap();
    assert!(matches!(err, OutputError::Exists(_)), "{err}");
    let p = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), true).unwrap();
    fill(&p, "new");
    p.commit().unwrap();
    assert_eq!(std::fs::read_to_string(dest.join("data.txt")).unwrap(), "new");
    assert_eq!(names(tmp.path()), vec!["run"], "the old one is gone, nothing aside");

    // A file of the user's inside: refused, and everything stays.
    std::fs::write(dest.join("notes.txt"), "mine").unwrap();
    let err = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), true)
        .err()
        .unwrap();
    assert!(err.to_string().contains("notes.txt"), "{err}");
    assert_eq!(names(&dest), vec!["data.txt", "meta.json", "notes.txt"]);

    // A directory without the marker: refused.
    let foreign = tmp.path().join("thesis");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("data.txt"), "chapter 1").unwrap();
    let err = Pending::begin(Target::Fixed(foreign.clone()), marker_kind(), true)
        .err()
        .unwrap();
    assert!(err.to_string().contains("has no meta.json"), "{err}");
    assert_eq!(std::fs::read_to_string(foreign.join("data.txt")).unwrap(), "chapter 1");
}

#[test]
fn a_replaced_output_stays_when_the_new_one_cannot_be_placed() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("run");
    let p = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), false).unwrap();
    fill(&p, "old");
    p.commit().unwrap();
    let p = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), true).unwrap();
    fill(&p, "new");
    // The user adds a file while the run works: the replacement is refused at commit.
    std::fs::write(dest.join("notes.txt"), "mine").unwrap();
    assert!(p.commit().is_err());
    assert_eq!(std::fs::read_to_string(dest.join("data.txt")).unwrap(), "old");
    assert_eq!(names(tmp.path()), vec!["run"]);
}

#[test]
fn the_working_directory_and_its_parents_are_refused() {
    let cwd = std::env::current_dir().unwrap();
    for dest in [
        PathBuf::from("."),
        cwd.clone(),
        cwd.parent().unwrap().to_path_buf(),
        PathBuf::from("/"),
    ] {
        let err = Pending::begin(Target::Fixed(dest.clone()), marker_kind(), true)
            .err()
            .unwrap();
        assert!(matches!(err, OutputError::Encloses(_)), "{}: {err}", dest.display());
    }
}

#[test]
fn concurrent_claims_of_one_name_never_both_win() {
    // (Two processes at once: tests/it/safety.rs runs them.)
    let tmp = tempfile::tempdir().unwrap();
    let numbered = Target::Numbered {
        root: tmp.path().to_path_buf(),
        base: "run".into(),
    };
    let first = Pending::begin(numbered.clone(), marker_kind(), false).unwrap();
    fill(&first, "1");
    let at1 = first.commit().unwrap();
    let second = Pending::begin(numbered, marker_kind(), false).unwrap();
    fill(&second, "2");
    let at2 = second.commit().unwrap();
    assert_eq!(
        (at1.file_name().unwrap(), at2.file_name().unwrap()),
        ("run".as_ref(), "run-2".as_ref())
    );
    // A fixed name taken while the run worked is not replaced.
    let late = tmp.path().join("late");
    let p = Pending::begin(Target::Fixed(late.clone()), marker_kind(), false).unwrap();
    fill(&p, "mine");
    std::fs::create_dir(&late).unwrap();
    std::fs::write(late.join("other.txt"), "theirs").unwrap();
    let err = p.commit().err().unwrap();
    assert!(matches!(err, OutputError::Raced(_)), "{err}");
    assert_eq!(names(&late), vec!["other.txt"]);
}
