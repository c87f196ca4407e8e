//! What a file is, decided once from its first bytes and never from its name: a zip package
//! (.xlsx .xlsm .xlsb .ods), an OLE compound file (.xls, or an encrypted Office file), text, or
//! something ConsultLens cannot read. Each kind gets its reader.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use zip::ZipArchive;

use super::calamine_reader::{CalamineBook, CalamineFormat};
use super::csv_file::{TextFile, looks_binary};
use super::reader::SheetReader;
use super::report::{ImportError, ReadError};
use super::xlsx::{Opened, Package, XlsxBook};

/// Bytes read from the top of a file to tell what it is (and, for text, how to read the rest).
pub(super) const HEAD_BYTES: usize = 64 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const COMPOUND_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The reader for the file in `input`; `path` names it in messages and says whether a text file
/// is tab-separated.
///
/// # Errors
/// [`ImportError`] naming the file when it is empty, not a spreadsheet, password-protected,
/// damaged or unreadable.
pub fn open_reader<'input, R: Read + Seek + Send + 'input>(
    path: &Path,
    mut input: R,
) -> Result<Box<dyn SheetReader + 'input>, ImportError> {
    let reading = |error: std::io::Error| ImportError::reading(path, ReadError::Io(error));
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut input)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(reading)?;
    input.seek(SeekFrom::Start(0)).map_err(reading)?;
    if head.is_empty() {
        return Err(ImportError::EmptyFile {
            path: path.to_owned(),
        });
    }
    if head.starts_with(ZIP_MAGIC) {
        return open_package(path, input);
    }
    if head.starts_with(COMPOUND_MAGIC) {
        return open_compound(path, input);
    }
    if looks_binary(&head) {
        return Err(ImportError::NotASpreadsheet {
            path: path.to_owned(),
        });
    }
    Ok(Box::new(TextFile::new(
        input,
        head,
        extension(path) == "tsv",
    )))
}

/// A zip: our own reader for SpreadsheetML, calamine for .xlsb and .ods.
fn open_package<'input, R: Read + Seek + Send + 'input>(
    path: &Path,
    input: R,
) -> Result<Box<dyn SheetReader + 'input>, ImportError> {
    let damaged = |detail: String| ImportError::reading(path, ReadError::Damaged(detail));
    let archive = ZipArchive::new(input).map_err(|error| damaged(error.to_string()))?;
    let (archive, format) = match Package::open(archive).map_err(damaged)? {
        Opened::SpreadsheetMl(package) => return Ok(Box::new(XlsxBook::new(package))),
        Opened::BinaryWorkbook(archive) => (archive, CalamineFormat::Xlsb),
        Opened::Other(archive) if archive.index_for_name("content.xml").is_some() => {
            (archive, CalamineFormat::Ods)
        }
        Opened::Other(_) => {
            return Err(ImportError::NotASpreadsheet {
                path: path.to_owned(),
            });
        }
    };
    let mut input = archive.into_inner();
    input
        .seek(SeekFrom::Start(0))
        .map_err(|error| ImportError::reading(path, ReadError::Io(error)))?;
    let book =
        CalamineBook::open(input, format).map_err(|error| ImportError::reading(path, error))?;
    Ok(Box::new(book))
}

/// An OLE compound file: an .xls workbook, unless it holds an encrypted Office package.
fn open_compound<'input, R: Read + Seek + Send + 'input>(
    path: &Path,
    mut input: R,
) -> Result<Box<dyn SheetReader + 'input>, ImportError> {
    // calamine reads an .xls whole anyway, and the encryption mark may be anywhere in it.
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|error| ImportError::reading(path, ReadError::Io(error)))?;
    let ooxml_name = matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xlsb");
    if ooxml_name || is_encrypted_package(&bytes) {
        return Err(ImportError::PasswordProtected {
            path: path.to_owned(),
        });
    }
    let book = CalamineBook::open(Cursor::new(bytes), CalamineFormat::Xls)
        .map_err(|error| ImportError::reading(path, error))?;
    Ok(Box::new(book))
}

/// Encrypted OOXML files are compound files holding an `EncryptedPackage` stream; its UTF-16 name
/// shows in the directory bytes.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    memchr::memmem::find(bytes, &name).is_some()
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|extension| extension.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_package_name_is_recognised() {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0];
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(is_encrypted_package(&bytes));
        assert!(!is_encrypted_package(b"plain"));
    }
}
