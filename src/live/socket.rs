//! `GET /ws`: one socket per browser tab or program. The handshake is
//! authenticated like any request (session cookie, bearer token, or a
//! one-use ticket) and must come from this site; then each text frame is a
//! request on a stream, answered with the same `request_id`, and the
//! events the socket subscribed to are pushed as they are committed.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, Condition};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::actions::{self, Action, Stream, SubscriptionArgs};
use super::tickets;
use crate::accounts::access::{self, Credential};
use crate::accounts::{Caller, WardScope, auth};
use crate::error::AppError;
use crate::history::service::actor_name;
use crate::platform::bus::{Bus, Interest, Outbox, Outgoing};
use crate::platform::events::{self, Column};
use crate::platform::frames::{
    CLOSE_ACCESS_ENDED, CLOSE_RECONNECT, Frame, MAX_FRAME_BYTES, Request,
};
use crate::platform::state::AppState;
use crate::vocabulary::Vocabulary;

/// How often the server pings; a socket silent for `DEAD_AFTER` is closed.
const PING_EVERY: Duration = Duration::from_secs(20);
const DEAD_AFTER: Duration = Duration::from_secs(60);
/// The longest a socket stays open: a session's idle lifetime. Then the
/// client opens a new one, which is authenticated afresh.
const LIFETIME: Duration =
    Duration::from_secs(crate::accounts::auth::SESSION_IDLE_HOURS as u64 * 3600);
/// How many answers to writes a socket remembers for retries.
const REMEMBERED_WRITES: usize = 64;
/// The most events one `subscribe` replays; a larger gap must reload.
pub const MAX_REPLAY: u64 = 1000;

#[derive(Debug, Deserialize)]
pub struct SocketQuery {
    ticket: Option<String>,
}

/// The handshake.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<SocketQuery>,
    ws: WebSocketUpgrade,
    parts: Parts,
) -> Response {
    if !crate::platform::origin::from_this_site(&parts.headers, &state.live.allowed_origins) {
        return AppError::Forbidden("This page's origin may not open a live connection.".into())
            .into_response();
    }
    let opened = match query.ticket {
        Some(ticket) => match tickets::redeem(&state.db, &ticket).await {
            Ok(credential) => access::current(&state.db, &credential)
                .await
                .map(|caller| (caller, credential)),
            Err(err) => Err(err),
        },
        None => auth::request_credential(&state.db, &parts).await,
    };
    let (caller, credential) = match opened {
        Ok(opened) => opened,
        Err(err) => return err.into_response(),
    };
    let (id, outbox, rx) = match state.live.bus.open(credential.principal_key()) {
        Ok(opened) => opened,
        Err(err) => return err.into_response(),
    };
    let bus = state.live.bus.clone();
    ws.max_message_size(MAX_FRAME_BYTES * 16)
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .on_failed_upgrade(move |_| bus.close(id))
        .on_upgrade(move |socket| async move {
            let connection = Connection::new(state, caller, credential, id, outbox);
            let run = AssertUnwindSafe(connection.run(socket, rx));
            if futures::FutureExt::catch_unwind(run).await.is_err() {
                tracing::error!("a live connection failed and was closed");
            }
        })
}

/// One subscription: a stream narrowed to a patient, to all patients the
/// caller may see, or to the caller's own notifications; `delivered` is
/// the newest sequence number sent for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Subscription {
    stream: &'static str,
    interest: Interest,
}

struct Connection {
    state: AppState,
    /// The caller's rights as last looked up from `credential`.
    caller: Caller,
    credential: Credential,
    id: u64,
    outbox: Arc<Outbox>,
    subscriptions: HashMap<Subscription, i64>,
    delivered: i64,
    /// The answers to the latest writes, by stream and `request_id`: a
    /// write sent again with the same id is answered again, not run again.
    answered: VecDeque<(String, Frame)>,
}

impl Connection {
    fn new(
        state: AppState,
        caller: Caller,
        credential: Credential,
        id: u64,
        outbox: Arc<Outbox>,
    ) -> Self {
        Self {
            state,
            caller,
            credential,
            id,
            outbox,
            subscriptions: HashMap::new(),
            delivered: 0,
            answered: VecDeque::new(),
        }
    }

    fn bus(&self) -> &Arc<Bus> {
        &self.state.live.bus
    }

    async fn run(mut self, mut socket: WebSocket, mut rx: mpsc::Receiver<Outgoing>) {
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        let mut heard = Instant::now();
        let lifetime = tokio::time::sleep(LIFETIME);
        tokio::pin!(lifetime);
        let welcome = Frame::Welcome {
            seq: self.bus().latest(),
        };
        if !self.send(&mut socket, &welcome).await {
            return;
        }
        loop {
            let keep_going = tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(message)) => {
                        heard = Instant::now();
                        self.on_message(&mut socket, message).await
                    }
                    Some(Err(_)) | None => false,
                },
                Some(item) = rx.recv() => self.on_push(&mut socket, &mut rx, item).await,
                _ = ping.tick() => {
                    heard.elapsed() < DEAD_AFTER
                        && socket.send(Message::Ping(Default::default())).await.is_ok()
                }
                () = &mut lifetime => {
                    close(&mut socket, CLOSE_RECONNECT, "The connection reached its lifetime; reconnect.").await;
                    false
                }
            };
            if !keep_going {
                break;
            }
        }
    }

    async fn send(&self, socket: &mut WebSocket, frame: &Frame) -> bool {
        match serde_json::to_string(frame) {
            Ok(text) => socket
                .send(Message::Text(Utf8Bytes::from(text)))
                .await
                .is_ok(),
            Err(e) => {
                tracing::error!("cannot encode a socket frame: {e}");
                true
            }
        }
    }

    async fn on_message(&mut self, socket: &mut WebSocket, message: Message) -> bool {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                let err = AppError::Request("Send JSON in text frames.".into());
                return self.send(socket, &reply("", Value::Null, Err(err))).await;
            }
            Message::Close(_) => return false,
            Message::Ping(_) | Message::Pong(_) => return true,
        };
        if text.len() > MAX_FRAME_BYTES {
            let err = AppError::Request(format!(
                "The frame is larger than the {} KiB allowed.",
                MAX_FRAME_BYTES / 1024
            ));
            return self.send(socket, &reply("", Value::Null, Err(err))).await;
        }
        let request: Request = match serde_json::from_str(text.as_str()) {
            Ok(request) => request,
            Err(e) => {
                let err = AppError::Request(format!(
                    "The frame is not a request {{\"stream\": …, \"payload\": {{\"action\": …}}}}: {e}"
                ));
                return self.send(socket, &reply("", Value::Null, Err(err))).await;
            }
        };
        let request_id = request
            .payload
            .get("request_id")
            .cloned()
            .unwrap_or(Value::Null);
        let write = request
            .payload
            .get("action")
            .and_then(Value::as_str)
            .and_then(Action::parse)
            .is_some_and(Action::writes);
        let retry_of =
            (write && !request_id.is_null()).then(|| format!("{}:{request_id}", request.stream));
        if let Some(id) = &retry_of
            && let Some((_, first)) = self.answered.iter().find(|(seen, _)| seen == id)
        {
            let first = first.clone();
            return self.send(socket, &first).await;
        }
        // A request whose handling fails is answered 500; the socket goes on.
        let handled =
            futures::FutureExt::catch_unwind(AssertUnwindSafe(self.handle(socket, &request)))
                .await
                .unwrap_or_else(|_| {
                    Err(AppError::internal(
                        "live request",
                        format!("a {} request failed", request.stream),
                    ))
                });
        let frame = reply(&request.stream, request_id, handled);
        if let Some(id) = retry_of {
            if self.answered.len() == REMEMBERED_WRITES {
                self.answered.pop_front();
            }
            self.answered.push_back((id, frame.clone()));
        }
        self.send(socket, &frame).await
    }

    async fn handle(
        &mut self,
        socket: &mut WebSocket,
        request: &Request,
    ) -> Result<Value, AppError> {
        let stream = Stream::named(&request.stream)?;
        let action = request
            .payload
            .get("action")
            .and_then(Value::as_str)
            .ok_or_else(|| AppError::invalid("payload.action", "is required"))?;
        let action = stream.action(action)?;
        match action {
            Action::Subscribe => {
                let args = actions::args(&request.payload)?;
                self.subscribe(socket, stream.code(), args).await
            }
            Action::Unsubscribe => {
                let args = actions::args(&request.payload)?;
                self.unsubscribe(stream.code(), args)
            }
            _ => {
                actions::perform(&self.state, &self.caller, stream, action, &request.payload).await
            }
        }
    }

    /// What a (un)subscribe request on `stream` means.
    async fn subscription(
        &self,
        stream: &'static str,
        patient_id: Option<i32>,
    ) -> Result<Subscription, AppError> {
        let interest = match (stream, patient_id) {
            ("notifications", _) => Interest::User(self.caller.user_id().ok_or_else(|| {
                AppError::invalid("stream", "API tokens receive no notifications")
            })?),
            ("presence", None) => return Err(AppError::invalid("patient_id", "is required")),
            (_, Some(id)) => {
                crate::patients::service::visible(&self.state.db, &self.caller, id).await?;
                Interest::Patient(id)
            }
            (_, None) => Interest::AllPatients,
        };
        Ok(Subscription { stream, interest })
    }

    async fn subscribe(
        &mut self,
        socket: &mut WebSocket,
        stream: &'static str,
        args: SubscriptionArgs,
    ) -> Result<Value, AppError> {
        let subscription = self.subscription(stream, args.patient_id).await?;
        let since = args.since;
        if since.is_some_and(|since| since < 0) {
            return Err(AppError::invalid(
                "since",
                "must be a sequence number from an earlier event",
            ));
        }
        if let (Interest::Patient(patient_id), "presence") = (subscription.interest, stream) {
            self.bus()
                .view(self.id, patient_id, actor_name(&self.caller));
            self.subscriptions.insert(subscription, 0);
            return Ok(json!({ "seq": self.bus().latest() }));
        }
        self.bus().watch(self.id, subscription.interest);
        let mut delivered = since.unwrap_or(0);
        let mut replayed = 0;
        if let Some(since) = since {
            let missed = self.missed(subscription, since).await?;
            replayed = missed.len();
            for event in missed {
                delivered = event.seq;
                if !self.send(socket, &Frame::Event(event.event())).await {
                    return Err(AppError::Request("The connection closed.".into()));
                }
            }
        }
        let previous = self.subscriptions.get(&subscription).copied().unwrap_or(0);
        self.subscriptions
            .insert(subscription, delivered.max(previous));
        Ok(json!({ "seq": self.bus().latest().max(delivered), "replayed": replayed }))
    }

    /// The stored events of a subscription after `since` that the caller
    /// may see, or an error when they can no longer all be replayed.
    async fn missed(
        &self,
        subscription: Subscription,
        since: i64,
    ) -> Result<Vec<events::Model>, AppError> {
        let gone = AppError::Conflict(
            "Too much was missed to replay; load the data again and subscribe without 'since'."
                .into(),
        );
        let oldest = events::oldest(&self.state.db).await?;
        if oldest.is_some_and(|oldest| since + 1 < oldest) {
            return Err(gone);
        }
        let mut filter = Condition::all().add(Column::Stream.eq(subscription.stream));
        filter = match subscription.interest {
            Interest::User(user) => filter.add(Column::UserId.eq(user)),
            Interest::Patient(patient) => filter
                .add(Column::UserId.is_null())
                .add(Column::PatientId.eq(patient)),
            Interest::AllPatients => {
                let filter = filter.add(Column::UserId.is_null());
                match &self.caller.wards {
                    WardScope::All => filter,
                    WardScope::Only(ids) => filter.add(Column::WardId.is_in(ids.clone())),
                }
            }
        };
        let missed = events::after(&self.state.db, since, filter, MAX_REPLAY + 1).await?;
        if missed.len() as u64 > MAX_REPLAY {
            return Err(gone);
        }
        let user = self.caller.user_id();
        Ok(missed
            .into_iter()
            .filter(|e| e.visible_to(|ward| self.caller.wards.includes(ward), user))
            .collect())
    }

    fn unsubscribe(
        &mut self,
        stream: &'static str,
        args: SubscriptionArgs,
    ) -> Result<Value, AppError> {
        let patient_id = args.patient_id.map(i64::from);
        let found = self
            .subscriptions
            .keys()
            .find(|s| {
                s.stream == stream
                    && match s.interest {
                        Interest::Patient(id) => Some(i64::from(id)) == patient_id,
                        Interest::AllPatients | Interest::User(_) => patient_id.is_none(),
                    }
            })
            .copied()
            .ok_or_else(|| AppError::NotFound("The subscription".into()))?;
        self.subscriptions.remove(&found);
        match (found.stream, found.interest) {
            ("presence", Interest::Patient(id)) => self.bus().leave(self.id, id),
            (_, interest) => {
                if !self.subscriptions.keys().any(|s| s.interest == interest) {
                    self.bus().unwatch(self.id, interest);
                }
            }
        }
        Ok(json!({ "unsubscribed": true }))
    }

    async fn on_push(
        &mut self,
        socket: &mut WebSocket,
        rx: &mut mpsc::Receiver<Outgoing>,
        item: Outgoing,
    ) -> bool {
        if self.outbox.take_access_change() && !self.refresh(socket).await {
            return false;
        }
        if self.outbox.take_overflow() {
            metrics::counter!("vitalboard_resyncs_total").increment(1);
            while rx.try_recv().is_ok() {}
            let frame = Frame::Resync {
                since: self.delivered,
                message: "Updates came faster than this connection could take; \
                          subscribe again with 'since'."
                    .into(),
            };
            return self.send(socket, &frame).await;
        }
        match item {
            Outgoing::AccessChanged => self.refresh(socket).await,
            Outgoing::Presence(presence) => self.send(socket, &Frame::Presence(presence)).await,
            Outgoing::Event(delivery) => {
                let event = &delivery.event;
                if !event.visible_to(
                    |ward| self.caller.wards.includes(ward),
                    self.caller.user_id(),
                ) {
                    return true;
                }
                let mut wanted = false;
                for (subscription, delivered) in &mut self.subscriptions {
                    if subscription.stream == event.stream
                        && *delivered < event.seq
                        && matches(subscription.interest, event)
                    {
                        *delivered = event.seq;
                        wanted = true;
                    }
                }
                if !wanted {
                    return true;
                }
                self.delivered = self.delivered.max(event.seq);
                metrics::counter!("vitalboard_pushes_total").increment(1);
                socket
                    .send(Message::Text(delivery.frame.clone()))
                    .await
                    .is_ok()
            }
        }
    }
}

/// However a connection ends (closed, dropped, or its task failed), its
/// place under the per-user cap and its subscriptions are given back.
impl Drop for Connection {
    fn drop(&mut self) {
        self.state.live.bus.close(self.id);
    }
}

impl Connection {
    /// Looks the caller's rights up again after a change of their access:
    /// narrower wards drop the subscriptions to patients now out of sight;
    /// an ended session, a deactivated account or a revoked token closes
    /// the socket with the reason. Whether the socket stays open.
    async fn refresh(&mut self, socket: &mut WebSocket) -> bool {
        match access::current(&self.state.db, &self.credential).await {
            Ok(caller) => {
                self.caller = caller;
                self.forget_hidden_patients().await;
                true
            }
            Err(AppError::Unauthorized(reason)) => {
                close(socket, CLOSE_ACCESS_ENDED, &reason).await;
                false
            }
            Err(err) => {
                tracing::warn!("cannot look up the access of a live connection again: {err}");
                close(
                    socket,
                    CLOSE_RECONNECT,
                    "Your access could not be checked; reconnect.",
                )
                .await;
                false
            }
        }
    }

    async fn forget_hidden_patients(&mut self) {
        let patients: HashSet<i32> = self
            .subscriptions
            .keys()
            .filter_map(|s| match s.interest {
                Interest::Patient(id) => Some(id),
                Interest::AllPatients | Interest::User(_) => None,
            })
            .collect();
        for patient_id in patients {
            if crate::patients::service::visible(&self.state.db, &self.caller, patient_id)
                .await
                .is_ok()
            {
                continue;
            }
            self.subscriptions
                .retain(|s, _| s.interest != Interest::Patient(patient_id));
            self.bus().unwatch(self.id, Interest::Patient(patient_id));
            self.bus().leave(self.id, patient_id);
        }
    }
}

/// Sends a close frame with its reason (shortened to what a frame holds).
async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let mut end = reason.len().min(120);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(&reason[..end]),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

fn matches(interest: Interest, event: &events::Model) -> bool {
    match interest {
        Interest::Patient(id) => event.user_id.is_none() && event.patient_id == Some(id),
        Interest::AllPatients => event.user_id.is_none(),
        Interest::User(id) => event.user_id == Some(id),
    }
}

/// The answer to a request.
fn reply(stream: &str, request_id: Value, result: Result<Value, AppError>) -> Frame {
    match result {
        Ok(data) => Frame::Reply {
            stream: stream.to_owned(),
            request_id,
            status: 200,
            data: Some(data),
            errors: None,
            message: None,
        },
        Err(err) => Frame::Reply {
            stream: stream.to_owned(),
            request_id,
            status: err.status().as_u16(),
            data: None,
            errors: serde_json::to_value(&err).ok(),
            message: Some(err.to_string()),
        },
    }
}
