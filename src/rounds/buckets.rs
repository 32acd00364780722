//! The charts' series of a stay as the database sums them: per time bucket
//! the minimum, maximum, mean and count of each charted measurement and of
//! the NEWS2 stored after each round, fluids per stretch of the clock, and
//! the newest value of each; on SQLite and PostgreSQL alike. A span whose
//! buckets are an hour or longer is summed from the patient's hours
//! (`round_hours`, kept with every change of its rounds), so a stay of
//! 100,000 rounds reads a row per hour; a shorter one from its rounds.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use super::series::{
    CHARTED, Charts, FluidPeriods, Fluids, INTAKE, OUTPUT, Point, Series, Span, fluid_periods,
};
use crate::error::AppError;
use crate::zones::Zone;

/// What is read of one patient's rounds.
pub struct Reading<'a> {
    pub patient_id: i32,
    pub span: Span,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub buckets: usize,
    pub scale2: bool,
    pub zone: &'a Zone,
}

const HOUR: i64 = 3600;

/// The measurements summed per hour: the charted fields and the NEWS2 on
/// either SpO2 scale.
fn summed_per_hour() -> impl Iterator<Item = &'static str> {
    CHARTED.into_iter().chain(["news2", "news2_scale2"])
}

/// The start of the hour `t` falls in, seconds since 1970: hours begin on
/// the hour of `zone`'s clock, so each lies within one of its shifts.
pub fn hour_of(t: DateTime<Utc>, zone: &Zone) -> i64 {
    let phase = i64::from(zone.offset(t).local_minus_utc()).rem_euclid(HOUR);
    let seconds = t.timestamp();
    seconds - (seconds - phase).rem_euclid(HOUR)
}

/// The sum of `fields` of a round, a field not given counting 0.
fn total(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| format!("COALESCE({f}, 0)"))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn placeholders(backend: DbBackend) -> [&'static str; 3] {
    match backend {
        DbBackend::Postgres => ["$1", "$2", "$3"],
        _ => ["?1", "?2", "?3"],
    }
}

/// Sums the patient's rounds of each of `hours` again (after rounds of
/// them were added, changed, deleted or scored again).
pub async fn recount(
    db: &impl ConnectionTrait,
    patient_id: i32,
    hours: &BTreeSet<i64>,
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    let [patient, lo, hi] = placeholders(backend);
    let within = format!("patient_id = {patient} AND measured_at >= {lo} AND measured_at < {hi}");
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for m in summed_per_hour() {
        for part in ["n", "sum", "min", "max", "last", "newest"] {
            columns.push(format!("{m}_{part}"));
        }
        values.push(format!(
            "COUNT({m}), SUM({m}), MIN({m}), MAX({m}), \
             MAX(CASE WHEN {m} IS NOT NULL THEN measured_at END), \
             (SELECT {m} FROM rounds WHERE {within} AND {m} IS NOT NULL \
              ORDER BY measured_at DESC, id DESC LIMIT 1)"
        ));
    }
    for &hour in hours {
        let start = DateTime::from_timestamp(hour, 0).ok_or(AppError::Internal)?;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM round_hours WHERE patient_id = {patient} AND hour = {hour}"),
            [Value::from(patient_id)],
        ))
        .await?;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO round_hours (patient_id, hour, rounds, intake_ml, output_ml, {columns}) \
                 SELECT {patient}, {hour}, COUNT(*), SUM({intake}), SUM({output}), {values} \
                 FROM rounds WHERE {within} HAVING COUNT(*) > 0",
                columns = columns.join(", "),
                values = values.join(", "),
                intake = total(&INTAKE),
                output = total(&OUTPUT),
            ),
            [
                Value::from(patient_id),
                start.into(),
                (start + Duration::seconds(HOUR)).into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// Where a span's buckets are summed from.
enum Source {
    /// The rounds themselves, for buckets shorter than an hour.
    Rounds,
    /// The patient's hours from `first` to `last` (their starts).
    Hours { first: i64, last: i64 },
}

/// How a reading is put to the database at hand.
struct Query<'r, 'z> {
    backend: DbBackend,
    reading: &'r Reading<'z>,
    source: Source,
}

impl Query<'_, '_> {
    /// Whole seconds since 1970 of `measured_at`.
    fn epoch(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "CAST(FLOOR(EXTRACT(EPOCH FROM measured_at)) AS BIGINT)",
            _ => "CAST(strftime('%s', measured_at) AS INTEGER)",
        }
    }

    /// The rows of the patient within the span.
    fn within(&self) -> String {
        let [patient, from, to] = placeholders(self.backend);
        match self.source {
            Source::Rounds => {
                format!("patient_id = {patient} AND measured_at >= {from} AND measured_at <= {to}")
            }
            Source::Hours { first, last } => {
                format!("patient_id = {patient} AND hour >= {first} AND hour <= {last}")
            }
        }
    }

    fn statement(&self, sql: String) -> Statement {
        let r = self.reading;
        let values: Vec<Value> = match self.source {
            Source::Rounds => vec![r.patient_id.into(), r.from.into(), r.to.into()],
            Source::Hours { .. } => vec![r.patient_id.into()],
        };
        Statement::from_sql_and_values(self.backend, sql, values)
    }
}

/// The columns summed, each named as its series: the charted fields and
/// the NEWS2 on the patient's SpO2 scale.
fn measures(scale2: bool) -> Vec<(&'static str, &'static str)> {
    let news2 = if scale2 { "news2_scale2" } else { "news2" };
    CHARTED
        .iter()
        .map(|name| (*name, *name))
        .chain([("news2", news2)])
        .collect()
}

fn at(seconds: i64) -> Result<DateTime<Utc>, AppError> {
    DateTime::from_timestamp(seconds, 0).ok_or(AppError::Internal)
}

fn number(row: &QueryResult, index: usize) -> Result<Option<f64>, AppError> {
    Ok(row.try_get_by_index::<Option<f64>>(index)?)
}

/// The charts of the span, summed into `buckets` equal stretches of time.
pub async fn charts(db: &impl ConnectionTrait, reading: &Reading<'_>) -> Result<Charts, AppError> {
    let span = (reading.to.timestamp() - reading.from.timestamp()).max(1);
    let source = if span / reading.buckets.max(1) as i64 >= HOUR {
        Source::Hours {
            first: hour_of(reading.from, reading.zone),
            last: reading.to.timestamp(),
        }
    } else {
        Source::Rounds
    };
    let query = Query {
        backend: db.get_database_backend(),
        reading,
        source,
    };
    let measures = measures(reading.scale2);
    let (mut series, rounds) = summed(db, &query, &measures).await?;
    for (name, newest) in newest(db, &query, &measures).await? {
        if let Some(s) = series.iter_mut().find(|s| s.name == name) {
            s.newest = Some(newest);
        }
    }
    let fluids = fluids(db, &query).await?;
    Ok(Charts {
        span: reading.span,
        from: reading.from,
        to: reading.to,
        series,
        fluids: fluid_periods(&fluids, FluidPeriods::of(reading.span), reading.zone),
        rounds,
        spo2_scale2: reading.scale2,
    })
}

/// Each measure's points per bucket, and how many rounds there are.
async fn summed(
    db: &impl ConnectionTrait,
    query: &Query<'_, '_>,
    measures: &[(&'static str, &'static str)],
) -> Result<(Vec<Series>, usize), AppError> {
    let reading = query.reading;
    let n = reading.buckets.max(1) as i64;
    let from = reading.from.timestamp();
    let span = (reading.to.timestamp() - from).max(1);
    let offset = format!("(t - {from}) * {n} / {span}");
    let double = |e: String| format!("CAST({e} AS DOUBLE PRECISION)");
    let (rows, count, aggregates): (String, &str, Vec<String>) = match query.source {
        Source::Rounds => {
            let columns: Vec<&str> = measures.iter().map(|(_, c)| *c).collect();
            (
                format!(
                    "SELECT {epoch} AS t, measured_at, {columns} FROM rounds WHERE {within}",
                    epoch = query.epoch(),
                    columns = columns.join(", "),
                    within = query.within(),
                ),
                "COUNT(*)",
                measures
                    .iter()
                    .map(|(_, c)| {
                        format!(
                            "COUNT({c}), {}, {}, {}, MAX(CASE WHEN {c} IS NOT NULL THEN measured_at END)",
                            double(format!("SUM({c})")),
                            double(format!("MIN({c})")),
                            double(format!("MAX({c})")),
                        )
                    })
                    .collect(),
            )
        }
        Source::Hours { .. } => (
            format!(
                "SELECT hour AS t, * FROM round_hours WHERE {within}",
                within = query.within()
            ),
            "SUM(rounds)",
            measures
                .iter()
                .map(|(_, c)| {
                    format!(
                        "SUM({c}_n), {}, {}, {}, MAX({c}_last)",
                        double(format!("SUM({c}_sum)")),
                        double(format!("MIN({c}_min)")),
                        double(format!("MAX({c}_max)")),
                    )
                })
                .collect(),
        ),
    };
    let sql = format!(
        "SELECT b, {count}, {aggregates} FROM (\
           SELECT CASE WHEN t < {from} THEN 0 WHEN {offset} >= {n} THEN {last} ELSE {offset} END AS b, * \
           FROM ({rows}) AS r\
         ) AS u GROUP BY b ORDER BY b",
        aggregates = aggregates.join(", "),
        last = n - 1,
    );
    let rows = db.query_all_raw(query.statement(sql)).await?;
    let mut series: Vec<Series> = measures
        .iter()
        .map(|(name, _)| Series {
            name: (*name).to_owned(),
            points: Vec::with_capacity(rows.len()),
            newest: None,
        })
        .collect();
    let mut rounds = 0;
    for row in &rows {
        rounds += row.try_get_by_index::<Option<i64>>(1)?.unwrap_or(0) as usize;
        for (i, s) in series.iter_mut().enumerate() {
            let first = 2 + 5 * i;
            let count = row.try_get_by_index::<Option<i64>>(first)?.unwrap_or(0);
            let newest = row.try_get_by_index::<Option<DateTime<Utc>>>(first + 4)?;
            let (Some(sum), Some(min), Some(max), Some(at)) = (
                number(row, first + 1)?,
                number(row, first + 2)?,
                number(row, first + 3)?,
                newest,
            ) else {
                continue;
            };
            if count == 0 {
                continue;
            }
            s.points.push(Point {
                at,
                min,
                max,
                mean: sum / count as f64,
                count: u32::try_from(count).unwrap_or(u32::MAX),
            });
        }
    }
    Ok((series, rounds))
}

/// The newest value of each measure in the span, at the time it was
/// measured.
async fn newest(
    db: &impl ConnectionTrait,
    query: &Query<'_, '_>,
    measures: &[(&'static str, &'static str)],
) -> Result<Vec<(String, Point)>, AppError> {
    let within = query.within();
    let parts: Vec<String> = measures
        .iter()
        .enumerate()
        .map(|(i, (name, c))| {
            let newest = match query.source {
                Source::Rounds => format!(
                    "SELECT '{name}' AS m, measured_at AS at, CAST({c} AS DOUBLE PRECISION) AS v \
                     FROM rounds WHERE {within} AND {c} IS NOT NULL ORDER BY measured_at DESC, id DESC"
                ),
                Source::Hours { .. } => format!(
                    "SELECT '{name}' AS m, {c}_last AS at, {c}_newest AS v \
                     FROM round_hours WHERE {within} AND {c}_n > 0 ORDER BY hour DESC"
                ),
            };
            format!("SELECT m, at, v FROM ({newest} LIMIT 1) AS n{i}")
        })
        .collect();
    let rows = db
        .query_all_raw(query.statement(parts.join(" UNION ALL ")))
        .await?;
    rows.iter()
        .map(|row| {
            let name = row.try_get_by_index::<String>(0)?;
            let at = row.try_get_by_index::<DateTime<Utc>>(1)?;
            let value = row.try_get_by_index::<f64>(2)?;
            Ok((name, Point::single(at, value)))
        })
        .collect()
}

/// Fluids summed per stretch of the clock that lies within one shift of
/// the hospital's zone: its hours, or quarter hours of the rounds where
/// the zone's offset is not whole hours.
async fn fluids(db: &impl ConnectionTrait, query: &Query<'_, '_>) -> Result<Vec<Fluids>, AppError> {
    let within = query.within();
    let sql = match query.source {
        Source::Hours { .. } => format!(
            "SELECT hour, intake_ml, output_ml FROM round_hours \
             WHERE {within} AND (intake_ml <> 0 OR output_ml <> 0) ORDER BY hour"
        ),
        Source::Rounds => {
            let reading = query.reading;
            let whole_hours = [reading.from, reading.to]
                .iter()
                .all(|t| reading.zone.offset(*t).local_minus_utc() % 3600 == 0);
            let stretch: i64 = if whole_hours { HOUR } else { HOUR / 4 };
            format!(
                "SELECT g * {stretch}, SUM(i), SUM(o) FROM (\
                   SELECT {epoch} / {stretch} AS g, {intake} AS i, {output} AS o FROM rounds WHERE {within}\
                 ) AS f GROUP BY g HAVING SUM(i) <> 0 OR SUM(o) <> 0 ORDER BY g",
                epoch = query.epoch(),
                intake = total(&INTAKE),
                output = total(&OUTPUT),
            )
        }
    };
    let rows = db.query_all_raw(query.statement(sql)).await?;
    rows.iter()
        .map(|row| {
            Ok(Fluids {
                at: at(row.try_get_by_index::<i64>(0)?)?,
                intake_ml: row.try_get_by_index::<i64>(1)? as f64,
                output_ml: row.try_get_by_index::<i64>(2)? as f64,
            })
        })
        .collect()
}
