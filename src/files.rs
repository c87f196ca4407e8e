//! Writing files so that a crash or a full disk never leaves half a file behind.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
///
/// # Errors
/// The I/O error from creating, writing, syncing or renaming the temporary file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temporary = temporary_beside(path)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A new temporary file in `path`'s folder, to be renamed over `path` once complete (and
/// removed if it never is). It gets the permissions any new file of the user's gets (their
/// umask), so colleagues sharing the folder can open it as they could a file saved from Excel.
///
/// # Errors
/// The I/O error from creating it.
pub fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".consultlens-");
    // Temporary files are private (0600) by default; ask for what `File::create` asks for and
    // let the umask narrow it.
    #[cfg(unix)]
    builder
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o666));
    builder.tempfile_in(directory)
}

/// A file's name without its folder, for short messages.
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporary() {
        let directory = tempfile::tempdir().expect("temp dir");
        let path = directory.path().join("out.txt");
        write_atomically(&path, b"first version, longer").expect("writes");
        write_atomically(&path, b"second").expect("writes");
        assert_eq!(std::fs::read(&path).expect("reads"), b"second");
        assert_eq!(
            std::fs::read_dir(directory.path()).expect("lists").count(),
            1
        );
        assert!(same_file(
            &path,
            &directory.path().join(".").join("out.txt")
        ));
    }

    #[cfg(unix)]
    #[test]
    fn written_files_follow_the_umask_like_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().expect("temp dir");
        let plain = directory.path().join("plain.txt");
        std::fs::File::create(&plain).expect("creates");
        let written = directory.path().join("summary.xlsx");
        write_atomically(&written, b"bytes").expect("writes");
        let mode = |path: &Path| {
            let bits = std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode();
            format!("{:o}", bits & 0o777)
        };
        assert_eq!(mode(&written), mode(&plain));
    }
}
