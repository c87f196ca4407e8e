//! Summary -> files. The only module that names rust_xlsxwriter.

mod error;
mod workbook;

pub use error::ExportError;
pub use workbook::{Highlights, SHEET_NAMES, write_summary_workbook};
