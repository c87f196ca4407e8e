//! The project's rule: no two source files import each other in a circle, directly or through
//! others. Each file's imports are read from its source text with a small tokenizer, so the check
//! needs no crates beyond std and sees exactly what a developer sees.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::Path;

/// Source text keyed by path relative to `src/`, with `/` separators, e.g. `import/roles.rs`.
type Sources = BTreeMap<String, String>;

/// Each file and the files it depends on, all relative to `src/`.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

/// Splits Rust source into identifiers, `::` and punctuation; comments, string and character
/// literals and numbers are dropped because a path inside them is not an import.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let at = |index: usize| chars.get(index).copied().unwrap_or('\0');
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A character literal (`'x'`, `'\''`, `b'"'`) is skipped whole; a lifetime or label
            // (`'a`) loses only its quote, leaving a harmless identifier.
            if at(i + 1) == '\\' {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut hashes = 0;
            while at(i + hashes) == '#' {
                hashes += 1;
            }
            let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
            if raw_prefix && at(i + hashes) == '"' {
                // Raw string: ends at a quote followed by as many `#` as opened it.
                i += hashes + 1;
                while i < chars.len() {
                    if chars[i] == '"' && (1..=hashes).all(|offset| at(i + offset) == '#') {
                        i += hashes + 1;
                        break;
                    }
                    i += 1;
                }
            } else if word == "r" && hashes == 1 && is_ident(at(i + 1)) {
                // Raw identifier such as `r#type`: keep the name, the next loop pass reads it.
                i += 1;
            } else {
                tokens.push(Token::Ident(word));
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push(Token::PathSep);
            i += 2;
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// Drops each item marked `#[cfg(test)]` (normally `mod tests { ... }`): test code may reach
/// anywhere without creating a dependency in the shipped program.
fn without_test_items(tokens: &[Token]) -> Vec<Token> {
    let ident = |name: &str| Token::Ident(name.to_owned());
    let cfg_test = [
        Token::Punct('#'),
        Token::Punct('['),
        ident("cfg"),
        Token::Punct('('),
        ident("test"),
        Token::Punct(')'),
        Token::Punct(']'),
    ];
    let mut kept = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i..].starts_with(&cfg_test) {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // The item ends at its first `;` outside brackets, or at the brace closing its first block.
        i += cfg_test.len();
        let (mut braces, mut brackets) = (0, 0);
        while let Some(token) = tokens.get(i) {
            i += 1;
            match token {
                Token::Punct(';') if braces == 0 && brackets == 0 => break,
                Token::Punct('(' | '[') => brackets += 1,
                Token::Punct(')' | ']') => brackets -= 1,
                Token::Punct('{') => braces += 1,
                Token::Punct('}') => {
                    braces -= 1;
                    if braces == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    kept
}

/// Expands one `use` tree starting at `*position` into full paths, e.g. `a::{b::{C, D}, e}` into
/// `a::b::C`, `a::b::D` and `a::e`.
fn expand_use_tree(tokens: &[Token], position: &mut usize, prefix: &[String]) -> Vec<Vec<String>> {
    let mut path = prefix.to_vec();
    while let Some(token) = tokens.get(*position) {
        match token {
            Token::PathSep => *position += 1,
            Token::Ident(word) if word == "as" => {
                *position += 2;
                break;
            }
            Token::Ident(word) => {
                path.push(word.clone());
                *position += 1;
            }
            Token::Punct('*') => {
                *position += 1;
                break;
            }
            Token::Punct('{') => {
                *position += 1;
                let mut paths = Vec::new();
                while let Some(token) = tokens.get(*position) {
                    let before = *position;
                    match token {
                        Token::Punct('}') => {
                            *position += 1;
                            break;
                        }
                        Token::Punct(',') => *position += 1,
                        _ => paths.extend(expand_use_tree(tokens, position, &path)),
                    }
                    // Malformed input must not spin forever.
                    if *position == before {
                        *position += 1;
                    }
                }
                return paths;
            }
            _ => break,
        }
    }
    vec![path]
}

/// The module a path lands in: the longest prefix that names a known module, starting from
/// `module`. `None` for paths into other crates (std, serde, ...).
fn resolve(module: &str, path: &[String], known_modules: &BTreeSet<String>) -> Option<String> {
    let (first, rest) = path.split_first()?;
    let mut current: Vec<&str> = module.split("::").collect();
    match first.as_str() {
        // The binary names the library by its crate name.
        "crate" | "consultlens" => current.truncate(1),
        "super" if current.len() > 1 => {
            current.pop();
        }
        "self" => {}
        child if known_modules.contains(&format!("{module}::{child}")) => current.push(child),
        _ => return None,
    }
    for segment in rest {
        match segment.as_str() {
            "super" if current.len() > 1 => {
                current.pop();
            }
            "self" => {}
            name => {
                let candidate = format!("{}::{name}", current.join("::"));
                if !known_modules.contains(&candidate) {
                    break;
                }
                current.push(name);
            }
        }
    }
    Some(current.join("::"))
}

/// The other modules that the code of `module` (e.g. `crate::import::combine`) refers to through
/// `use` declarations and inline paths such as `crate::files::display_name(path)`.
fn dependencies_of(
    module: &str,
    source: &str,
    known_modules: &BTreeSet<String>,
) -> BTreeSet<String> {
    let tokens = without_test_items(&tokenize(source));
    let mut paths = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Token::Ident(word) = &tokens[i] else {
            i += 1;
            continue;
        };
        if word == "use" {
            i += 1;
            paths.extend(expand_use_tree(&tokens, &mut i, &[]));
            continue;
        }
        let before = |back: usize| i.checked_sub(back).map(|index| &tokens[index]);
        // Skip the middle of a path, a method call such as `.collect::<T>()` and the visibility
        // `pub(in crate::x)`, which uses nothing.
        let mid_path = before(1) == Some(&Token::PathSep)
            || (before(1) == Some(&Token::Punct('.')) && before(2) != Some(&Token::Punct('.')));
        let visibility = matches!(before(1), Some(Token::Ident(previous)) if previous == "in")
            && before(2) == Some(&Token::Punct('('));
        let mut path = vec![word.clone()];
        let mut end = i + 1;
        while tokens.get(end) == Some(&Token::PathSep) {
            let Some(Token::Ident(segment)) = tokens.get(end + 1) else {
                break;
            };
            path.push(segment.clone());
            end += 2;
        }
        // A lone `crate`, `super` or `self` (as in `pub(crate)`) is not a path into anything.
        if !mid_path && !visibility && path.len() > 1 {
            paths.push(path);
        }
        i = end;
    }
    paths
        .iter()
        .filter_map(|path| resolve(module, path, known_modules))
        .filter(|target| target != module)
        .collect()
}

/// `lib.rs` and `main.rs` (the binary, which reaches the library as `consultlens::`) are `crate`,
/// `a/mod.rs` and `a.rs` are `crate::a`, `a/b.rs` is `crate::a::b`.
fn module_path_of(relative: &str) -> String {
    if relative == "lib.rs" || relative == "main.rs" {
        return "crate".to_owned();
    }
    let without_extension = relative.strip_suffix(".rs").unwrap_or(relative);
    let without_mod = without_extension
        .strip_suffix("/mod")
        .unwrap_or(without_extension);
    format!("crate::{}", without_mod.replace('/', "::"))
}

fn dependency_graph(sources: &Sources) -> Graph {
    let mut file_of_module = BTreeMap::new();
    for relative in sources.keys().filter(|relative| *relative != "main.rs") {
        file_of_module.insert(module_path_of(relative), relative.clone());
    }
    let known_modules: BTreeSet<String> = file_of_module.keys().cloned().collect();
    sources
        .iter()
        .map(|(relative, source)| {
            let targets = dependencies_of(&module_path_of(relative), source, &known_modules)
                .iter()
                .filter_map(|module| file_of_module.get(module))
                .cloned()
                .collect();
            (relative.clone(), targets)
        })
        .collect()
}

/// The shortest way from `start` to `goal`, both included.
fn shortest_path(graph: &Graph, start: &str, goal: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(file) = queue.pop_front() {
        if file == goal {
            let mut path = vec![goal.to_owned()];
            let mut step = goal;
            while let Some(previous) = came_from.get(step) {
                path.push((*previous).to_owned());
                step = previous;
            }
            path.reverse();
            return Some(path);
        }
        for next in graph.get(file).into_iter().flatten() {
            if next != start && !came_from.contains_key(next.as_str()) {
                came_from.insert(next, file);
                queue.push_back(next);
            }
        }
    }
    None
}

/// Every circle, one per dependency that lies on one: the dependency `a -> b` followed by the
/// shortest way back from `b` to `a`. Each is written `a.rs -> b.rs -> a.rs`, starting from its
/// alphabetically first file so that the same circle is listed once.
fn circles(graph: &Graph) -> Vec<String> {
    let mut found = BTreeSet::new();
    for (file, targets) in graph {
        for target in targets {
            let Some(way_back) = shortest_path(graph, target, file) else {
                continue;
            };
            let mut circle: Vec<&str> = vec![file.as_str()];
            circle.extend(way_back[..way_back.len() - 1].iter().map(String::as_str));
            let first = (0..circle.len())
                .min_by_key(|&index| circle[index])
                .unwrap_or(0);
            circle.rotate_left(first);
            circle.push(circle[0]);
            found.insert(circle.join(" -> "));
        }
    }
    found.into_iter().collect()
}

fn read_sources(directory: &Path, relative_to: &Path, sources: &mut Sources) {
    let entries = fs::read_dir(directory).expect("source directory is readable");
    for entry in entries {
        let path = entry.expect("directory entry is readable").path();
        if path.is_dir() {
            read_sources(&path, relative_to, sources);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            let relative = path
                .strip_prefix(relative_to)
                .expect("file is under src/")
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = fs::read_to_string(&path).expect("source file is UTF-8 text");
            sources.insert(relative, text);
        }
    }
}

#[test]
fn no_source_files_import_each_other_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = Sources::new();
    read_sources(&src, &src, &mut sources);
    let graph = dependency_graph(&sources);

    // An empty graph would pass trivially; this crate has far more imports than this.
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    assert!(
        edges >= 20,
        "only {edges} dependencies found between {} files: the import parser is likely broken",
        sources.len()
    );

    let circles = circles(&graph);
    assert!(
        circles.is_empty(),
        "{} import circles between source files (paths relative to src/); \
         break each by removing one of its imports:\n{}",
        circles.len(),
        circles.join("\n")
    );
}

#[test]
fn the_circle_checker_reads_imports_and_finds_circles() {
    let known: BTreeSet<String> = [
        "crate",
        "crate::files",
        "crate::model",
        "crate::import",
        "crate::import::combine",
        "crate::import::report",
        "crate::import::roles",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let modules = |names: &[&str]| -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    };
    let combine = |source: &str| dependencies_of("crate::import::combine", source, &known);

    assert_eq!(
        combine("use super::{report::{ImportError, ImportReport}, roles};"),
        modules(&["crate::import::report", "crate::import::roles"])
    );
    assert_eq!(
        combine("fn f() { let name = crate::files::display_name(p); crate::model::Value::Empty }"),
        modules(&["crate::files", "crate::model"])
    );
    assert_eq!(
        combine("pub use super::super::model::Value; fn f(i: super::Imported) {}"),
        modules(&["crate::model", "crate::import"])
    );
    assert_eq!(
        dependencies_of(
            "crate::import",
            "pub use report::ImportError; mod roles;",
            &known
        ),
        modules(&["crate::import::report"])
    );
    assert_eq!(
        dependencies_of(
            "crate",
            "use consultlens::{files, model}; fn main() { serde_json::to_string(&1); }",
            &known
        ),
        modules(&["crate::files", "crate::model"])
    );
    assert_eq!(
        combine(
            "// use crate::files;\n/* crate::model::x /* nested */ crate::files */\n\
             use std::path::Path; use self::inner::Thing; pub(crate) fn f<'a>(s: &'a str) {\n\
             let q = b'\"'; let t = \"crate::files::x\"; let r = r#\"super::roles\"#; }\n\
             #[cfg(test)]\nfn helper() -> [u8; 2] { crate::files::x() }\n\
             #[cfg(test)]\nmod tests { use crate::model::Value; }"
        ),
        modules(&[])
    );

    let sources: Sources = [
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;"),
        ("a.rs", "use crate::b::Thing;"),
        ("b.rs", "pub fn f() { crate::c::g() }"),
        ("c.rs", "use super::a;"),
        ("d.rs", "use crate::a::Other;"),
    ]
    .into_iter()
    .map(|(file, text)| (file.to_owned(), text.to_owned()))
    .collect();
    assert_eq!(
        circles(&dependency_graph(&sources)),
        vec!["a.rs -> b.rs -> c.rs -> a.rs".to_owned()]
    );
}
