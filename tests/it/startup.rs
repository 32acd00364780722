//! Bad configuration ends the process with one clear line, not a backtrace.

use std::process::Stdio;

async fn start_with(env: &[(&str, &str)]) -> (bool, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_vitalboard"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .expect("the server should give up rather than hang")
        .expect("run the server binary");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_one_clear_line(stderr: &str, needle: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("vitalboard: "), "{stderr}");
    assert!(
        lines[0].contains(needle),
        "expected '{needle}' in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn unknown_database_scheme() {
    let (ok, stderr) = start_with(&[("DATABASE_URL", "mysql://root@127.0.0.1/test")]).await;
    assert!(!ok);
    assert_one_clear_line(&stderr, "unknown scheme 'mysql'");
}

#[tokio::test]
async fn data_folder_that_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"").unwrap();
    let url = format!("sqlite://{}/data/vitalboard.db", file.display());
    let (ok, stderr) = start_with(&[("DATABASE_URL", &url)]).await;
    assert!(!ok);
    assert_one_clear_line(&stderr, "cannot create the data folder");
}

#[tokio::test]
async fn port_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let url = format!("sqlite://{}/vitalboard.db", dir.path().display());
    let (ok, stderr) = start_with(&[("DATABASE_URL", &url), ("LEPTOS_SITE_ADDR", &addr)]).await;
    assert!(!ok);
    assert_one_clear_line(&stderr, &format!("cannot listen on {addr}"));
}

#[tokio::test]
async fn database_that_does_not_answer() {
    let (ok, stderr) =
        start_with(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/test")]).await;
    assert!(!ok);
    assert_one_clear_line(
        &stderr,
        "database: cannot connect to postgres://postgres@127.0.0.1:1/test",
    );
}
