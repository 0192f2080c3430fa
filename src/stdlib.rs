//! The standard library, embedded in the binary so an installed `iamc` needs no files.
//! A test checks this list against the `stdlib/` directory.

use crate::source::{Origin, Sources};

/// `(module path, file name shown in diagnostics, text)`
pub const STDLIB: &[(&str, &str, &str)] = &[
    (
        "std.boundaries",
        "std/boundaries.iamc",
        include_str!("../stdlib/std/boundaries.iamc"),
    ),
    (
        "std.guards",
        "std/guards.iamc",
        include_str!("../stdlib/std/guards.iamc"),
    ),
    (
        "std.jobs",
        "std/jobs.iamc",
        include_str!("../stdlib/std/jobs.iamc"),
    ),
    (
        "std.passrole",
        "std/passrole.iamc",
        include_str!("../stdlib/std/passrole.iamc"),
    ),
    (
        "std.patterns",
        "std/patterns.iamc",
        include_str!("../stdlib/std/patterns.iamc"),
    ),
    (
        "std.rcp",
        "std/rcp.iamc",
        include_str!("../stdlib/std/rcp.iamc"),
    ),
    (
        "std.scp",
        "std/scp.iamc",
        include_str!("../stdlib/std/scp.iamc"),
    ),
    (
        "std.trust",
        "std/trust.iamc",
        include_str!("../stdlib/std/trust.iamc"),
    ),
];

/// Adds every standard library module to `sources`.
pub fn add_to(sources: &mut Sources) {
    for (module, name, text) in STDLIB {
        sources.add(*name, *module, Origin::Stdlib((*module).to_string()), *text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_matches_the_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/std");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".iamc"))
            .map(|n| format!("std/{n}"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = STDLIB.iter().map(|(_, n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
        for (module, name, _) in STDLIB {
            assert_eq!(format!("{}.iamc", module.replace('.', "/")), *name);
        }
    }
}
