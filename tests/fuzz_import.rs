//! The importer fed mutated real files, random CSV text and random workbooks: it must never panic,
//! and what it returns must hold together.
//!
//! `cargo test` runs a short, fixed-seed pass. For a long run:
//! `CONSULTLENS_FUZZ_ITERATIONS=200000 CONSULTLENS_FUZZ_SEED=7 cargo test --release --test fuzz_import -- --nocapture`

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use consultlens::import::{
    ImportOptions, Imported, import_bytes, install_panic_hook, own_panics_caught,
};
use consultlens::progress::Progress;

const DEFAULT_ITERATIONS: usize = 150;

const CSV_PIECES: [&str; 24] = [
    ",",
    ";",
    "\t",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "Id",
    "Comment",
    "What are your views?",
    "Parent or carer",
    "Strongly agree",
    "2026-03-02 09:14:05",
    "02/03/2026",
    "07700 900123",
    "a@example.org",
    "=SUM(A1)",
    "-1",
    "3.5",
    "\u{FEFF}",
    "£",
    "caf\u{e9}",
    "_x000D_",
];

/// Pieces spliced into the XML inside workbook packages.
const XML_PIECES: [&str; 16] = [
    "<",
    ">",
    "/>",
    "\"",
    "&amp;",
    "&#xD83D;",
    "&bogus",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "<c r=\"XFD1048576\" t=\"s\"><v>99999999</v></c>",
    "<row r=\"0\">",
    "</row>",
    "<c t=\"inlineStr\"><is><t>x</t></is></c>",
    "_xD83D_",
    " s=\"4294967296\"",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
];

struct Seed {
    name: String,
    bytes: Vec<u8>,
}

fn seeds() -> Vec<Seed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = vec![
        root.join("sample-data/send_consultation.xlsx"),
        root.join("sample-data/send_consultation.csv"),
    ];
    if let Ok(entries) = std::fs::read_dir(root.join("../shared/fixtures/real-exports")) {
        let mut shared: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        shared.sort();
        paths.extend(shared);
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let mut bytes = std::fs::read(&path).ok()?;
            // Big text seeds are cut so each pass stays quick; workbooks must stay whole zips.
            if path.extension().is_some_and(|extension| extension == "csv") {
                bytes.truncate(20_000);
            }
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some(Seed { name, bytes })
        })
        .collect()
}

fn mutate(rng: &mut fastrand::Rng, bytes: &[u8], pieces: &[&str]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.usize(1..8) {
        if out.is_empty() {
            out.push(rng.u8(..));
            continue;
        }
        let at = rng.usize(..out.len());
        match rng.u8(..6) {
            0 => out[at] = rng.u8(..),
            1 => out.insert(at, rng.u8(..)),
            2 => {
                out.remove(at);
            }
            3 => out.truncate(at),
            4 => {
                let end = (at + rng.usize(1..64)).min(out.len());
                let chunk = out[at..end].to_vec();
                let to = rng.usize(..out.len());
                out.splice(to..to, chunk);
            }
            _ => {
                let piece = pieces[rng.usize(..pieces.len())].as_bytes();
                out.splice(at..at, piece.iter().copied());
            }
        }
    }
    out
}

/// A workbook package with one XML part mutated and the zip rebuilt around it, so the mutation
/// reaches the XML reader instead of failing the zip's checksum.
fn mutate_package(rng: &mut fastrand::Rng, bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut parts = Vec::new();
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).ok()?;
        let mut content = Vec::new();
        part.read_to_end(&mut content).ok()?;
        parts.push((part.name().ok()?.into_owned(), content));
    }
    let xml_parts: Vec<usize> = (0..parts.len())
        .filter(|index| parts[*index].0.ends_with("xml") || parts[*index].0.ends_with("rels"))
        .collect();
    if xml_parts.is_empty() {
        return None;
    }
    let chosen = xml_parts[rng.usize(..xml_parts.len())];
    parts[chosen].1 = mutate(rng, &parts[chosen].1, &XML_PIECES);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in &parts {
        writer
            .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .ok()?;
        writer.write_all(content).ok()?;
    }
    Some(writer.finish().ok()?.into_inner())
}

fn random_csv(rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut text = String::new();
    for _ in 0..rng.usize(0..400) {
        text.push_str(CSV_PIECES[rng.usize(..CSV_PIECES.len())]);
        if rng.bool() {
            text.push(rng.char(..));
        }
    }
    text.into_bytes()
}

fn random_workbook(rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for sheet_number in 0..rng.usize(1..4) {
        let sheet = workbook.add_worksheet();
        if sheet_number > 0 && rng.bool() {
            sheet.set_hidden(true);
        }
        for _ in 0..rng.usize(0..120) {
            let row = if rng.u8(..20) == 0 {
                rng.u32(..1_048_575)
            } else {
                rng.u32(..40)
            };
            let column = if rng.u8(..20) == 0 {
                rng.u16(..16_383)
            } else {
                rng.u16(..12)
            };
            let piece = CSV_PIECES[rng.usize(..CSV_PIECES.len())];
            let written = match rng.u8(..4) {
                0 => sheet
                    .write_number(row, column, rng.f64() * 1000.0)
                    .map(|_| ()),
                1 => sheet.write_boolean(row, column, rng.bool()).map(|_| ()),
                2 => sheet
                    .write_string(row, column, format!("{piece} {}", rng.char(..)))
                    .map(|_| ()),
                _ => sheet.write_string(row, column, piece).map(|_| ()),
            };
            assert!(written.is_ok(), "rust_xlsxwriter refused a cell");
        }
    }
    workbook.save_to_buffer().unwrap_or_default()
}

/// What any successful import must satisfy.
fn check(imported: &Imported, input: &str) {
    let survey = &imported.survey;
    let responses = survey.response_count();
    assert!(responses > 0, "{input}: a survey without responses");
    let mut names = HashSet::new();
    for column in &survey.columns {
        assert_eq!(
            column.values.len(),
            responses,
            "{input}: column {} is ragged",
            column.name
        );
        assert!(
            names.insert(column.name.to_lowercase()),
            "{input}: duplicate column {}",
            column.name
        );
    }
    for comment in survey.comments() {
        assert!(
            survey.comment_text(comment).is_some(),
            "{input}: comment without text"
        );
    }
}

#[test]
fn importer_survives_mutated_and_random_input() {
    // As the program does at start: panics inside the import boundary are counted, not printed.
    install_panic_hook();
    let iterations = std::env::var("CONSULTLENS_FUZZ_ITERATIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_ITERATIONS);
    let seed = std::env::var("CONSULTLENS_FUZZ_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1);
    let mut rng = fastrand::Rng::with_seed(seed);
    let seeds = seeds();
    let started = Instant::now();
    let (mut accepted, mut refused) = (0usize, 0usize);
    for iteration in 0..iterations {
        let (name, bytes) = match rng.u8(..5) {
            0 => ("random.csv".to_owned(), random_csv(&mut rng)),
            1 => ("random.xlsx".to_owned(), random_workbook(&mut rng)),
            2 => {
                let packages: Vec<&Seed> = seeds
                    .iter()
                    .filter(|seed| seed.name.ends_with(".xlsx"))
                    .collect();
                let seed = packages[rng.usize(..packages.len())];
                let bytes =
                    mutate_package(&mut rng, &seed.bytes).unwrap_or_else(|| seed.bytes.clone());
                (seed.name.clone(), bytes)
            }
            _ => {
                let seed = &seeds[rng.usize(..seeds.len())];
                (
                    seed.name.clone(),
                    mutate(&mut rng, &seed.bytes, &CSV_PIECES),
                )
            }
        };
        let input = format!("iteration {iteration} ({name}, seed {seed})");
        match import_bytes(
            Path::new(&name),
            &bytes,
            &ImportOptions::default(),
            &Progress::new(),
        ) {
            Ok(imported) => {
                check(&imported, &input);
                accepted += 1;
            }
            Err(error) => {
                assert!(
                    error.to_string().contains(&name),
                    "{input}: message does not name the file: {error}"
                );
                refused += 1;
            }
        }
        assert_eq!(
            own_panics_caught(),
            0,
            "{input}: our own reader panicked (caught at the import boundary)"
        );
    }
    eprintln!(
        "fuzzed {iterations} inputs in {:.1} s: {accepted} imported, {refused} refused with a message",
        started.elapsed().as_secs_f64()
    );
}
