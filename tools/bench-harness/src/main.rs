//! Replays the shared bench's byte scripts through the MQTT engine, N times
//! per case, checking every byte the client sends.
//!
//!   mqtt-bench                     every case once: transport calls per op
//!   mqtt-bench --case NAME --reps N   one case N times (what callgrind runs)
//!   ... --api c                    through the coreMQTT C API (`MQTT_*` on an
//!                                  `MQTTContext_t`, C-ABI callbacks) instead
//!                                  of the Rust `Client`
//!
//! `tools/bench` runs the second form under
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_op_*
//! --toggle-collect=bench_cb_*`: instructions are counted inside the
//! library calls (`bench_op_*`), and not inside the harness's transport,
//! clock and event callbacks (`bench_cb_*`) they call, like the coreMQTT
//! reference figures ("library only").

#[cfg(feature = "capi")]
mod capi;
mod scripts;

use coremqtt_rs::client::{Client, Event, Timeouts};
use coremqtt_rs::state::Record;
use coremqtt_rs::transport::{Clock, Transport, TransportError};
use coremqtt_rs::wire::{Connect, Publish, QoS, Subscription};
use scripts::{Api, Case, Step};
use std::cell::{Cell, RefCell};
use std::process::ExitCode;

/// Network buffer of every case (the 1 KiB case needs 2048).
const BUFFER: usize = 2048;
/// QoS records per direction.
const RECORDS: usize = 10;

/// The fake server end: the bytes readable now, and what the client sent.
#[derive(Default)]
struct Io {
    srv: Vec<u8>,
    at: usize,
    sent: Vec<u8>,
    recv_calls: u32,
    send_calls: u32,
}

thread_local! {
    static NOW: Cell<u32> = const { Cell::new(1_000) };
    static IO: RefCell<Io> = RefCell::new(Io::default());
}

/// The fake server's side of a recv: copies what is readable.
#[inline(always)]
pub(crate) fn io_recv(buf: &mut [u8]) -> usize {
    IO.with_borrow_mut(|io| {
        io.recv_calls += 1;
        let rest = &io.srv[io.at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        io.at += n;
        n
    })
}

/// The fake server's side of a send: records the bytes.
#[inline(always)]
pub(crate) fn io_send(data: &[u8]) -> usize {
    IO.with_borrow_mut(|io| {
        io.send_calls += 1;
        io.sent.extend_from_slice(data);
        data.len()
    })
}

#[inline(always)]
pub(crate) fn io_now() -> u32 {
    NOW.with(|n| n.get())
}

// The callbacks the library calls (callgrind leaves out bench_cb_* and
// what they call; they never call each other).
#[no_mangle]
#[inline(never)]
fn bench_cb_recv(buf: &mut [u8]) -> usize {
    io_recv(buf)
}

#[no_mangle]
#[inline(never)]
fn bench_cb_send(data: &[u8]) -> usize {
    io_send(data)
}

#[no_mangle]
#[inline(never)]
fn bench_cb_now() -> u32 {
    io_now()
}

/// Before each step: the fake clock advanced, the server's bytes loaded,
/// the counters reset.
fn begin_step(st: &Step) {
    NOW.with(|n| n.set(n.get().wrapping_add(st.advance_ms)));
    IO.with_borrow_mut(|io| {
        io.srv = st.srv.clone();
        io.at = 0;
        io.sent.clear();
        io.recv_calls = 0;
        io.send_calls = 0;
    });
}

/// After each step: the client sent exactly the script's bytes and read
/// all the server's; the step's transport calls.
fn end_step(case: &Case, i: usize, st: &Step) -> Result<(u32, u32), String> {
    IO.with_borrow(|io| {
        if io.sent != st.cli {
            Err(format!("sent {:02x?}, expected {:02x?}", io.sent, st.cli))
        } else if io.at != io.srv.len() {
            Err("server bytes left unread".to_string())
        } else {
            Ok((io.recv_calls, io.send_calls))
        }
    })
    .map_err(|e| format!("{} step {}: {e}", case.name, i + 1))
}

/// The server's CONNACK for a setup connect outside the measurement.
fn serve_connack() {
    IO.with_borrow_mut(|io| {
        io.srv = vec![0x20, 2, 0, 0];
        io.at = 0;
    });
}

#[no_mangle]
#[inline(never)]
fn bench_cb_event(ev: &Event<'_>) -> bool {
    std::hint::black_box(ev);
    false
}

/// The transport the client sees: the thread's fake server.
struct Net;
impl Transport for Net {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        Ok(bench_cb_recv(buf))
    }
    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        Ok(bench_cb_send(buf))
    }
}

struct Now;
impl Clock for Now {
    fn now_ms(&mut self) -> u32 {
        bench_cb_now()
    }
}

type C<'a> = Client<'a, Net, Now>;

#[no_mangle]
#[inline(never)]
fn bench_op_connect(c: &mut C<'_>, connect: &Connect<'_>) -> bool {
    c.connect(connect, 1000).is_ok()
}

#[no_mangle]
#[inline(never)]
fn bench_op_publish(c: &mut C<'_>, p: &Publish<'_>) -> bool {
    c.publish(p).is_ok()
}

#[no_mangle]
#[inline(never)]
fn bench_op_subscribe(c: &mut C<'_>, subs: &[Subscription<'_>]) -> bool {
    c.subscribe(subs).is_ok()
}

#[no_mangle]
#[inline(never)]
fn bench_op_unsubscribe(c: &mut C<'_>, filters: &[&str]) -> bool {
    c.unsubscribe(filters).is_ok()
}

#[no_mangle]
#[inline(never)]
fn bench_op_process(c: &mut C<'_>) -> bool {
    c.poll(&mut |ev| bench_cb_event(&ev)).is_ok()
}

fn connect_info() -> Connect<'static> {
    Connect {
        username: Some(scripts::USERNAME),
        ..Connect::new(scripts::CLIENT_ID, scripts::KEEP_ALIVE_S)
    }
}

/// Run one step on `c`; false if the call failed.
fn run_step(c: &mut C<'_>, st: &Step) -> bool {
    let sub = [Subscription {
        filter: scripts::TOPIC,
        qos: QoS::AtLeastOnce,
    }];
    match st.api {
        Api::Connect => bench_op_connect(c, &connect_info()),
        Api::Publish => bench_op_publish(
            c,
            &Publish::new(scripts::TOPIC, scripts::PAYLOAD12, QoS::AtLeastOnce),
        ),
        Api::Subscribe => bench_op_subscribe(c, &sub),
        Api::Unsubscribe => bench_op_unsubscribe(c, &[scripts::TOPIC]),
        Api::Process => bench_op_process(c),
    }
}

/// Transport calls of one repetition: (recv, send).
fn run_case(case: &Case, api: &str) -> Result<(u32, u32), String> {
    if api == "c" {
        #[cfg(feature = "capi")]
        return capi::run_case(case);
        #[cfg(not(feature = "capi"))]
        return Err("built without the C API (cargo feature capi)".into());
    }
    let mut buf = [0u8; BUFFER];
    let mut out = [Record::EMPTY; RECORDS];
    let mut inc = [Record::EMPTY; RECORDS];
    let mut c = Client::new(Net, Now, &mut buf, &mut out, &mut inc, Timeouts::DEFAULT);
    if case.steps[0].api != Api::Connect {
        // Connected first, outside the measurement.
        serve_connack();
        if c.connect(&connect_info(), 1000) != Ok(false) {
            return Err("setup CONNECT failed".into());
        }
    }
    let (mut recvs, mut sends) = (0, 0);
    for (i, st) in case.steps.iter().enumerate() {
        begin_step(st);
        if !run_step(&mut c, st) {
            return Err(format!("{} step {}: the call failed", case.name, i + 1));
        }
        let calls = end_step(case, i, st)?;
        recvs += calls.0;
        sends += calls.1;
    }
    Ok((recvs, sends))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut only = None;
    let mut reps = 1u32;
    let mut api = "rust".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--case" => only = it.next().cloned(),
            "--reps" => reps = it.next().and_then(|r| r.parse().ok()).unwrap_or(0),
            "--api" => api = it.next().cloned().unwrap_or_default(),
            _ => {
                eprintln!("usage: mqtt-bench [--case NAME] [--reps N] [--api rust|c]");
                return ExitCode::from(2);
            }
        }
    }
    if api != "rust" && api != "c" {
        eprintln!("mqtt-bench: --api rust or c");
        return ExitCode::from(2);
    }
    let cases = scripts::cases();
    if let Some(name) = &only {
        if !cases.iter().any(|c| c.name == name) {
            eprintln!("mqtt-bench: no case {name}");
            return ExitCode::from(2);
        }
    }
    for case in cases
        .iter()
        .filter(|c| only.as_ref().is_none_or(|n| n == c.name))
    {
        let mut calls = (0, 0);
        for _ in 0..reps {
            match run_case(case, &api) {
                Ok(c) => calls = c,
                Err(e) => {
                    eprintln!("mqtt-bench: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        println!("{}\trecv {}\tsend {}", case.name, calls.0, calls.1);
    }
    ExitCode::SUCCESS
}
