//! Split construction: seeded, order-independent, negatives from other dialogues.

use rsbench::data::{build_split, sample, Case, NegativeSource, Split, SplitOptions};

fn opts(candidates: Option<usize>, seed: u64) -> SplitOptions {
    SplitOptions { candidates, seed }
}

#[test]
fn adversarial_keeps_cases_as_given() {
    let ds = sample::load().unwrap();
    let split = build_split(&ds, Split::Adversarial, &opts(None, 1)).unwrap();
    assert_eq!(split.len(), ds.cases.len());
    for (e, c) in split.iter().zip(&ds.cases) {
        let texts: Vec<&str> = e.candidates.iter().map(|x| x.text.as_str()).collect();
        let given: Vec<&str> = c.candidates.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, given);
        assert!(e.candidates.iter().all(|x| x.source == NegativeSource::Given));
    }
}

#[test]
fn clean_draws_n_minus_one_negatives_from_other_dialogues() {
    let ds = sample::load().unwrap();
    let split = build_split(&ds, Split::Clean, &opts(None, 7)).unwrap();
    for e in &split {
        let case = &ds.cases[e.case_index];
        assert_eq!(e.candidates.len(), 10);
        assert_eq!(e.candidates[0].text, case.candidates[0].text);
        assert_eq!(e.candidates.iter().filter(|c| c.label == 1).count(), 1);
        let negatives: Vec<&str> = e.candidates[1..].iter().map(|c| c.text.as_str()).collect();
        let mut distinct = negatives.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 9, "negatives are distinct");
        for neg in negatives {
            // Each negative is a reply of some other dialogue, never of this one.
            let owners: Vec<&Case> = ds
                .cases
                .iter()
                .filter(|c| c.candidates.iter().any(|x| x.text == neg && x.label == 1))
                .collect();
            assert!(!owners.is_empty());
            assert!(ds
                .cases
                .iter()
                .filter(|c| c.source_dialogue == case.source_dialogue)
                .all(|c| c.candidates.iter().all(|x| x.text != neg) && c.context.iter().all(|u| u != neg)));
        }
    }
}

#[test]
fn seeded_and_independent_of_case_order() {
    let ds = sample::load().unwrap();
    let a = build_split(&ds, Split::Clean, &opts(Some(5), 3)).unwrap();
    let b = build_split(&ds, Split::Clean, &opts(Some(5), 3)).unwrap();
    assert_eq!(a, b);
    let c = build_split(&ds, Split::Clean, &opts(Some(5), 4)).unwrap();
    assert_ne!(a, c, "another seed draws other negatives");

    let mut reversed = ds.clone();
    reversed.cases.reverse();
    let r = build_split(&reversed, Split::Clean, &opts(Some(5), 3)).unwrap();
    for e in &r {
        let id = &reversed.cases[e.case_index].id;
        let same = a.iter().find(|x| &ds.cases[x.case_index].id == id).unwrap();
        assert_eq!(e.candidates, same.candidates, "case {id}");
    }
}

#[test]
fn adversarial_top_up_adds_random_negatives() {
    let ds = sample::load().unwrap();
    let split = build_split(&ds, Split::Adversarial, &opts(Some(4), 1)).unwrap();
    for e in &split {
        assert_eq!(e.candidates.len(), 4);
        assert_eq!(
            e.candidates[..2]
                .iter()
                .filter(|c| c.source == NegativeSource::Given)
                .count(),
            2
        );
        assert!(e.candidates[2..]
            .iter()
            .all(|c| c.source == NegativeSource::Random && c.label == 0));
    }
}

#[test]
fn impossible_candidate_counts_are_errors() {
    let ds = sample::load().unwrap();
    let e = build_split(&ds, Split::Adversarial, &opts(Some(1), 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("leaves no room"), "{e}");
    let e = build_split(&ds, Split::Clean, &opts(Some(1000), 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("lower --candidates"), "{e}");
}

#[test]
fn cases_sharing_a_context_share_their_random_negatives() {
    let ds = sample::load().unwrap();
    let split = build_split(&ds, Split::Clean, &opts(None, 5)).unwrap();
    // In the sample set every dialogue's context recurs once per type (7 cases).
    let negatives = |e: &rsbench::data::EvalCase| -> Vec<String> {
        e.candidates
            .iter()
            .filter(|c| c.label == 0)
            .map(|c| c.text.clone())
            .collect()
    };
    let mut by_context: std::collections::HashMap<&Vec<String>, Vec<String>> = Default::default();
    for e in &split {
        let ctx = &ds.cases[e.case_index].context;
        let negs = negatives(e);
        let first = by_context.entry(ctx).or_insert_with(|| negs.clone());
        assert_eq!(first, &negs);
    }
    assert_eq!(by_context.len(), 10);
}
