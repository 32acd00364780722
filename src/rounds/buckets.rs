//! The charts' series of a stay as the database sums them: per time bucket
//! the minimum, maximum, mean and count of each charted measurement and of
//! the NEWS2 stored after each round, fluids per stretch of the clock, and
//! the newest value of each; on SQLite and PostgreSQL alike. Reading a
//! stay of 100,000 rounds decodes a few hundred rows, not the rounds.

use chrono::{DateTime, Utc};
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

/// The SQL of the database at hand for what differs between the two.
struct Dialect {
    backend: DbBackend,
}

impl Dialect {
    /// Whole seconds since 1970 of `measured_at`.
    fn epoch(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "CAST(FLOOR(EXTRACT(EPOCH FROM measured_at)) AS BIGINT)",
            _ => "CAST(strftime('%s', measured_at) AS INTEGER)",
        }
    }

    /// The rounds of the patient within the span: the parameters `$1`–`$3`.
    fn within(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => "patient_id = $1 AND measured_at >= $2 AND measured_at <= $3",
            _ => "patient_id = ?1 AND measured_at >= ?2 AND measured_at <= ?3",
        }
    }

    fn statement(&self, sql: String, reading: &Reading) -> Statement {
        let values: [Value; 3] = [
            reading.patient_id.into(),
            reading.from.into(),
            reading.to.into(),
        ];
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
    let dialect = Dialect {
        backend: db.get_database_backend(),
    };
    let measures = measures(reading.scale2);
    let (mut series, rounds) = summed(db, &dialect, reading, &measures).await?;
    for (name, newest) in newest(db, &dialect, reading, &measures).await? {
        if let Some(s) = series.iter_mut().find(|s| s.name == name) {
            s.newest = Some(newest);
        }
    }
    let fluids = fluids(db, &dialect, reading).await?;
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
    dialect: &Dialect,
    reading: &Reading<'_>,
    measures: &[(&'static str, &'static str)],
) -> Result<(Vec<Series>, usize), AppError> {
    let n = reading.buckets.max(1) as i64;
    let from = reading.from.timestamp();
    let span = (reading.to.timestamp() - from).max(1);
    let offset = format!("(e - {from}) * {n} / {span}");
    let aggregates: Vec<String> = measures
        .iter()
        .map(|(_, c)| {
            format!(
                "CAST(MIN({c}) AS DOUBLE PRECISION), CAST(MAX({c}) AS DOUBLE PRECISION), \
                 CAST(AVG({c}) AS DOUBLE PRECISION), COUNT({c}), \
                 MAX(CASE WHEN {c} IS NOT NULL THEN e END)"
            )
        })
        .collect();
    let columns: Vec<&str> = measures.iter().map(|(_, c)| *c).collect();
    let sql = format!(
        "SELECT b, COUNT(*), {aggregates} FROM (\
           SELECT CASE WHEN {offset} >= {n} THEN {last} ELSE {offset} END AS b, e, {columns} FROM (\
             SELECT {epoch} AS e, {columns} FROM rounds WHERE {within}\
           ) AS t\
         ) AS u GROUP BY b ORDER BY b",
        aggregates = aggregates.join(", "),
        last = n - 1,
        columns = columns.join(", "),
        epoch = dialect.epoch(),
        within = dialect.within(),
    );
    let rows = db.query_all_raw(dialect.statement(sql, reading)).await?;
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
        rounds += row.try_get_by_index::<i64>(1)? as usize;
        for (i, s) in series.iter_mut().enumerate() {
            let first = 2 + 5 * i;
            let count = row.try_get_by_index::<i64>(first + 3)?;
            let newest = row.try_get_by_index::<Option<i64>>(first + 4)?;
            let (Some(min), Some(max), Some(mean), Some(newest)) = (
                number(row, first)?,
                number(row, first + 1)?,
                number(row, first + 2)?,
                newest,
            ) else {
                continue;
            };
            s.points.push(Point {
                at: at(newest)?,
                min,
                max,
                mean,
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
    dialect: &Dialect,
    reading: &Reading<'_>,
    measures: &[(&'static str, &'static str)],
) -> Result<Vec<(String, Point)>, AppError> {
    let parts: Vec<String> = measures
        .iter()
        .enumerate()
        .map(|(i, (name, c))| {
            format!(
                "SELECT m, measured_at, v FROM (\
                   SELECT '{name}' AS m, measured_at, CAST({c} AS DOUBLE PRECISION) AS v FROM rounds \
                   WHERE {within} AND {c} IS NOT NULL ORDER BY measured_at DESC, id DESC LIMIT 1\
                 ) AS n{i}",
                within = dialect.within(),
            )
        })
        .collect();
    let rows = db
        .query_all_raw(dialect.statement(parts.join(" UNION ALL "), reading))
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

/// Fluids summed per stretch of the clock short enough to lie within one
/// shift of `zone`: an hour, or a quarter where the zone's offset is not
/// whole hours.
async fn fluids(
    db: &impl ConnectionTrait,
    dialect: &Dialect,
    reading: &Reading<'_>,
) -> Result<Vec<Fluids>, AppError> {
    let whole_hours = [reading.from, reading.to]
        .iter()
        .all(|t| reading.zone.offset(*t).local_minus_utc() % 3600 == 0);
    let stretch: i64 = if whole_hours { 3600 } else { 900 };
    let sum = |fields: &[&str]| {
        fields
            .iter()
            .map(|f| format!("COALESCE({f}, 0)"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let sql = format!(
        "SELECT g, SUM(i), SUM(o) FROM (\
           SELECT {epoch} / {stretch} AS g, {intake} AS i, {output} AS o FROM rounds WHERE {within}\
         ) AS f GROUP BY g HAVING SUM(i) <> 0 OR SUM(o) <> 0 ORDER BY g",
        epoch = dialect.epoch(),
        intake = sum(&INTAKE),
        output = sum(&OUTPUT),
        within = dialect.within(),
    );
    let rows = db.query_all_raw(dialect.statement(sql, reading)).await?;
    rows.iter()
        .map(|row| {
            Ok(Fluids {
                at: at(row.try_get_by_index::<i64>(0)? * stretch)?,
                intake_ml: row.try_get_by_index::<i64>(1)? as f64,
                output_ml: row.try_get_by_index::<i64>(2)? as f64,
            })
        })
        .collect()
}
