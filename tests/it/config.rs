use toml::Value;

fn leptos_table(file: &str) -> toml::Table {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc["package"]["metadata"]["leptos"]
        .as_table()
        .unwrap_or_else(|| panic!("{file} has no [package.metadata.leptos]"))
        .clone()
}

/// The server reads Leptos.toml; cargo-leptos reads Cargo.toml. Every key the
/// server reads must have the same value in both.
#[test]
fn site_settings_agree_between_leptos_toml_and_cargo_toml() {
    let runtime = leptos_table("Leptos.toml");
    let build = leptos_table("Cargo.toml");
    assert!(runtime.contains_key("output-name") && runtime.contains_key("site-root"));
    for (key, value) in &runtime {
        let built: Option<&Value> = build.get(key);
        assert_eq!(
            built,
            Some(value),
            "Leptos.toml and Cargo.toml disagree on {key}"
        );
    }
}
