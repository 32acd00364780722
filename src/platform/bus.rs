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
use tokio::sync::{Notify, mpsc, watch};

use axum::extract::ws::Utf8Bytes;

use super::events::{self, Model as StoredEvent, Topic};
use super::frames::{Frame, Presence};
use crate::error::AppError;
use crate::platform::tasks::supervise;
use crate::vocabulary::Vocabulary;

/// How many pushes may wait for one socket before it is told to resync.
pub const OUTBOX_CAPACITY: usize = 1024;
/// Events read from the log at a time.
const BATCH: u64 = 500;
/// The Redis channel on which servers announce new events.
const CHANNEL: &str = "vitalboard:events";
/// How long start-up waits for the Redis subscription.
const REDIS_WAIT: Duration = Duration::from_secs(5);
/// The longest any one call to Redis may take.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

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
    /// The access of the socket's user or token changed: look it up again.
    AccessChanged,
}

/// The queue of one socket. When it is full, pushes are dropped and the
/// socket is marked, so it tells its client to resync instead of silently
/// missing events.
pub struct Outbox {
    tx: mpsc::Sender<Outgoing>,
    overflowed: AtomicBool,
    access_changed: AtomicBool,
}

impl Outbox {
    fn push(&self, item: Outgoing) {
        if self.tx.try_send(item).is_err() {
            self.overflowed.store(true, Ordering::Relaxed);
            metrics::counter!("vitalboard_push_overflows_total").increment(1);
        }
    }

    /// Tells the socket its access changed. Into a full queue too: the
    /// mark makes the socket look again as soon as it drains.
    fn push_access_change(&self) {
        if self.tx.try_send(Outgoing::AccessChanged).is_err() {
            self.overflowed.store(true, Ordering::Relaxed);
            self.access_changed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether an access change could not be queued since the last call.
    pub fn take_access_change(&self) -> bool {
        self.access_changed.swap(false, Ordering::Relaxed)
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
    reads: AtomicU64,
    /// Of `reads`, those woken by a commit in this process.
    commit_reads: AtomicU64,
    /// Woken when another server announces events.
    remote: Notify,
    remote_wakes: AtomicU64,
    max_sockets_per_principal: usize,
}

impl Bus {
    pub fn new(max_sockets_per_principal: usize) -> Arc<Self> {
        Arc::new(Self {
            index: RwLock::default(),
            next_id: AtomicU64::new(1),
            latest: AtomicI64::new(0),
            reads: AtomicU64::new(0),
            commit_reads: AtomicU64::new(0),
            remote: Notify::new(),
            remote_wakes: AtomicU64::new(0),
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

    /// How many times this server has read the event log for new events.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Of those, how many a commit in this process woke (every server in
    /// the process hears every commit).
    pub fn commit_reads(&self) -> u64 {
        self.commit_reads.load(Ordering::Relaxed)
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
            access_changed: AtomicBool::new(false),
        });
        index.outboxes.insert(id, outbox.clone());
        index.principal_of.insert(id, principal);
        Ok((id, outbox, rx))
    }

    /// How many sockets are open on this server.
    pub fn open_sockets(&self) -> usize {
        self.index().outboxes.len()
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
        if event.stream == Topic::Access.code() {
            let principal = serde_json::from_str::<serde_json::Value>(&event.data)
                .ok()
                .and_then(|data| data["principal"].as_str().map(str::to_owned));
            for (id, owner) in &index.principal_of {
                if Some(owner) == principal.as_ref()
                    && let Some(outbox) = index.outboxes.get(id)
                {
                    outbox.push_access_change();
                }
            }
            drop(index);
            self.latest.store(event.seq, Ordering::Release);
            return;
        }
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
    /// the link to the other servers. Each task starts again after a
    /// failure; Redis is only ever awaited outside the delivery loop.
    pub async fn start(
        self: &Arc<Self>,
        db: DatabaseConnection,
        redis_url: Option<String>,
        poll: Duration,
    ) -> Result<(), AppError> {
        let last = events::latest(&db).await?;
        self.latest.store(last, Ordering::Release);
        let (announce, announced) = watch::channel(last);
        if let Some(url) = redis_url {
            let client = redis::Client::open(url.as_str()).map_err(|e| {
                AppError::internal("REDIS_URL", format!("{url} cannot be used: {e}"))
            })?;
            let (subscribed, mut ready) = watch::channel(false);
            let (bus, listener) = (self.clone(), client.clone());
            supervise("the Redis listener", move || {
                listen_to_redis(bus.clone(), listener.clone(), subscribed.clone())
            });
            supervise("the Redis announcer", move || {
                announce_commits(client.clone(), announced.clone())
            });
            if tokio::time::timeout(REDIS_WAIT, ready.wait_for(|ok| *ok))
                .await
                .is_err()
            {
                tracing::warn!(
                    "Redis did not answer within {} s; events of other servers arrive by polling until it does",
                    REDIS_WAIT.as_secs()
                );
            }
        }
        let bus = self.clone();
        supervise("event delivery", move || {
            tail(bus.clone(), db.clone(), announce.clone(), poll)
        });
        Ok(())
    }

    /// How many times another server's announcement on Redis woke this one.
    pub fn remote_wakes(&self) -> u64 {
        self.remote_wakes.load(Ordering::Relaxed)
    }
}

/// Delivers every committed event in sequence order, from the newest this
/// server delivered: woken by a commit of this process, by another
/// server's announcement, or after `poll` at the latest. Events committed
/// here are handed to the announcer, which tells the other servers.
async fn tail(bus: Arc<Bus>, db: DatabaseConnection, announce: watch::Sender<i64>, poll: Duration) {
    let mut commits = events::commits();
    let mut last = bus.latest();
    loop {
        // A source that closed must not wake the loop: a branch whose
        // pattern fails is left out of the wait.
        let local = tokio::select! {
            Ok(()) = commits.changed() => true,
            () = bus.remote.notified() => false,
            () = tokio::time::sleep(poll) => false,
        };
        let before = last;
        loop {
            bus.reads.fetch_add(1, Ordering::Relaxed);
            if local {
                bus.commit_reads.fetch_add(1, Ordering::Relaxed);
            }
            match events::after(&db, last, Condition::all(), BATCH).await {
                Ok(batch) if batch.is_empty() => break,
                Ok(batch) => {
                    metrics::counter!("vitalboard_events_delivered_total")
                        .increment(batch.len() as u64);
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
        if local && last > before {
            announce.send_replace(last);
        }
    }
}

/// Publishes the newest sequence number committed here whenever it moves.
/// A Redis that does not answer costs this task a timeout, never delivery.
async fn announce_commits(client: redis::Client, mut committed: watch::Receiver<i64>) {
    let mut publisher: Option<redis::aio::MultiplexedConnection> = None;
    while committed.changed().await.is_ok() {
        let seq = *committed.borrow_and_update();
        if publisher.is_none() {
            match tokio::time::timeout(REDIS_TIMEOUT, client.get_multiplexed_async_connection())
                .await
            {
                Ok(Ok(connection)) => publisher = Some(connection),
                Ok(Err(e)) => tracing::warn!("cannot reach Redis to announce events: {e}"),
                Err(_) => tracing::warn!("Redis did not answer; events are announced by polling"),
            }
        }
        let Some(connection) = publisher.as_mut() else {
            continue;
        };
        let sent = tokio::time::timeout(
            REDIS_TIMEOUT,
            redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(seq)
                .query_async::<i64>(connection),
        )
        .await;
        if !matches!(sent, Ok(Ok(_))) {
            tracing::warn!("cannot announce events on Redis; reconnecting");
            publisher = None;
        }
    }
}

/// Listens for other servers' announcements and wakes the delivery loop,
/// reconnecting with backoff whenever Redis goes away.
async fn listen_to_redis(bus: Arc<Bus>, client: redis::Client, subscribed: watch::Sender<bool>) {
    let mut delay = Duration::from_millis(200);
    loop {
        let connected = tokio::time::timeout(REDIS_TIMEOUT, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(CHANNEL).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        match connected {
            Ok(Ok(mut pubsub)) => {
                tracing::info!("listening for events of other servers on Redis");
                subscribed.send_replace(true);
                delay = Duration::from_millis(200);
                // Anything committed while the link was down is read now.
                bus.remote.notify_one();
                let mut messages = pubsub.on_message();
                while messages.next().await.is_some() {
                    bus.remote_wakes.fetch_add(1, Ordering::Relaxed);
                    bus.remote.notify_one();
                }
                tracing::warn!("lost the Redis connection; reconnecting");
            }
            Ok(Err(e)) => tracing::warn!("cannot subscribe on Redis: {e}"),
            Err(_) => tracing::warn!("Redis did not answer within {} s", REDIS_TIMEOUT.as_secs()),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}
