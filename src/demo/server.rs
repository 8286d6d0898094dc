//! The HTTP side: a `tiny_http` server shared by a small pool of worker threads.
//!
//! `tiny_http` reads requests on its own per-connection threads and queues them; the
//! workers pop from that queue, so several requests are answered at once (the page's
//! burst keeps 6 in flight). Workers poll with a timeout so [`DemoHandle::stop`] never
//! waits on a request that will not come.

use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::demo::respond::{self, Env, Incoming, MAX_BODY_BYTES};
use crate::exchange::Headers;
use crate::time::Timestamp;

/// The port `authlens demo` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8401;

/// How many threads answer requests.
pub const WORKERS: usize = 4;

const POLL: Duration = Duration::from_millis(100);

/// Where and what to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// TCP port; 0 picks a free one (see [`DemoHandle::port`]).
    pub port: u16,
    /// The built analyzer, served under `/analyzer/` (default `dist/www`).
    pub www_dir: PathBuf,
    /// Address to bind (default 127.0.0.1: the playground hands out tokens and cookies
    /// and has no business on a network).
    pub bind: IpAddr,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            port: DEFAULT_PORT,
            www_dir: PathBuf::from("dist/www"),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }
}

/// A running playground. Dropping it stops the server.
#[derive(Debug)]
pub struct DemoHandle {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    failure: Arc<Mutex<Option<io::Error>>>,
    workers: Vec<JoinHandle<()>>,
}

impl DemoHandle {
    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The scenario page's URL, e.g. `http://127.0.0.1:8401/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting requests, waits for the workers to finish the ones in hand, and
    /// closes the socket.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Blocks until the server stops on its own, which only happens when accepting
    /// connections fails; returns that error.
    pub fn wait(mut self) -> io::Result<()> {
        for w in std::mem::take(&mut self.workers) {
            let _ = w.join();
        }
        match self.failure.lock().ok().and_then(|mut f| f.take()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for w in std::mem::take(&mut self.workers) {
            let _ = w.join();
        }
    }
}

impl Drop for DemoHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the playground on background threads and returns once it is listening.
pub fn spawn(cfg: DemoConfig) -> io::Result<DemoHandle> {
    let server =
        tiny_http::Server::http(SocketAddr::new(cfg.bind, cfg.port)).map_err(|e| match e
            .downcast::<io::Error>()
        {
            Ok(io) => *io,
            Err(other) => io::Error::other(other.to_string()),
        })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| io::Error::other("the server is not bound to an IP address"))?;
    // The server is dropped (closing the socket) when the last worker lets go of it.
    let server = Arc::new(server);
    let stop = Arc::new(AtomicBool::new(false));
    let failure = Arc::new(Mutex::new(None));
    let round_robin = Arc::new(AtomicU64::new(0));
    let www_dir = Arc::new(cfg.www_dir);
    let mut workers = Vec::with_capacity(WORKERS);
    for i in 0..WORKERS {
        let (server, stopped, failure, round_robin, www_dir) = (
            Arc::clone(&server),
            Arc::clone(&stop),
            Arc::clone(&failure),
            Arc::clone(&round_robin),
            Arc::clone(&www_dir),
        );
        let worker = thread::Builder::new()
            .name(format!("authlens-demo-{i}"))
            .spawn(move || {
                while !stopped.load(Ordering::SeqCst) {
                    match server.recv_timeout(POLL) {
                        Ok(Some(rq)) => answer(rq, addr.port(), &www_dir, &round_robin),
                        Ok(None) => {}
                        Err(e) => {
                            // tiny_http's accept loop has ended: nothing more will come.
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                            stopped.store(true, Ordering::SeqCst);
                        }
                    }
                }
            });
        match worker {
            Ok(w) => workers.push(w),
            Err(e) => {
                stop.store(true, Ordering::SeqCst);
                for w in workers {
                    let _ = w.join();
                }
                return Err(e);
            }
        }
    }
    Ok(DemoHandle {
        addr,
        stop,
        failure,
        workers,
    })
}

/// Serves until accepting connections fails (blocking). For a known port and a printed
/// URL, use [`spawn`], print [`DemoHandle::url`], then [`DemoHandle::wait`].
pub fn serve(cfg: DemoConfig) -> io::Result<()> {
    spawn(cfg)?.wait()
}

/// The server's clock: the only place the playground reads the time.
fn system_now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp(ms)
}

fn answer(mut rq: tiny_http::Request, port: u16, www_dir: &std::path::Path, rr: &AtomicU64) {
    let method = rq.method().as_str().to_string();
    let target = rq.url().to_string();
    let headers: Headers = rq
        .headers()
        .iter()
        .map(|h| (h.field.as_str().as_str(), h.value.as_str()))
        .collect();
    let mut body = Vec::new();
    // Bounded: a client announcing gigabytes gets its first 64 KiB read, no more.
    let limit = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX);
    let _ = rq.as_reader().take(limit).read_to_end(&mut body);
    let env = Env {
        now: system_now(),
        port,
        www_dir,
        round_robin: rr,
    };
    let out = respond::handle(
        &Incoming {
            method: &method,
            target: &target,
            headers: &headers,
            body: &body,
        },
        &env,
    );
    // The body is in memory, so always send Content-Length: DevTools then shows real sizes,
    // where tiny_http would otherwise switch to chunked above 32 KiB.
    let mut response = tiny_http::Response::from_data(out.body)
        .with_status_code(out.status)
        .with_chunked_threshold(usize::MAX);
    for h in out.headers.iter() {
        // tiny_http writes names and values verbatim; refuse anything that could split a
        // line. Every value comes from the table or is validated, so this never fires.
        if h.value.contains(['\r', '\n']) || h.name.contains(['\r', '\n', ':', ' ']) {
            continue;
        }
        if let Ok(header) = tiny_http::Header::from_bytes(h.name.as_bytes(), h.value.as_bytes()) {
            response.add_header(header);
        }
    }
    // The client may have gone away; there is nobody to tell.
    let _ = rq.respond(response);
}
