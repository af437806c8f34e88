//! The front door. tiny_http 0.12 reads request heads without any bound (one header line can grow
//! without limit), sets no socket timeouts, and takes whatever body framing it is given, so it
//! never faces a browser directly: this module accepts the TCP connections, reads each request
//! with every size and time bounded (head, header count, body, idle and total time, connections),
//! refuses ambiguous framing, and only then hands tiny_http one clean, de-chunked request over a
//! loopback connection, relaying the answer back. One request per connection (`Connection:
//! close`): on loopback a new connection costs nothing, and it keeps the relay trivially correct.
//!
//! The inner hop is a loopback TCP port (portable: Windows has no Unix sockets in std). Every web
//! page the user visits can reach a loopback port, so each request carries [`SECRET_HEADER`], a
//! per-run secret the router demands before anything else; a client's own copy is dropped.
//!
//! Slow clients cannot hold up others: a thread per connection (small stack), deadlines on the
//! head and the body, answers read from tiny_http in full at once (so a client that stalls while
//! downloading holds no request worker), and when every connection slot is taken the one that
//! has been sending its request longest is evicted (then the slowest download) rather than
//! refusing the newcomer. Live-reload streams are handed to [`Streams`] and released the moment
//! their client closes.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Every bound the front door enforces.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Request line plus headers, in bytes.
    pub head: usize,
    pub headers: usize,
    /// Request body after de-chunking (the contact form's 32 KiB).
    pub body: usize,
    /// Longest wait for the next bytes from a client.
    pub idle: Duration,
    /// Longest time to receive a whole request.
    pub request: Duration,
    /// Longest wait for a client to take the bytes we send it.
    pub write: Duration,
    /// Open client connections at once; past it the longest-reading one is evicted (or, if
    /// none is reading, the slowest download), and only if neither exists does a newcomer get 503.
    pub connections: usize,
    /// Answer bytes held for slow clients, across all connections. Past it an answer is relayed
    /// as it comes (holding its request worker until the client takes it).
    pub buffered: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head: 16 * 1024,
            headers: 100,
            body: 32 * 1024,
            idle: Duration::from_secs(10),
            request: Duration::from_secs(30),
            write: Duration::from_secs(30),
            connections: 256,
            buffered: 512 * 1024 * 1024,
        }
    }
}

/// The header carrying the client's address to the router. Any copy a client sends is dropped.
pub const PEER_HEADER: &str = "X-Folio-Peer";
/// The header carrying the per-run secret to the router. Any copy a client sends is dropped.
pub const SECRET_HEADER: &str = "X-Folio-Secret";
/// The router's answer header that asks the front door to keep the connection as a live-reload
/// stream (handed to [`Streams::join`]). Never sent to the client.
pub const STREAM_HEADER: &str = "X-Folio-Stream";

/// Where the front door hands live-reload streams: their clients are held here, not in a request
/// worker, and released at once when they close.
pub trait Streams: Send + Sync {
    /// Takes a client's connection for a stream: writes the response head and the first event
    /// and returns the stream's id, or `None` (having written nothing) when there is no room.
    fn join(&self, client: TcpStream) -> Option<u64>;
    /// The client closed (or the server is stopping): forget the stream.
    fn leave(&self, id: u64);
}

/// A request refused before it reaches the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub status: u16,
    pub reason: &'static str,
}

fn reject(status: u16, reason: &'static str) -> Reject {
    Reject { status, reason }
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses a request head (everything before the blank line, CRLF-separated), strictly.
pub fn parse_head(head: &[u8], max_headers: usize) -> Result<Head, Reject> {
    let text = std::str::from_utf8(head).map_err(|_| reject(400, "request head is not ASCII"))?;
    if !text.is_ascii() {
        return Err(reject(400, "request head is not ASCII"));
    }
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(reject(400, "malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(reject(400, "malformed method"));
    }
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(reject(400, "malformed request-target"));
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") => return Err(reject(505, "only HTTP/1.0 and HTTP/1.1 are supported")),
        _ => return Err(reject(400, "malformed HTTP version")),
    }
    let mut headers = Vec::new();
    for line in lines {
        if line.contains('\r') || line.contains('\n') {
            return Err(reject(400, "bare CR or LF in the head"));
        }
        if line.starts_with([' ', '\t']) {
            return Err(reject(400, "folded header lines are not accepted"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(reject(400, "malformed header line"));
        };
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(reject(400, "malformed header name"));
        }
        let value = value.trim_matches([' ', '\t']);
        if !value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
            return Err(reject(400, "control character in a header value"));
        }
        headers.push((name.to_string(), value.to_string()));
        if headers.len() > max_headers {
            return Err(reject(431, "too many header fields"));
        }
    }
    // Two Hosts would let the Host check and the router see different ones.
    if headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("host")).count() > 1 {
        return Err(reject(400, "several Host headers"));
    }
    Ok(Head { method: method.to_string(), target: target.to_string(), version: version.to_string(), headers })
}

/// How the request's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    None,
    Length(usize),
    Chunked,
}

/// Decides the body framing, refusing anything ambiguous (RFC 9112 §6.3): both
/// Content-Length and Transfer-Encoding, several Content-Lengths, codings other than `chunked`.
pub fn framing(head: &Head, max_body: usize) -> Result<Framing, Reject> {
    let te: Vec<&str> = head.all("transfer-encoding").collect();
    let cl: Vec<&str> = head.all("content-length").collect();
    match (te.as_slice(), cl.as_slice()) {
        ([], []) => Ok(Framing::None),
        ([_, ..], [_, ..]) => Err(reject(400, "both Content-Length and Transfer-Encoding")),
        ([one], []) if one.eq_ignore_ascii_case("chunked") => {
            if head.version == "HTTP/1.0" {
                Err(reject(400, "chunked bodies need HTTP/1.1"))
            } else {
                Ok(Framing::Chunked)
            }
        }
        (_, []) => Err(reject(501, "only the chunked transfer coding is supported")),
        ([], [one]) => {
            if one.is_empty() || one.len() > 12 || !one.bytes().all(|b| b.is_ascii_digit()) {
                return Err(reject(400, "malformed Content-Length"));
            }
            let n: u64 = one.parse().map_err(|_| reject(400, "malformed Content-Length"))?;
            if n > max_body as u64 {
                return Err(reject(413, "request body too large"));
            }
            Ok(Framing::Length(n as usize))
        }
        ([], _) => Err(reject(400, "several Content-Length headers")),
    }
}

/// Why reading a request stopped.
#[derive(Debug)]
enum ReadFail {
    /// The client closed (or reset) the connection: nothing to answer.
    Closed,
    /// The client was too slow.
    TimedOut,
    Reject(Reject),
}

impl From<Reject> for ReadFail {
    fn from(r: Reject) -> Self {
        ReadFail::Reject(r)
    }
}

/// Buffered, deadline-bound reading from the client.
struct Input<'a> {
    stream: &'a TcpStream,
    buf: Vec<u8>,
    pos: usize,
    deadline: Instant,
    idle: Duration,
}

impl Input<'_> {
    /// Reads more bytes into the buffer (at most `max_buffer` bytes held at once).
    fn fill(&mut self, max_buffer: usize) -> Result<(), ReadFail> {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let room = max_buffer.saturating_sub(self.buf.len()).min(8192);
        if room == 0 {
            return Err(ReadFail::Reject(reject(431, "request head too large")));
        }
        let now = Instant::now();
        if now >= self.deadline {
            return Err(ReadFail::TimedOut);
        }
        let wait = self.idle.min(self.deadline - now).max(Duration::from_millis(1));
        self.stream.set_read_timeout(Some(wait)).map_err(|_| ReadFail::Closed)?;
        let start = self.buf.len();
        self.buf.resize(start + room, 0);
        let got = (&*self.stream).read(&mut self.buf[start..]);
        match got {
            Ok(0) => {
                self.buf.truncate(start);
                Err(ReadFail::Closed)
            }
            Ok(n) => {
                self.buf.truncate(start + n);
                Ok(())
            }
            Err(e) => {
                self.buf.truncate(start);
                match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Err(ReadFail::TimedOut),
                    io::ErrorKind::Interrupted => Ok(()),
                    _ => Err(ReadFail::Closed),
                }
            }
        }
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads up to the blank line ending the head; returns the head without it.
    fn read_head(&mut self, max: usize) -> Result<Vec<u8>, ReadFail> {
        loop {
            let avail = self.available();
            if let Some(i) = avail.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = avail[..i].to_vec();
                self.pos += i + 4;
                return Ok(head);
            }
            if avail.len() >= max {
                return Err(reject(431, "request head too large").into());
            }
            self.fill(max + 4)?;
        }
    }

    /// Reads one CRLF-terminated line of at most `max` bytes (chunk sizes, trailers).
    fn read_line(&mut self, max: usize) -> Result<Vec<u8>, ReadFail> {
        loop {
            let avail = self.available();
            if let Some(i) = avail.windows(2).position(|w| w == b"\r\n") {
                let line = avail[..i].to_vec();
                self.pos += i + 2;
                return Ok(line);
            }
            if avail.len() > max {
                return Err(reject(400, "malformed chunked body").into());
            }
            self.compact();
            self.fill(max + 2)?;
        }
    }

    /// Reads exactly `n` body bytes into `out`.
    fn read_exact_into(&mut self, mut n: usize, out: &mut Vec<u8>) -> Result<(), ReadFail> {
        while n > 0 {
            if self.available().is_empty() {
                self.compact();
                self.fill(16 * 1024)?;
            }
            let take = self.available().len().min(n);
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            n -= take;
        }
        Ok(())
    }

    fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }
}

/// Decodes a chunked body, never holding more than `max` body bytes.
fn read_chunked(input: &mut Input<'_>, max: usize, max_trailers: usize) -> Result<Vec<u8>, ReadFail> {
    let mut body = Vec::new();
    loop {
        let line = input.read_line(1024)?;
        let size = parse_chunk_size(&line)?;
        if size == 0 {
            break;
        }
        if body.len() + size > max {
            return Err(reject(413, "request body too large").into());
        }
        input.read_exact_into(size, &mut body)?;
        if !input.read_line(2)?.is_empty() {
            return Err(reject(400, "malformed chunked body").into());
        }
    }
    // Trailer fields are read and dropped, within their own bound.
    let mut trailer_bytes = 0;
    loop {
        let line = input.read_line(max_trailers)?;
        if line.is_empty() {
            return Ok(body);
        }
        trailer_bytes += line.len() + 2;
        if trailer_bytes > max_trailers {
            return Err(reject(431, "trailer section too large").into());
        }
    }
}

/// The size of one chunk from its size line (`1a;ext=x`).
pub fn parse_chunk_size(line: &[u8]) -> Result<usize, Reject> {
    let bad = || reject(400, "malformed chunked body");
    let text = std::str::from_utf8(line).map_err(|_| bad())?;
    let hex = text.split(';').next().unwrap_or_default().trim_end_matches([' ', '\t']);
    if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    usize::from_str_radix(hex, 16).map_err(|_| bad())
}

/// The request as tiny_http will see it: hop-by-hop and framing headers replaced, the body
/// de-chunked with an exact Content-Length, the client's address in [`PEER_HEADER`].
pub fn upstream_request(head: &Head, body: &[u8], peer: IpAddr, secret: &str) -> Vec<u8> {
    const DROP: [&str; 11] = [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "expect",
        "upgrade",
        "te",
        "trailer",
        "x-folio-peer",
        "x-folio-secret",
    ];
    let mut out = Vec::with_capacity(512 + body.len());
    out.extend_from_slice(format!("{} {} {}\r\n", head.method, head.target, head.version).as_bytes());
    for (name, value) in &head.headers {
        if !DROP.iter().any(|d| name.eq_ignore_ascii_case(d)) {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(format!("Connection: close\r\n{PEER_HEADER}: {peer}\r\n{SECRET_HEADER}: {secret}\r\n").as_bytes());
    if !body.is_empty() || head.method == "POST" || head.method == "PUT" {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Adds `Connection: close` to a response head (tiny_http leaves it out; we close anyway).
pub fn close_response_head(head: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 20);
    out.extend_from_slice(head);
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out
}

fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// A complete small answer written by the front door itself.
pub fn simple_response(status: u16, reason: &str) -> Vec<u8> {
    let body = format!("{status} {}: {reason}\n", status_text(status));
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        status_text(status),
        body.len()
    )
    .into_bytes()
}

/// The front door's threads and the client connections they serve.
pub struct Guard {
    accept: Option<JoinHandle<()>>,
    local: SocketAddr,
    stop: Arc<AtomicBool>,
    conns: Arc<Conns>,
}

/// Where requests go and what they carry there.
struct Door {
    /// tiny_http's loopback address.
    upstream: SocketAddr,
    secret: String,
    limits: Limits,
    streams: Arc<dyn Streams>,
    conns: Arc<Conns>,
}

/// What a connection is doing, for choosing whom to evict when every slot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Receiving the request: evicted first (the longest at it first).
    Reading,
    /// Waiting for tiny_http's answer (moments on loopback).
    Working,
    /// Sending the answer: evicted next (the longest at it first).
    Writing,
    /// A live-reload stream (bounded by the stream limit, never evicted).
    Streaming,
}

struct Conn {
    socket: TcpStream,
    phase: Phase,
    since: Instant,
}

#[derive(Default)]
struct Conns {
    open: Mutex<HashMap<u64, Conn>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    next: AtomicU64,
    /// Answer bytes held for clients right now (see [`Limits::buffered`]).
    buffered: AtomicUsize,
}

impl Conns {
    fn set_phase(&self, id: u64, phase: Phase) {
        if let Some(conn) = lock(&self.open).get_mut(&id) {
            conn.phase = phase;
            conn.since = Instant::now();
        }
    }

    /// Takes a new connection if a slot is free or one can be freed; `false` when every slot is
    /// busy with a request being answered or a live-reload stream.
    fn admit(&self, id: u64, socket: TcpStream, limit: usize) -> bool {
        let mut open = lock(&self.open);
        if open.len() >= limit {
            let oldest = |phase: Phase| open.iter().filter(|(_, c)| c.phase == phase).min_by_key(|(_, c)| c.since).map(|(id, _)| *id);
            let Some(victim) = oldest(Phase::Reading).or_else(|| oldest(Phase::Writing)) else {
                return false;
            };
            // Its thread sees the socket fail and ends; the slot is free now.
            if let Some(conn) = open.remove(&victim) {
                let _ = conn.socket.shutdown(Shutdown::Both);
            }
        }
        open.insert(id, Conn { socket, phase: Phase::Reading, since: Instant::now() });
        true
    }
}

/// Stack of a connection thread: its buffers live on the heap.
const CONNECTION_STACK: usize = 256 * 1024;
/// How long a live-reload client may take to accept an event before its stream is dropped.
const STREAM_WRITE: Duration = Duration::from_secs(2);
/// How long tiny_http may take to answer (it answers from memory in moments).
const UPSTREAM_WAIT: Duration = Duration::from_secs(60);

impl Guard {
    /// Starts accepting on `listener`, forwarding to tiny_http at `upstream` with `secret`,
    /// handing live-reload streams to `streams`.
    pub fn start(listener: TcpListener, upstream: SocketAddr, secret: String, limits: Limits, streams: Arc<dyn Streams>) -> io::Result<Guard> {
        let local = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let conns = Arc::new(Conns::default());
        let door = Arc::new(Door { upstream, secret, limits, streams, conns: Arc::clone(&conns) });
        let accept = {
            let stop = Arc::clone(&stop);
            thread::Builder::new().name("folio-accept".into()).spawn(move || accept_loop(&listener, &door, &stop))?
        };
        Ok(Guard { accept: Some(accept), local, stop, conns })
    }

    /// Stops accepting new connections; the ones open carry on.
    pub fn stop_accepting(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a connection of our own.
        let _ = TcpStream::connect_timeout(&wake_addr(self.local), Duration::from_millis(500));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }

    /// Lets requests in flight finish for up to `grace`, then closes the rest (idle and
    /// live-reload connections) and joins every connection thread.
    pub fn finish(mut self, grace: Duration) {
        self.stop_accepting();
        let until = Instant::now() + grace;
        let busy = |open: &HashMap<u64, Conn>| open.values().any(|c| c.phase != Phase::Streaming);
        while Instant::now() < until && busy(&lock(&self.conns.open)) {
            thread::sleep(Duration::from_millis(20));
        }
        for conn in lock(&self.conns.open).values() {
            let _ = conn.socket.shutdown(Shutdown::Both);
        }
        let threads = std::mem::take(&mut *lock(&self.conns.threads));
        for h in threads {
            let _ = h.join();
        }
    }
}

fn wake_addr(local: SocketAddr) -> SocketAddr {
    let ip = match local.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, local.port())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, door: &Arc<Door>, stop: &AtomicBool) {
    let conns = &door.conns;
    loop {
        let accepted = listener.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: wait a little.
                eprintln!("folio serve: accept failed: {e}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        lock(&conns.threads).retain(|h| !h.is_finished());
        let _ = stream.set_write_timeout(Some(door.limits.write));
        let id = conns.next.fetch_add(1, Ordering::Relaxed);
        let admitted = stream.try_clone().is_ok_and(|clone| conns.admit(id, clone, door.limits.connections));
        if !admitted {
            let _ = (&stream).write_all(&simple_response(503, "too many connections"));
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        }
        let door2 = Arc::clone(door);
        let spawned = thread::Builder::new().name("folio-conn".into()).stack_size(CONNECTION_STACK).spawn(move || {
            serve_connection(&stream, peer.ip(), id, &door2);
            lock(&door2.conns.open).remove(&id);
        });
        match spawned {
            Ok(h) => lock(&conns.threads).push(h),
            Err(_) => {
                lock(&conns.open).remove(&id);
            }
        }
    }
}

fn serve_connection(client: &TcpStream, peer: IpAddr, id: u64, door: &Door) {
    let limits = &door.limits;
    let _ = client.set_nodelay(true);
    let mut input = Input { stream: client, buf: Vec::new(), pos: 0, deadline: Instant::now() + limits.request, idle: limits.idle };
    let request = read_request(&mut input, client, limits, peer, &door.secret);
    let bytes = match request {
        Ok(bytes) => bytes,
        Err(ReadFail::Closed) => return,
        Err(ReadFail::TimedOut) => {
            answer_and_close(client, &simple_response(408, "the request took too long"));
            return;
        }
        Err(ReadFail::Reject(r)) => {
            answer_and_close(client, &simple_response(r.status, r.reason));
            return;
        }
    };
    door.conns.set_phase(id, Phase::Working);
    let Ok(up) = TcpStream::connect_timeout(&door.upstream, Duration::from_secs(5)) else {
        answer_and_close(client, &simple_response(503, "the server is stopping"));
        return;
    };
    match relay(client, &bytes, up, id, door) {
        Ok(Relayed::Stream) => hold_stream(client, id, door),
        Ok(Relayed::Answered) | Err(_) => {
            let _ = client.shutdown(Shutdown::Write);
            drain(client);
        }
    }
}

fn read_request(input: &mut Input<'_>, client: &TcpStream, limits: &Limits, peer: IpAddr, secret: &str) -> Result<Vec<u8>, ReadFail> {
    let raw = input.read_head(limits.head)?;
    let head = parse_head(&raw, limits.headers)?;
    let framing = framing(&head, limits.body)?;
    let expect = head.all("expect").collect::<Vec<_>>();
    match expect.as_slice() {
        [] => {}
        [v] if v.eq_ignore_ascii_case("100-continue") => {
            if framing != Framing::None && input.available().is_empty() {
                (&*client).write_all(b"HTTP/1.1 100 Continue\r\n\r\n").map_err(|_| ReadFail::Closed)?;
            }
        }
        _ => return Err(reject(417, "unsupported Expect").into()),
    }
    let body = match framing {
        Framing::None => Vec::new(),
        Framing::Length(n) => {
            let mut body = Vec::with_capacity(n);
            input.read_exact_into(n, &mut body)?;
            body
        }
        Framing::Chunked => read_chunked(input, limits.body, 4096)?,
    };
    Ok(upstream_request(&head, &body, peer, secret))
}

/// How a relayed request ended.
enum Relayed {
    /// The answer was sent.
    Answered,
    /// The router asked for a live-reload stream: nothing was sent yet.
    Stream,
}

/// Whether a response head (from our own router) has the header `name`.
fn has_header(head: &[u8], name: &str) -> bool {
    head.split(|b| *b == b'\n')
        .skip(1)
        .any(|line| line.len() > name.len() && line[..name.len()].eq_ignore_ascii_case(name.as_bytes()) && line[name.len()] == b':')
}

/// Answer bytes counted against [`Limits::buffered`] until dropped.
struct Held<'a> {
    total: &'a AtomicUsize,
    bytes: usize,
}

impl Held<'_> {
    fn add(&mut self, n: usize) {
        self.total.fetch_add(n, Ordering::SeqCst);
        self.bytes += n;
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.total.fetch_sub(self.bytes, Ordering::SeqCst);
    }
}

/// Sends the request to tiny_http and its answer back, adding `Connection: close`. The answer is
/// read in full first (within [`Limits::buffered`]), so the request worker is free at once
/// however slowly the client takes it.
fn relay(client: &TcpStream, request: &[u8], mut up: TcpStream, id: u64, door: &Door) -> io::Result<Relayed> {
    let _ = up.set_read_timeout(Some(UPSTREAM_WAIT));
    up.write_all(request)?;
    let _ = up.shutdown(Shutdown::Write);
    // The response head comes from our own server; bound it anyway.
    let mut head = Vec::with_capacity(1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let body_start = loop {
        let n = up.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&chunk[..n]);
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if head.len() > 64 * 1024 {
            return Err(io::ErrorKind::InvalidData.into());
        }
    };
    if has_header(&head[..body_start], STREAM_HEADER) {
        return Ok(Relayed::Stream);
    }
    let mut out = close_response_head(&head[..body_start]);
    out.extend_from_slice(&head[body_start + 4..]);
    let mut held = Held { total: &door.conns.buffered, bytes: 0 };
    held.add(out.len());
    let mut finished = false;
    while door.conns.buffered.load(Ordering::SeqCst) <= door.limits.buffered {
        match up.read(&mut chunk) {
            Ok(0) => {
                finished = true;
                break;
            }
            Ok(n) => {
                out.extend_from_slice(&chunk[..n]);
                held.add(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if finished {
        // tiny_http's side is done: let it go before the client takes its time.
        let _ = up.shutdown(Shutdown::Both);
    }
    door.conns.set_phase(id, Phase::Writing);
    let mut client_w = client;
    client_w.write_all(&out)?;
    drop(out);
    drop(held);
    if finished {
        return Ok(Relayed::Answered);
    }
    // Over the budget: the rest goes through as it comes.
    loop {
        let n = match up.read(&mut chunk) {
            Ok(0) => return Ok(Relayed::Answered),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        client_w.write_all(&chunk[..n])?;
    }
}

/// Keeps a live-reload client: hands it to [`Streams`], then waits for it to close (a page never
/// sends anything on its stream) and releases it at once.
fn hold_stream(client: &TcpStream, id: u64, door: &Door) {
    let Ok(clone) = client.try_clone() else { return };
    let _ = client.set_write_timeout(Some(STREAM_WRITE));
    let Some(stream) = door.streams.join(clone) else {
        answer_and_close(client, &simple_response(503, "too many live-reload connections"));
        return;
    };
    door.conns.set_phase(id, Phase::Streaming);
    let _ = client.set_read_timeout(None);
    let mut sink = [0u8; 512];
    loop {
        match (&*client).read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    door.streams.leave(stream);
}

/// Answers, then closes gently: a client still sending its body would otherwise get a reset
/// that can destroy the answer before it reads it.
fn answer_and_close(client: &TcpStream, response: &[u8]) {
    let _ = (&*client).write_all(response);
    let _ = client.shutdown(Shutdown::Write);
    drain(client);
}

/// Reads and drops what the client still sends, within a bound of bytes and time.
fn drain(client: &TcpStream) {
    let _ = client.set_read_timeout(Some(Duration::from_millis(500)));
    let until = Instant::now() + Duration::from_secs(2);
    let mut left: usize = 1024 * 1024;
    let mut sink = [0u8; 8192];
    while left > 0 && Instant::now() < until {
        match (&*client).read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Head, Reject> {
        parse_head(text.as_bytes(), 100)
    }

    #[test]
    fn parses_a_plain_head() {
        let h = head("GET /a/?b=1 HTTP/1.1\r\nHost: localhost:1111\r\nAccept:  text/html \r\nX-Empty:").unwrap();
        assert_eq!(h.method, "GET");
        assert_eq!(h.target, "/a/?b=1");
        assert_eq!(h.headers, vec![("Host".into(), "localhost:1111".into()), ("Accept".into(), "text/html".into()), ("X-Empty".into(), String::new())]);
    }

    #[test]
    fn refuses_malformed_heads() {
        for (text, status) in [
            ("GET /", 400),
            ("GET  / HTTP/1.1", 400),
            ("GET / HTTP/1.1 extra", 400),
            ("GET / HTTP/2.0", 505),
            ("GET / FTP/1.0", 400),
            ("G(T / HTTP/1.1", 400),
            ("GET /\u{e9} HTTP/1.1", 400),
            ("GET / HTTP/1.1\r\nNo colon here", 400),
            ("GET / HTTP/1.1\r\nBad Name: x", 400),
            ("GET / HTTP/1.1\r\nHost : x", 400),
            ("GET / HTTP/1.1\r\nA: b\r\n folded", 400),
            ("GET / HTTP/1.1\r\nA: b\nB: c", 400),
            ("GET / HTTP/1.1\r\nA: b\x01c", 400),
            ("GET / HTTP/1.1\r\nA: caf\u{e9}", 400),
            ("GET / HTTP/1.1\r\nHost: localhost\r\nhost: evil.example", 400),
        ] {
            assert_eq!(head(text).map_err(|r| r.status), Err(status), "{text:?}");
        }
    }

    #[test]
    fn bounds_the_header_count() {
        let mut text = String::from("GET / HTTP/1.1");
        for i in 0..101 {
            text.push_str(&format!("\r\nX-{i}: y"));
        }
        assert_eq!(head(&text).map_err(|r| r.status), Err(431));
    }

    fn framing_of(headers: &str) -> Result<Framing, u16> {
        framing(&head(&format!("POST /api/contact HTTP/1.1{headers}")).unwrap(), 32 * 1024).map_err(|r| r.status)
    }

    #[test]
    fn refuses_ambiguous_or_oversized_framing() {
        assert_eq!(framing_of(""), Ok(Framing::None));
        assert_eq!(framing_of("\r\nContent-Length: 10"), Ok(Framing::Length(10)));
        assert_eq!(framing_of("\r\nTransfer-Encoding: Chunked"), Ok(Framing::Chunked));
        assert_eq!(framing_of("\r\nContent-Length: 32768"), Ok(Framing::Length(32768)));
        assert_eq!(framing_of("\r\nContent-Length: 32769"), Err(413));
        assert_eq!(framing_of("\r\nContent-Length: 99999999999999999999"), Err(400));
        assert_eq!(framing_of("\r\nContent-Length: -1"), Err(400));
        assert_eq!(framing_of("\r\nContent-Length: 1e3"), Err(400));
        assert_eq!(framing_of("\r\nContent-Length: 5\r\nContent-Length: 5"), Err(400));
        assert_eq!(framing_of("\r\nContent-Length: 5, 5"), Err(400));
        assert_eq!(framing_of("\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"), Err(400));
        assert_eq!(framing_of("\r\nTransfer-Encoding: gzip, chunked"), Err(501));
        assert_eq!(framing_of("\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked"), Err(501));
        let old = head("POST / HTTP/1.0\r\nTransfer-Encoding: chunked").unwrap();
        assert_eq!(framing(&old, 10).map_err(|r| r.status), Err(400));
    }

    #[test]
    fn chunk_sizes() {
        assert_eq!(parse_chunk_size(b"1a"), Ok(26));
        assert_eq!(parse_chunk_size(b"0"), Ok(0));
        assert_eq!(parse_chunk_size(b"10;name=value"), Ok(16));
        assert!(parse_chunk_size(b"").is_err());
        assert!(parse_chunk_size(b"-1").is_err());
        assert!(parse_chunk_size(b"fffffffff").is_err());
        assert!(parse_chunk_size(b"0x10").is_err());
    }

    #[test]
    fn upstream_requests_are_normalised() {
        let h = head(
            "POST /api/contact HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\nX-Folio-Peer: 6.6.6.6\r\nX-Folio-Secret: guess\r\nExpect: 100-continue\r\nAccept: */*",
        )
        .unwrap();
        let out = String::from_utf8(upstream_request(&h, b"abc", "127.0.0.1".parse().unwrap(), "s3cret")).unwrap();
        assert_eq!(
            out,
            "POST /api/contact HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nConnection: close\r\nX-Folio-Peer: 127.0.0.1\r\nX-Folio-Secret: s3cret\r\nContent-Length: 3\r\n\r\nabc"
        );
    }

    #[test]
    fn response_heads_get_connection_close() {
        assert_eq!(close_response_head(b"HTTP/1.1 200 OK\r\nA: b"), b"HTTP/1.1 200 OK\r\nA: b\r\nConnection: close\r\n\r\n");
    }
}
