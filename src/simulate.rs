//! `vitalboard simulate`: records plausible rounds for the admitted
//! patients through the public REST API with an API token, one patient
//! after another, so screens can be watched changing.

use std::time::Duration;

use rand::Rng;
use serde_json::{Value, json};

const USAGE: &str = "usage: vitalboard simulate --token T [--url http://127.0.0.1:3000] [--every SECONDS] (the token may also come from VITALBOARD_TOKEN)";

struct Options {
    url: String,
    token: String,
    every: Duration,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut url = "http://127.0.0.1:3000".to_owned();
    let mut token = std::env::var("VITALBOARD_TOKEN").ok();
    let mut every = Duration::from_secs(5);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value; {USAGE}"))
        };
        match arg.as_str() {
            "--url" => url = value()?.trim_end_matches('/').to_owned(),
            "--token" => token = Some(value()?),
            "--every" => {
                let seconds: f64 = value()?
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.01)
                    .ok_or_else(|| format!("--every needs a number of seconds ≥ 0.01; {USAGE}"))?;
                every = Duration::from_secs_f64(seconds);
            }
            other => return Err(format!("unknown argument '{other}'; {USAGE}")),
        }
    }
    let token = token.ok_or_else(|| format!("an API token is needed; {USAGE}"))?;
    Ok(Options { url, token, every })
}

/// A value near `last` (or `typical`), moved a little, kept within bounds.
fn drift(last: Option<f64>, typical: f64, step: f64, low: f64, high: f64) -> f64 {
    let base = last.unwrap_or(typical);
    let pulled = base + (typical - base) * 0.1;
    (pulled + rand::rng().random_range(-step..=step)).clamp(low, high)
}

/// The next round of a patient whose newest round is `last`.
fn next_round(last: &Value) -> Value {
    let number = |name: &str| last.get(name).and_then(Value::as_f64);
    let temperature = drift(number("temperature_c"), 38.2, 0.4, 35.5, 40.5);
    let systolic = drift(number("systolic_mmhg"), 112.0, 6.0, 80.0, 150.0).round();
    json!({
        "temperature_c": format!("{temperature:.1}"),
        "pulse_per_min": format!("{:.0}", drift(number("pulse_per_min"), 92.0, 6.0, 55.0, 140.0)),
        "respiration_per_min": format!("{:.0}", drift(number("respiration_per_min"), 18.0, 2.0, 10.0, 30.0)),
        "systolic_mmhg": format!("{systolic:.0}"),
        "diastolic_mmhg": format!("{:.0}", (systolic * 0.65).round()),
        "spo2_percent": format!("{:.0}", drift(number("spo2_percent"), 97.0, 1.0, 90.0, 100.0)),
        "intake_oral_ml": format!("{:.0}", rand::rng().random_range(100.0..400.0_f64)),
        "output_urine_ml": format!("{:.0}", rand::rng().random_range(80.0..350.0_f64)),
    })
}

async fn call(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request
        .send()
        .await
        .map_err(|e| format!("the server does not answer: {e}"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status}: {body}"))
    }
}

/// Runs until interrupted.
pub async fn run(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let bearer = format!("Bearer {}", options.token);
    let get = |path: &str| {
        client
            .get(format!("{}{path}", options.url))
            .header("Authorization", &bearer)
    };
    println!(
        "simulating rounds at {} every {:.2} s",
        options.url,
        options.every.as_secs_f64()
    );
    let mut turn = 0usize;
    loop {
        tokio::time::sleep(options.every).await;
        let patients = match call(get("/api/patients?status=admitted&per_page=100")).await {
            Ok(page) => page["items"].as_array().cloned().unwrap_or_default(),
            Err(e) => {
                eprintln!("cannot list patients: {e}");
                continue;
            }
        };
        let Some(patient) = patients.get(turn % patients.len().max(1)) else {
            continue;
        };
        turn += 1;
        let id = patient["id"].as_i64().unwrap_or_default();
        let last = call(get(&format!("/api/rounds?patient_id={id}&per_page=1")))
            .await
            .ok()
            .and_then(|page| page["items"].get(0).cloned())
            .unwrap_or(Value::Null);
        let body = json!({ "patient_id": id, "round": next_round(&last) });
        let recorded = client
            .post(format!("{}/api/rounds/record", options.url))
            .header("Authorization", &bearer)
            .json(&body);
        match call(recorded).await {
            Ok(round) => println!(
                "recorded round {} for {}, {}",
                round["id"],
                patient["last_name"].as_str().unwrap_or_default(),
                patient["first_name"].as_str().unwrap_or_default()
            ),
            Err(e) => eprintln!("cannot record a round: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_stay_plausible() {
        let mut last = Value::Null;
        for _ in 0..500 {
            last = next_round(&last);
            let t: f64 = last["temperature_c"].as_str().unwrap().parse().unwrap();
            assert!((35.5..=40.5).contains(&t), "{t}");
            let spo2: f64 = last["spo2_percent"].as_str().unwrap().parse().unwrap();
            assert!((90.0..=100.0).contains(&spo2), "{spo2}");
            let numbers: serde_json::Map<String, Value> = last
                .as_object()
                .unwrap()
                .iter()
                .map(|(name, value)| {
                    let number: f64 = value.as_str().unwrap().parse().unwrap();
                    (name.clone(), json!(number))
                })
                .collect();
            last = Value::Object(numbers);
        }
    }

    #[test]
    fn options_need_a_token_and_sane_numbers() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(options(&args(&["--token", "vb_x", "--every", "0"])).is_err());
        assert!(options(&args(&["--token", "vb_x", "--colour", "red"])).is_err());
        let parsed = options(&args(&[
            "--token",
            "vb_x",
            "--every",
            "2",
            "--url",
            "http://h:1/",
        ]))
        .unwrap();
        assert_eq!(parsed.url, "http://h:1");
        assert_eq!(parsed.every, Duration::from_secs(2));
    }
}
