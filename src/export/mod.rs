//! Summary -> files. The only module that names rust_xlsxwriter.

pub mod chart_image;
mod coded_rows;
mod csv_file;
mod error;
mod report;
mod sheet_xml;
mod splice;
mod workbook;

pub use csv_file::write_coded_csv;
pub use error::ExportError;
pub use report::{ReportInputs, report_html, write_report};
pub use workbook::{Highlights, SHEET_NAMES, write_summary_workbook};
