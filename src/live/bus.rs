//! Delivery of stored events to the sockets of this server. One task tails
//! the event log in sequence order and hands each event to the sockets
//! subscribed to its patient or user; with Redis configured, servers that
//! share a database wake each other as soon as one of them commits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::StreamExt;
use sea_orm::{Condition, DatabaseConnection};
use tokio::sync::mpsc;

use axum::extract::ws::Utf8Bytes;

use super::events::{self, Model as StoredEvent};
use super::{Frame, Presence};
use crate::error::AppError;

/// How many pushes may wait for one socket before it is told to resync.
pub const OUTBOX_CAPACITY: usize = 1024;
/// Events read from the log at a time.
const BATCH: u64 = 500;
/// The Redis channel on which servers announce new events.
const CHANNEL: &str = "vitalboard:events";
/// How long start-up waits for the Redis subscription.
const REDIS_WAIT: Duration = Duration::from_secs(5);

/// A stored event with its frame, encoded once for every socket.
#[derive(Debug)]
pub struct Delivery {
    pub event: StoredEvent,
    pub frame: Utf8Bytes,
}

impl Delivery {
    pub fn new(event: StoredEvent) -> Self {
        let frame = serde_json::to_string(&Frame::Event(event.event()))
            .unwrap_or_default()
            .into();
        Self { event, frame }
    }
}

/// What the bus hands to a socket.
#[derive(Debug, Clone)]
pub enum Outgoing {
    Event(Arc<Delivery>),
    Presence(Presence),
}

/// The queue of one socket. When it is full, pushes are dropped and the
/// socket is marked, so it tells its client to resync instead of silently
/// missing events.
pub struct Outbox {
    tx: mpsc::Sender<Outgoing>,
    overflowed: AtomicBool,
}

impl Outbox {
    fn push(&self, item: Outgoing) {
        if self.tx.try_send(item).is_err() {
            self.overflowed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether pushes were dropped since the last call.
    pub fn take_overflow(&self) -> bool {
        self.overflowed.swap(false, Ordering::Relaxed)
    }
}

/// What a socket wants to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interest {
    Patient(i32),
    AllPatients,
    User(i32),
}

#[derive(Default)]
struct Index {
    outboxes: HashMap<u64, Arc<Outbox>>,
    patients: HashMap<i32, HashSet<u64>>,
    all_patients: HashSet<u64>,
    users: HashMap<i32, HashSet<u64>>,
    viewers: HashMap<i32, BTreeMap<u64, String>>,
    open_per_principal: HashMap<String, usize>,
    principal_of: HashMap<u64, String>,
}

impl Index {
    fn interest_set(&mut self, interest: Interest) -> &mut HashSet<u64> {
        match interest {
            Interest::Patient(id) => self.patients.entry(id).or_default(),
            Interest::AllPatients => &mut self.all_patients,
            Interest::User(id) => self.users.entry(id).or_default(),
        }
    }

    fn presence(&self, patient_id: i32) -> (Presence, Vec<Arc<Outbox>>) {
        let viewers = self.viewers.get(&patient_id);
        let mut names: Vec<String> = viewers
            .map(|v| v.values().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names.dedup();
        let outboxes = viewers
            .into_iter()
            .flat_map(|v| v.keys())
            .filter_map(|id| self.outboxes.get(id).cloned())
            .collect();
        (
            Presence {
                patient_id,
                viewers: names,
            },
            outboxes,
        )
    }
}

/// The sockets of this server and what each is subscribed to.
pub struct Bus {
    index: RwLock<Index>,
    next_id: AtomicU64,
    latest: AtomicI64,
    max_sockets_per_principal: usize,
}

impl Bus {
    pub fn new(max_sockets_per_principal: usize) -> Arc<Self> {
        Arc::new(Self {
            index: RwLock::default(),
            next_id: AtomicU64::new(1),
            latest: AtomicI64::new(0),
            max_sockets_per_principal,
        })
    }

    fn index(&self) -> std::sync::RwLockWriteGuard<'_, Index> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The newest sequence number this server has delivered.
    pub fn latest(&self) -> i64 {
        self.latest.load(Ordering::Acquire)
    }

    /// Registers a socket of `principal`, refusing more than the allowed
    /// number of open sockets per user or token.
    pub fn open(
        &self,
        principal: String,
    ) -> Result<(u64, Arc<Outbox>, mpsc::Receiver<Outgoing>), AppError> {
        let mut index = self.index();
        let open = index
            .open_per_principal
            .entry(principal.clone())
            .or_default();
        if *open >= self.max_sockets_per_principal {
            return Err(AppError::TooManyRequests(format!(
                "At most {} live connections per user are allowed; close another tab or window.",
                self.max_sockets_per_principal
            )));
        }
        *open += 1;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
        let outbox = Arc::new(Outbox {
            tx,
            overflowed: AtomicBool::new(false),
        });
        index.outboxes.insert(id, outbox.clone());
        index.principal_of.insert(id, principal);
        Ok((id, outbox, rx))
    }

    /// Forgets a closed socket and everything it subscribed to.
    pub fn close(&self, id: u64) {
        let viewed: Vec<i32> = {
            let mut index = self.index();
            index.outboxes.remove(&id);
            if let Some(principal) = index.principal_of.remove(&id)
                && let Some(open) = index.open_per_principal.get_mut(&principal)
            {
                *open = open.saturating_sub(1);
                if *open == 0 {
                    index.open_per_principal.remove(&principal);
                }
            }
            index.all_patients.remove(&id);
            index.patients.retain(|_, ids| {
                ids.remove(&id);
                !ids.is_empty()
            });
            index.users.retain(|_, ids| {
                ids.remove(&id);
                !ids.is_empty()
            });
            index
                .viewers
                .iter()
                .filter(|(_, v)| v.contains_key(&id))
                .map(|(p, _)| *p)
                .collect()
        };
        for patient_id in viewed {
            self.leave(id, patient_id);
        }
    }

    pub fn watch(&self, id: u64, interest: Interest) {
        self.index().interest_set(interest).insert(id);
    }

    pub fn unwatch(&self, id: u64, interest: Interest) {
        self.index().interest_set(interest).remove(&id);
    }

    /// Marks the socket as viewing a patient and tells every viewer.
    pub fn view(&self, id: u64, patient_id: i32, name: String) {
        let mut index = self.index();
        index
            .viewers
            .entry(patient_id)
            .or_default()
            .insert(id, name);
        Self::announce(&index, patient_id);
    }

    /// The socket stopped viewing a patient; the others are told.
    pub fn leave(&self, id: u64, patient_id: i32) {
        let mut index = self.index();
        if let Some(viewers) = index.viewers.get_mut(&patient_id) {
            viewers.remove(&id);
            if viewers.is_empty() {
                index.viewers.remove(&patient_id);
            }
        }
        Self::announce(&index, patient_id);
    }

    fn announce(index: &Index, patient_id: i32) {
        let (presence, outboxes) = index.presence(patient_id);
        for outbox in outboxes {
            outbox.push(Outgoing::Presence(presence.clone()));
        }
    }

    /// Hands an event to every socket that subscribed to its patient, to all
    /// patients, or to its user. Each socket still checks it may see it.
    pub fn dispatch(&self, delivery: Arc<Delivery>) {
        let event = &delivery.event;
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let mut targets: HashSet<u64> = HashSet::new();
        if let Some(user) = event.user_id {
            targets.extend(index.users.get(&user).into_iter().flatten());
        } else if let Some(patient) = event.patient_id {
            targets.extend(index.patients.get(&patient).into_iter().flatten());
            targets.extend(index.all_patients.iter());
        }
        for id in targets {
            if let Some(outbox) = index.outboxes.get(&id) {
                outbox.push(Outgoing::Event(delivery.clone()));
            }
        }
        drop(index);
        self.latest.store(event.seq, Ordering::Release);
    }

    /// Starts the task that delivers committed events, and with `redis_url`
    /// the link to the other servers.
    pub async fn start(
        self: &Arc<Self>,
        db: DatabaseConnection,
        redis_url: Option<String>,
        poll: Duration,
    ) -> Result<(), AppError> {
        let last = events::latest(&db).await?;
        self.latest.store(last, Ordering::Release);
        let (remote_tx, remote_rx) = mpsc::channel(64);
        let redis = match redis_url {
            Some(url) => {
                let client = redis::Client::open(url.as_str()).map_err(|e| {
                    AppError::internal("REDIS_URL", format!("{url} cannot be used: {e}"))
                })?;
                let (ready_tx, ready) = tokio::sync::oneshot::channel();
                tokio::spawn(listen_to_redis(client.clone(), remote_tx, ready_tx));
                if tokio::time::timeout(REDIS_WAIT, ready).await.is_err() {
                    tracing::warn!(
                        "Redis did not answer within {} s; events of other servers arrive by polling until it does",
                        REDIS_WAIT.as_secs()
                    );
                }
                Some(client)
            }
            None => None,
        };
        tokio::spawn(tail(self.clone(), db, last, remote_rx, redis, poll));
        Ok(())
    }
}

async fn tail(
    bus: Arc<Bus>,
    db: DatabaseConnection,
    mut last: i64,
    mut remote: mpsc::Receiver<()>,
    redis: Option<redis::Client>,
    poll: Duration,
) {
    let mut commits = events::commits();
    let mut publisher = None;
    loop {
        let local = tokio::select! {
            changed = commits.changed() => changed.is_ok(),
            _ = remote.recv() => false,
            () = tokio::time::sleep(poll) => false,
        };
        let before = last;
        loop {
            match events::after(&db, last, Condition::all(), BATCH).await {
                Ok(batch) if batch.is_empty() => break,
                Ok(batch) => {
                    for event in batch {
                        last = event.seq;
                        bus.dispatch(Arc::new(Delivery::new(event)));
                    }
                }
                Err(e) => {
                    tracing::warn!("cannot read new events: {e}");
                    break;
                }
            }
        }
        if local
            && last > before
            && let Some(client) = &redis
        {
            announce(client, &mut publisher, last).await;
        }
    }
}

async fn announce(
    client: &redis::Client,
    publisher: &mut Option<redis::aio::MultiplexedConnection>,
    seq: i64,
) {
    if publisher.is_none() {
        match client.get_multiplexed_async_connection().await {
            Ok(connection) => *publisher = Some(connection),
            Err(e) => {
                tracing::warn!("cannot reach Redis to announce events: {e}");
                return;
            }
        }
    }
    if let Some(connection) = publisher.as_mut() {
        let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(seq)
            .query_async(connection)
            .await;
        if let Err(e) = sent {
            tracing::warn!("cannot announce events on Redis: {e}");
            *publisher = None;
        }
    }
}

async fn listen_to_redis(
    client: redis::Client,
    wake: mpsc::Sender<()>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut delay = Duration::from_millis(200);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(CHANNEL).await {
                Ok(()) => {
                    tracing::info!("listening for events of other servers on Redis");
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(());
                    }
                    delay = Duration::from_millis(200);
                    let mut messages = pubsub.on_message();
                    while messages.next().await.is_some() {
                        let _ = wake.try_send(());
                    }
                    tracing::warn!("lost the Redis connection; reconnecting");
                }
                Err(e) => tracing::warn!("cannot subscribe on Redis: {e}"),
            },
            Err(e) => tracing::warn!("cannot reach Redis: {e}"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}
