//! The direction of dependencies: every room of `src/` builds only on the
//! rooms below it, so no two import each other, even through others. The
//! order is the one the README draws.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rooms from the bottom up. A feature's components and pages (its
/// `ui` module) belong to `pages`; everything else of a folder to the
/// folder's room.
const ORDER: [&str; 23] = [
    "error",
    "paging",
    "wire",
    "address",
    "vocabulary",
    "zones",
    "platform",
    "rules",
    "accounts",
    "display",
    "history",
    "system",
    "notifications",
    "patients",
    "rounds",
    "live",
    "fhir",
    "export",
    "docs",
    "pages",
    "demo",
    "simulate",
    "server",
];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The room of a file (`None` for the crate's roots).
fn room(relative: &Path) -> Option<String> {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    let top = parts[0].as_str();
    if top == "lib" || top == "main" {
        return None;
    }
    if top == "app" || top == "ui" || parts[1..].iter().any(|p| p == "ui") {
        return Some("pages".into());
    }
    Some(top.to_owned())
}

/// The top-level modules a source names with `crate::`, outside comments.
fn imports(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top_level(&group[..end]) {
                named.insert(first_name(item));
            }
        } else if !is_macro(rest) {
            named.insert(first_name(rest));
        }
    }
    named.retain(|n| !n.is_empty());
    named
}

/// Whether the path is a macro's (`crate::text!`), which is not a module.
fn is_macro(text: &str) -> bool {
    text[first_name(text).len()..].starts_with('!')
}

fn first_name(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn matching_brace(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

fn split_top_level(text: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

fn rank(room: &str) -> usize {
    ORDER
        .iter()
        .position(|r| *r == room)
        .unwrap_or_else(|| panic!("the room `{room}` is not in the order; add it where it belongs"))
}

#[test]
fn every_room_builds_only_on_the_rooms_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let mut upward = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap();
        let Some(from) = room(relative) else {
            continue;
        };
        for to in imports(&std::fs::read_to_string(file).unwrap()) {
            let to_room = match room(Path::new(&to)) {
                Some(r) if to != "ui" && to != "app" => r,
                _ => "pages".to_owned(),
            };
            if to_room != from && rank(&to_room) > rank(&from) {
                upward.push(format!(
                    "{} ({from}) uses crate::{to} ({to_room})",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that point up the order:\n{}",
        upward.join("\n")
    );
    assert!(files.len() > 50, "the sources were found: {}", files.len());
}

#[test]
fn the_readme_draws_the_same_order() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("<!-- dependency order -->")
        .expect("the README draws the dependency order");
    let drawing = &readme[start..];
    let drawing = &drawing[..drawing.find("```\n\n").unwrap_or(drawing.len())];
    let drawn: Vec<&str> = drawing
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| ORDER.contains(name))
        .collect();
    let mut expected: Vec<&str> = ORDER.to_vec();
    expected.reverse();
    assert_eq!(drawn, expected, "the README draws the rooms top down");
}

#[test]
fn the_import_reader_sees_grouped_and_nested_paths() {
    let named = imports(
        "use crate::{accounts::{Caller, auth}, error::AppError};\n\
         // crate::live in a comment\n\
         let s = crate::zones::hospital();\n\
         crate::text!(Reason);",
    );
    assert_eq!(
        named.into_iter().collect::<Vec<_>>(),
        ["accounts", "error", "zones"]
    );
    assert_eq!(
        room(Path::new("rounds/ui/form.rs")).as_deref(),
        Some("pages")
    );
    assert_eq!(room(Path::new("display/ui.rs")).as_deref(), Some("pages"));
    assert_eq!(
        room(Path::new("rounds/service.rs")).as_deref(),
        Some("rounds")
    );
}
