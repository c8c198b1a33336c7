//! Prints the analyser's tokens for each line of stdin (a development aid:
//! `cargo run --release --example analyse <<< '내가 갈게'`).

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let analyser = rsbench::perturb::analyser::Analyser::load(&rsbench::perturb::analyser::dictionary_dir())?;
    let mut worker = analyser.worker();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let tokens: Vec<String> = worker
            .analyse(&line)
            .iter()
            .map(|t| match t.class.as_str() {
                "*" => format!("{}/{}", t.surface, t.tag),
                class => format!("{}/{}({class})", t.surface, t.tag),
            })
            .collect();
        println!("{line}\t{}", tokens.join(" "));
    }
    Ok(())
}
