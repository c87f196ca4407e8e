//! Import speed and peak memory on large generated exports, side by side with pandas.
//!
//! `cargo bench --bench import` writes 100,000- and 500,000-response surveys (xlsx and csv) to
//! `target/bench-data/`, then imports each in a fresh process pinned to one core, five times,
//! reporting the median time and the peak resident memory. When `python3` with pandas is here,
//! `pandas.read_excel` / `pandas.read_csv` read the same files the same way for comparison.

mod common;
use common::peak_mebibytes;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use consultlens::import::{ImportOptions, import_file};
use consultlens::progress::Progress;

/// Runs per file and reader; the median is reported.
const RUNS: usize = 5;

const WORDS: [&str; 48] = [
    "staff",
    "training",
    "EHCP",
    "waiting",
    "months",
    "school",
    "support",
    "my",
    "son",
    "daughter",
    "autism",
    "needs",
    "early",
    "help",
    "teachers",
    "listen",
    "parents",
    "funding",
    "transport",
    "taxi",
    "therapy",
    "speech",
    "language",
    "anxiety",
    "CAMHS",
    "SENCO",
    "annual",
    "review",
    "plan",
    "inclusion",
    "mainstream",
    "special",
    "places",
    "council",
    "accountable",
    "communication",
    "informed",
    "the",
    "and",
    "was",
    "not",
    "never",
    "always",
    "more",
    "less",
    "because",
    "we",
    "they",
];
const ROLES: [&str; 6] = [
    "Parent or carer",
    "Young person",
    "SENCO or teacher",
    "Early years practitioner",
    "Health or social care professional",
    "Other",
];
const AREAS: [&str; 7] = [
    "Cambridge City",
    "East Cambridgeshire",
    "Fenland",
    "Huntingdonshire",
    "South Cambridgeshire",
    "Peterborough",
    "Outside the area",
];
const AGREEMENT: [&str; 5] = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
];
const HEADER: [&str; 12] = [
    "Id",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which of these best describes you?",
    "Which area do you live or work in?",
    "How much do you agree with Priority 1?",
    "How much do you agree with Priority 2?",
    "What are your views on the three priorities?",
    "What would make the biggest difference?",
    "Is there anything else you would like to tell us?",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == "--child") {
        let file = args.get(position + 1).ok_or("--child needs a file")?;
        return child(Path::new(file));
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&data)?;
    let mut files = Vec::new();
    for responses in [100_000, 500_000] {
        let (xlsx, csv) = generate(&data, responses)?;
        files.push((responses, xlsx));
        files.push((responses, csv));
    }
    // An argument other than --child keeps only the files whose names contain it.
    let only = args
        .iter()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .cloned();
    files.retain(|(_, file)| {
        only.as_ref()
            .is_none_or(|wanted| file.to_string_lossy().contains(wanted.as_str()))
    });
    let pandas = pandas_available();
    println!(
        "{:<28} {:>10} {:>16} {:>12} {:>16} {:>12}",
        "file", "size MB", "consultlens s", "peak MiB", "pandas s", "peak MiB"
    );
    for (responses, file) in &files {
        // File sizes in MB for the table; f64 is exact far beyond them.
        #[allow(clippy::cast_precision_loss)]
        let size = std::fs::metadata(file)?.len() as f64 / 1e6;
        let file_arg = file.as_os_str().to_owned();
        let ours = measure(
            std::env::current_exe()?.as_os_str(),
            &["--child".into(), file_arg.clone()],
        )?;
        let theirs = if pandas {
            Some(measure(
                "python3".as_ref(),
                &["-c".into(), PANDAS_READ.into(), file_arg],
            )?)
        } else {
            None
        };
        let name = format!(
            "{} ({}k)",
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            responses / 1000
        );
        let (pandas_seconds, pandas_peak) = theirs
            .map_or(("n/a".to_owned(), "n/a".to_owned()), |(s, m)| {
                (format!("{s:.3}"), format!("{m:.0}"))
            });
        println!(
            "{name:<28} {size:>10.1} {:>16.3} {:>12.0} {pandas_seconds:>16} {pandas_peak:>12}",
            ours.0, ours.1
        );
    }
    Ok(())
}

/// Imports one file and prints seconds and peak resident MiB.
fn child(file: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let imported = import_file(file, &ImportOptions::default(), &Progress::new())?;
    let seconds = started.elapsed().as_secs_f64();
    std::hint::black_box(&imported);
    println!("{seconds} {}", peak_mebibytes()?);
    // Freeing a million cells one by one is teardown, not import: leave it to the OS, so that
    // profiles of this process show the import alone.
    std::process::exit(0)
}

const PANDAS_READ: &str = r#"
import sys, time, resource
import pandas as pd
path = sys.argv[1]
start = time.perf_counter()
frame = pd.read_csv(path) if path.endswith(".csv") else pd.read_excel(path)
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"#;

fn pandas_available() -> bool {
    Command::new("python3")
        .args(["-c", "import pandas, openpyxl"])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Median seconds and largest peak memory over [`RUNS`] runs, pinned to one core when `taskset` is here.
fn measure(program: &OsStr, args: &[OsString]) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let pin = Command::new("taskset").arg("--version").output().is_ok();
    let mut seconds = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..RUNS {
        let output = if pin {
            Command::new("taskset")
                .arg("-c")
                .arg("0")
                .arg(program)
                .args(args)
                .output()?
        } else {
            Command::new(program).args(args).output()?
        };
        if !output.status.success() {
            return Err(format!(
                "{program:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let text = String::from_utf8(output.stdout)?;
        let mut fields = text.split_whitespace();
        let mut next_number = || -> Result<f64, Box<dyn std::error::Error>> {
            Ok(fields.next().ok_or("no output")?.parse::<f64>()?)
        };
        seconds.push(next_number()?);
        peak = peak.max(next_number()?);
    }
    seconds.sort_by(f64::total_cmp);
    Ok((seconds.get(RUNS / 2).copied().unwrap_or_default(), peak))
}

fn comment(rng: &mut fastrand::Rng) -> String {
    let words = rng.usize(4..40);
    let mut text = String::new();
    for index in 0..words {
        if index > 0 {
            text.push(' ');
        }
        text.push_str(WORDS[rng.usize(..WORDS.len())]);
    }
    text.push('.');
    text
}

fn rows(responses: usize) -> impl Iterator<Item = Vec<String>> {
    let mut rng = fastrand::Rng::with_seed(responses as u64);
    (0..responses).map(move |index| {
        let day = 1 + index % 28;
        let started = format!(
            "2026-03-{day:02} 09:{:02}:{:02}",
            index % 60,
            (index / 60) % 60
        );
        let finished = format!(
            "2026-03-{day:02} 10:{:02}:{:02}",
            index % 60,
            (index / 60) % 60
        );
        let blank_or = |rng: &mut fastrand::Rng, chance: f64| {
            if rng.f64() < chance {
                String::new()
            } else {
                comment(rng)
            }
        };
        vec![
            (index + 1).to_string(),
            started,
            finished,
            "anonymous".to_owned(),
            String::new(),
            ROLES[rng.usize(..ROLES.len())].to_owned(),
            AREAS[rng.usize(..AREAS.len())].to_owned(),
            AGREEMENT[rng.usize(..AGREEMENT.len())].to_owned(),
            AGREEMENT[rng.usize(..AGREEMENT.len())].to_owned(),
            blank_or(&mut rng, 0.1),
            blank_or(&mut rng, 0.15),
            blank_or(&mut rng, 0.45),
        ]
    })
}

/// Writes `responses` rows as xlsx and csv, unless they are already there.
fn generate(
    directory: &Path,
    responses: usize,
) -> Result<(PathBuf, PathBuf), Box<dyn std::error::Error>> {
    let xlsx = directory.join(format!("survey-{responses}.xlsx"));
    let csv = directory.join(format!("survey-{responses}.csv"));
    if !csv.is_file() {
        let mut writer = csv::Writer::from_path(&csv)?;
        writer.write_record(HEADER)?;
        for row in rows(responses) {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    if !xlsx.is_file() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        for (column, name) in HEADER.iter().enumerate() {
            sheet.write_string(0, u16::try_from(column)?, *name)?;
        }
        for (index, row) in rows(responses).enumerate() {
            let sheet_row = u32::try_from(index + 1)?;
            for (column, value) in row.iter().enumerate() {
                let column = u16::try_from(column)?;
                if value.is_empty() {
                    continue;
                }
                match column {
                    0 => {
                        sheet.write_number(sheet_row, column, value.parse::<f64>()?)?;
                    }
                    1 | 2 => {
                        let when = rust_xlsxwriter::ExcelDateTime::parse_from_str(value)?;
                        sheet.write_datetime_with_format(sheet_row, column, &when, &date_format)?;
                    }
                    _ => {
                        sheet.write_string(sheet_row, column, value)?;
                    }
                }
            }
        }
        workbook.save(&xlsx)?;
    }
    Ok((xlsx, csv))
}
