use std::collections::BTreeSet;

use vitalboard::docs::ENDPOINTS;

#[test]
fn every_server_function_is_documented_and_every_documented_one_exists() {
    let served: BTreeSet<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method.to_string(), path.to_owned()))
        .collect();
    assert!(!served.is_empty(), "no server functions registered");
    let documented: BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/"))
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "server functions missing from the API page: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "API page documents endpoints that do not exist: {phantom:?}"
    );
}
