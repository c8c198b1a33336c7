//! Prints the interrogative-word questions of each line of stdin (a
//! development aid: `cargo run --example ask <<< '나 어제 부산에 갔어'`).

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let analyser = rsbench::perturb::analyser::Analyser::load(&rsbench::perturb::analyser::dictionary_dir())?;
    let mut worker = analyser.worker();
    let rules = rsbench::perturb::interrogative::rules()?;
    let persons = rsbench::perturb::persons::rules()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let asked: Vec<String> = rules
            .questions(&persons, &mut worker, &line)
            .into_iter()
            .map(|q| format!("{} [{}]", q.text, q.rule))
            .chain(
                rules
                    .re_ask(&mut worker, &line)
                    .map(|q| format!("{} [{}]", q.text, q.rule)),
            )
            .collect();
        println!("{line}\t{}", asked.join(" | "));
    }
    Ok(())
}
