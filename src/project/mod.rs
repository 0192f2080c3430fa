//! `iamc.toml`: sources, output folder, constants per environment. Parses text it is handed.
