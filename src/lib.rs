//! ConsultLens: turns consultation survey spreadsheets into an evidence-based feedback summary.
//!
//! The engine runs one way: files -> [`model::Survey`] -> [`tagging::Tagging`] ->
//! [`analysis::Summary`] -> outputs. The GUI and the command line are thin front ends over it.
//!
//! ```
//! use consultlens::{analysis, codebook::Codebook, export, import, progress::Progress, tagging};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/send_consultation.xlsx");
//! let progress = Progress::new();
//! let imported = import::import_file(&sample, &import::ImportOptions::default(), &progress)?;
//! let codebook = Codebook::built_in("send-strategy")?;
//! let tagging = tagging::tag_survey(&imported.survey, &codebook, &progress).ok_or("cancelled")?;
//! let summary = analysis::summarise(&imported.survey, &codebook, &tagging);
//! for theme in summary.themes.iter().take(3) {
//!     println!("{}: {} respondents", theme.name, theme.respondents);
//! }
//! let out = std::env::temp_dir().join("consultlens-doc-example.xlsx");
//! let highlights = export::Highlights::default();
//! // Email addresses, phone numbers, postcodes and respondents' names in comments are masked.
//! let redactor = consultlens::redact::Redactor::new(&imported.survey);
//! export::write_summary_workbook(
//!     &out, &imported.survey, &codebook, &tagging, &summary, &highlights, Some(&redactor),
//! )?;
//! # std::fs::remove_file(out)?;
//! # Ok(())
//! # }
//! ```

pub mod analysis;
pub mod answers;
pub mod codebook;
pub mod cores;
pub mod counts;
pub mod export;
pub mod files;
pub mod heading;
pub mod import;
pub mod keys;
pub mod learning;
pub mod model;
pub mod progress;
pub mod project;
pub mod redact;
pub mod tagging;
pub mod wording;

pub mod cli;
pub mod gui;
