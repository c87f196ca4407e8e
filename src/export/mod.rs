//! Summary -> files. The only module that names rust_xlsxwriter.

mod coded_rows;
mod csv_file;
mod error;
mod sheet_xml;
mod splice;
mod workbook;

pub use csv_file::write_coded_csv;
pub use error::ExportError;
pub use workbook::{Highlights, SHEET_NAMES, write_summary_workbook};
