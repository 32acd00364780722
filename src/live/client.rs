//! The browser's side of the live connection: one socket per tab, opened
//! after hydration, reopened with exponential backoff and jitter, and on
//! every reopening subscribed again from the last sequence number seen, so
//! nothing recorded meanwhile is missed.

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures::channel::mpsc::{UnboundedSender, unbounded};
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::ui::{Connection, LiveFeed};
use crate::platform::frames::{CLOSE_ACCESS_ENDED, CLOSE_RECONNECT, Frame};

/// The first wait before reopening, and the longest.
const FIRST_DELAY_MS: f64 = 500.0;
const MAX_DELAY_MS: f64 = 15_000.0;

/// A subscription the open pages want: stream and patient (none: all).
type Want = (&'static str, Option<i32>);

#[derive(Default)]
struct Shared {
    started: bool,
    /// How many components want each subscription.
    wanted: BTreeMap<Want, usize>,
    outbox: Option<UnboundedSender<String>>,
    last_seq: i64,
}

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::new(Shared::default());
}

fn request(want: Want, action: &str, since: Option<i64>) -> String {
    let (stream, patient_id) = want;
    json!({
        "stream": stream,
        "payload": {
            "action": action,
            "request_id": format!("{action}:{stream}:{}", patient_id.map_or(String::new(), |p| p.to_string())),
            "patient_id": patient_id,
            "since": since.filter(|s| *s > 0),
        }
    })
    .to_string()
}

fn send(text: String) {
    SHARED.with(|s| {
        if let Some(outbox) = &s.borrow().outbox {
            let _ = outbox.unbounded_send(text);
        }
    });
}

/// Subscribes for as long as the calling component lives.
pub fn follow(stream: &'static str, patient_id: Option<i32>) {
    let want = (stream, patient_id);
    let first = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        let count = s.wanted.entry(want).or_default();
        *count += 1;
        *count == 1
    });
    if first {
        send(request(want, "subscribe", None));
    }
    on_cleanup(move || {
        let last = SHARED.with(|s| {
            let mut s = s.borrow_mut();
            match s.wanted.get_mut(&want) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    false
                }
                Some(_) => {
                    s.wanted.remove(&want);
                    true
                }
                None => false,
            }
        });
        if last {
            send(request(want, "unsubscribe", None));
        }
    });
}

fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Opens the tab's socket once; later calls do nothing.
pub fn start(feed: LiveFeed) {
    let already = SHARED.with(|s| std::mem::replace(&mut s.borrow_mut().started, true));
    if !already {
        leptos::task::spawn_local(run(feed));
    }
}

async fn run(feed: LiveFeed) {
    let mut failures: i32 = 0;
    // Set after the server closed the socket for the user's access: if the
    // next socket is refused too, the user must sign in again.
    let mut access_ended = false;
    let mut quiet = false;
    loop {
        if !quiet {
            feed.connection.set(match (failures, online()) {
                (_, false) => Connection::Offline,
                (0, true) => Connection::Connecting,
                _ => Connection::Reconnecting,
            });
        }
        let ended = match socket_url().and_then(|url| WebSocket::open(&url).ok()) {
            Some(socket) => serve(socket, feed).await,
            None => Ended::default(),
        };
        if ended.opened {
            failures = 0;
            access_ended = false;
        } else if access_ended {
            feed.connection.set(Connection::AccessEnded);
            return;
        }
        match ended.code {
            Some(CLOSE_ACCESS_ENDED) => {
                access_ended = true;
                quiet = false;
                continue;
            }
            Some(CLOSE_RECONNECT) => {
                quiet = true;
                continue;
            }
            _ => quiet = false,
        }
        failures = failures.saturating_add(1);
        feed.connection.set(if online() {
            Connection::Reconnecting
        } else {
            Connection::Offline
        });
        let delay = (FIRST_DELAY_MS * 2f64.powi(failures.min(10) - 1)).min(MAX_DELAY_MS);
        let jitter = 0.5 + js_sys::Math::random() / 2.0;
        gloo_timers::future::TimeoutFuture::new((delay * jitter) as u32).await;
    }
}

/// How a connection ended.
#[derive(Default)]
struct Ended {
    /// Whether the server ever spoke on it.
    opened: bool,
    /// The close code the server gave, if it closed the socket.
    code: Option<u16>,
}

/// Runs one connection until it closes.
async fn serve(socket: WebSocket, feed: LiveFeed) -> Ended {
    let (mut sink, mut incoming) = socket.split();
    let (outbox, mut outgoing) = unbounded::<String>();
    let resume = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        s.outbox = Some(outbox);
        let since = s.last_seq;
        s.wanted
            .keys()
            .map(|want| request(*want, "subscribe", Some(since)))
            .collect::<Vec<_>>()
    });
    for text in resume {
        send(text);
    }
    let mut opened = false;
    let mut code = None;
    loop {
        match select(incoming.next(), outgoing.next()).await {
            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                if !opened {
                    opened = true;
                    feed.connection.set(Connection::Live);
                }
                receive(&text, feed);
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
            Either::Left((Some(Err(WebSocketError::ConnectionClose(event))), _)) => {
                code = Some(event.code);
                break;
            }
            Either::Left((Some(Err(_)) | None, _)) => break,
            Either::Right((Some(text), _)) => {
                if sink.send(Message::Text(text)).await.is_err() {
                    break;
                }
            }
            Either::Right((None, _)) => break,
        }
    }
    SHARED.with(|s| s.borrow_mut().outbox = None);
    Ended { opened, code }
}

fn seen(seq: i64) {
    SHARED.with(|s| {
        let mut s = s.borrow_mut();
        s.last_seq = s.last_seq.max(seq);
    });
}

fn receive(text: &str, feed: LiveFeed) {
    let Ok(frame) = serde_json::from_str::<Frame>(text) else {
        return;
    };
    match frame {
        Frame::Welcome { seq } => {
            SHARED.with(|s| {
                let mut s = s.borrow_mut();
                if s.last_seq == 0 {
                    s.last_seq = seq;
                }
            });
        }
        Frame::Event(event) => {
            seen(event.seq);
            feed.events.set(Some(event));
        }
        Frame::Presence(presence) => feed.presence.set(Some(presence)),
        Frame::Reply {
            status,
            data,
            request_id,
            ..
        } => {
            if let Some(seq) = data
                .as_ref()
                .and_then(|d| d.get("seq"))
                .and_then(Value::as_i64)
            {
                seen(seq);
            }
            if status == 409 {
                feed.reloads.update(|n| *n += 1);
                resubscribe_fresh(&request_id);
            }
        }
        Frame::Resync { .. } => {
            let since = SHARED.with(|s| s.borrow().last_seq);
            let wanted: Vec<Want> = SHARED.with(|s| s.borrow().wanted.keys().copied().collect());
            for want in wanted {
                send(request(want, "subscribe", Some(since)));
            }
        }
    }
}

/// After a gap too old to replay, subscribes again from now on.
fn resubscribe_fresh(request_id: &Value) {
    let wanted: Vec<Want> = SHARED.with(|s| s.borrow().wanted.keys().copied().collect());
    for want in wanted {
        let id = request(want, "subscribe", None);
        if request_id
            .as_str()
            .is_some_and(|r| id.contains(&format!("\"request_id\":\"{r}\"")))
        {
            send(id);
        }
    }
}
