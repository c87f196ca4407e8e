//! `consultlens analyse` end to end (import, tag with stemming, summarise, the full summary
//! workbook) next to the Python peer doing the same job on the same file, alternating in one run:
//! time and peak memory at 10,000, 100,000 and 500,000 responses, and the ratio.
//!
//! The surveys are made by `../shared/peer/gen_survey.py` and the peer is
//! `../shared/peer/pipeline.py --reader calamine --writer xlsxwriter` (its stronger form); both
//! need Python 3 with pandas, numpy, openpyxl, python-calamine and xlsxwriter (e.g.
//! `PATH=/path/to/venv/bin:$PATH`). Without them the benchmark says so and stops. Both tag with
//! the peer's codebook (25 themes, 200 phrases), written as a ConsultLens codebook. An argument
//! keeps only the sizes it names: `cargo bench --bench analyse -- 10000 100000`.

mod common;
use common::peak_mebibytes;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Parser;
use consultlens::cli::{self, Cli};

const SIZES: [usize; 3] = [10_000, 100_000, 500_000];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == "--child") {
        return child(args.get(position + 1..).unwrap_or_default());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let peer = root.join("../shared/peer");
    let data = root.join("target/bench-data/analyse");
    std::fs::create_dir_all(&data)?;
    let wanted: Vec<usize> = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let sizes: Vec<usize> = SIZES
        .into_iter()
        .filter(|size| wanted.is_empty() || wanted.contains(size))
        .collect();
    let missing: Vec<String> = sizes
        .iter()
        .filter(|size| !survey_path(&data, **size).exists())
        .map(usize::to_string)
        .collect();
    if !missing.is_empty() && !generated(&peer, &data, &missing) {
        println!(
            "skipped: the surveys are made by {}, which needs Python 3 with the peer's packages",
            peer.join("gen_survey.py").display()
        );
        return Ok(());
    }
    let codebook = data.join("peer-codebook.toml");
    std::fs::write(
        &codebook,
        codebook_toml(&std::fs::read_to_string(peer.join("codebook.json"))?)?,
    )?;
    println!(
        "{:<10} {:>5} {:>14} {:>10} {:>12} {:>10} {:>8}",
        "responses", "runs", "consultlens s", "peak MiB", "peer s", "peak MiB", "ratio"
    );
    for size in sizes {
        let survey = survey_path(&data, size);
        // The peer takes minutes at 500,000: one run there, three below.
        let runs = if size >= 500_000 { 1 } else { 3 };
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs {
            ours.push(run_ours(&survey, &codebook, &data.join("ours.xlsx"))?);
            theirs.push(run_peer(&peer, &survey, &data.join("peer.xlsx")));
        }
        let (our_seconds, our_peak) = median_and_peak(ours);
        let theirs: Option<Vec<(f64, f64)>> = theirs.into_iter().collect();
        let (peer_seconds, peer_peak, ratio) = theirs.map_or_else(
            || ("n/a".to_owned(), "n/a".to_owned(), "n/a".to_owned()),
            |theirs| {
                let (seconds, peak) = median_and_peak(theirs);
                (
                    format!("{seconds:.2}"),
                    format!("{peak:.0}"),
                    format!("{:.1}x", seconds / our_seconds),
                )
            },
        );
        println!(
            "{size:<10} {runs:>5} {our_seconds:>14.3} {our_peak:>10.0} {peer_seconds:>12} {peer_peak:>10} {ratio:>8}"
        );
    }
    Ok(())
}

fn survey_path(data: &Path, size: usize) -> PathBuf {
    data.join(format!("survey_{size}.xlsx"))
}

/// Makes the surveys with the peer's generator; whether it could.
fn generated(peer: &Path, data: &Path, sizes: &[String]) -> bool {
    Command::new("python3")
        .arg(peer.join("gen_survey.py"))
        .arg(data)
        .args(sizes)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// The peer's codebook (`{"themes": [{"name", "phrases"}]}`) as a ConsultLens TOML codebook: its
/// phrases are keywords, a trailing `*` matching longer words in both.
fn codebook_toml(json: &str) -> Result<String, Box<dyn std::error::Error>> {
    let parsed: serde_json::Value = serde_json::from_str(json)?;
    let themes = parsed
        .get("themes")
        .and_then(serde_json::Value::as_array)
        .ok_or("the peer's codebook has no themes")?;
    let mut toml = String::from("name = \"The Python peer's codebook\"\n");
    for (index, theme) in themes.iter().enumerate() {
        let name = theme
            .get("name")
            .and_then(serde_json::Value::as_str)
            .ok_or("a theme has no name")?;
        let phrases: Vec<&str> = theme
            .get("phrases")
            .and_then(serde_json::Value::as_array)
            .ok_or("a theme has no phrases")?
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        toml.push_str(&format!(
            "\n[[theme]]\nid = \"peer-{index}\"\nname = {}\nkeywords = {}\n",
            serde_json::to_string(name)?,
            serde_json::to_string(&phrases)?
        ));
    }
    Ok(toml)
}

/// `consultlens analyse` in a fresh process: seconds and peak MiB.
fn run_ours(
    survey: &Path,
    codebook: &Path,
    out: &Path,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let output = Command::new(std::env::current_exe()?)
        .arg("--child")
        .arg(survey)
        .arg(codebook)
        .arg(out)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "analyse failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = String::from_utf8(output.stdout)?;
    let last = text.lines().last().ok_or("no output")?;
    let mut fields = last.split_whitespace().map(str::parse::<f64>);
    match (fields.next(), fields.next()) {
        (Some(Ok(seconds)), Some(Ok(peak))) => Ok((seconds, peak)),
        _ => Err(format!("unexpected output: {last}").into()),
    }
}

/// The peer's whole pipeline in seconds (its own in-process total) and peak MiB, if it ran.
fn run_peer(peer: &Path, survey: &Path, out: &Path) -> Option<(f64, f64)> {
    let output = Command::new("python3")
        .arg(peer.join("pipeline.py"))
        .arg(survey)
        .arg(out)
        .args(["--reader", "calamine", "--writer", "xlsxwriter"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let text = String::from_utf8(output.stdout).ok()?;
    let result: serde_json::Value = serde_json::from_str(text.lines().last()?).ok()?;
    Some((
        result.get("total_in_process_s")?.as_f64()?,
        result.get("peak_after_write_mib")?.as_f64()?,
    ))
}

/// The median time and the largest peak.
fn median_and_peak(mut runs: Vec<(f64, f64)>) -> (f64, f64) {
    let peak = runs.iter().map(|run| run.1).fold(0.0, f64::max);
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    (runs.get(runs.len() / 2).map_or(0.0, |run| run.0), peak)
}

/// Runs `consultlens analyse SURVEY --codebook CODEBOOK --out OUT --json` as the command line
/// does, then prints seconds and peak resident MiB.
fn child(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [survey, codebook, out] = args else {
        return Err("--child needs a survey, a codebook and an output".into());
    };
    let started = Instant::now();
    let parsed = Cli::try_parse_from([
        "consultlens",
        "analyse",
        survey,
        "--codebook",
        codebook,
        "--out",
        out,
        "--json",
    ])?;
    let command = parsed.command.ok_or("no command")?;
    if cli::run(command) != std::process::ExitCode::SUCCESS {
        return Err("analyse failed".into());
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{seconds} {}", peak_mebibytes()?);
    Ok(())
}
