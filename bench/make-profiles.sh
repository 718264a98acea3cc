#!/bin/sh
# Make large, real self-profiles for the load benchmarks (bench/run.sh).
# NOT for CI: it needs nightly Rust, Debian's packaged Rust crates and
# several minutes of CPU.  The outputs are never committed (bench/out/ is
# gitignored).
#
# Writes:
#   bench/out/big.mm_profdata  the largest single profile of the build
#   bench/out/build/           every profile of the build (one per rustc run:
#                              build scripts, proc-macros, each crate, the app)
#
# Idempotent: does nothing if both outputs exist.  Remove bench/out/ to redo.
#
# How: a small hyper/tokio HTTP service (source below), built offline against
# Debian's packaged crates (apt-get install librust-tokio-dev librust-hyper-dev;
# sources in /usr/share/cargo/registry) with
#   cargo +nightly build --release --offline
# and RUSTFLAGS='-Zself-profile=... -Zself-profile-events=default,args,llvm
#   -Csymbol-mangling-version=v0 -Zallow-features='.
# (-Zallow-features= stops Debian's proc-macro2 build script from enabling a
# nightly feature this nightly no longer has.)  The app is built with fat
# LTO and 16 CGUs, so its profile holds LLVM pass events for tokio, hyper,
# h2 and std after they are merged into one module.
#
# Recorded run, 2026-11-23: rustc 1.97.0-nightly (e50aa6fba 2026-05-19),
# cargo 1.97 nightly, -j2 on 2 shared cores: 117 s wall for the whole build.
# Debian crates (bookworm-era versions): tokio 1.24.2, hyper 0.14.19,
# h2 0.3.13, http 0.2.7, futures-util 0.3.21, tokio-util 0.7.3, mio 0.8.4,
# bytes 1.2.1, syn 1.0.107, ... (49 packages in Cargo.lock).
# Output: 65 profiles, 1.5 GB in build/.  Largest: hyper's lib,
# hyper-<pid>.mm_profdata, 259 786 152 bytes, 1 233 062 events (most of the
# bytes are query-key strings) -> big.mm_profdata.  Next: the fat-LTO app
# photo_hyper 232 MB (2 434 365 events), tokio 230 MB, h2 108 MB,
# futures_util 104 MB.  No extra tricks were needed to pass 100 MB.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
big="$out/big.mm_profdata"
builddir="$out/build"

if [ -s "$big" ] && [ -d "$builddir" ] && [ -n "$(ls "$builddir" 2>/dev/null)" ]; then
    echo "make-profiles: $big and $builddir/ exist; nothing to do"
    exit 0
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "make-profiles: needs nightly Rust ('rustup run nightly rustc --version' failed)" >&2
    exit 1
fi
registry=/usr/share/cargo/registry
for c in tokio hyper; do
    if ! ls -d "$registry/$c"-[0-9]* >/dev/null 2>&1; then
        echo "make-profiles: no $c in $registry; install Debian's crates:" >&2
        echo "    apt-get install librust-tokio-dev librust-hyper-dev" >&2
        exit 1
    fi
done

jobs=${JOBS:-2}
proj="$out/photo-hyper"
rm -rf "$proj" "$builddir.tmp"
mkdir -p "$proj/src" "$proj/.cargo" "$builddir.tmp"

cat >"$proj/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"

[net]
offline = true
EOF

cat >"$proj/Cargo.toml" <<'EOF'
[package]
name = "photo_hyper"
version = "0.1.0"
edition = "2021"

[dependencies]
tokio = { version = "1", features = ["full"] }
hyper = { version = "0.14", features = ["full"] }

[profile.release]
lto = "fat"
codegen-units = 16
EOF

cat >"$proj/src/main.rs" <<'EOF'
//! A photo upload service on hyper 0.14 + tokio: an HTTP/1 and HTTP/2
//! server, a worker pool fed through an mpsc channel, a client that talks to
//! the server, timers and the file system.
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::{Bytes, HttpBody};
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Client, Method, Request, Response, Server, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, RwLock, Semaphore};

struct Job {
    id: u64,
    data: Bytes,
    done: oneshot::Sender<Result<usize, String>>,
}

struct App {
    photos: RwLock<HashMap<u64, Bytes>>,
    next_id: std::sync::atomic::AtomicU64,
    jobs: mpsc::Sender<Job>,
    limit: Semaphore,
    dir: std::path::PathBuf,
}

async fn resize(data: Bytes) -> Vec<u8> {
    tokio::task::spawn_blocking(move || data.iter().step_by(4).copied().collect())
        .await
        .unwrap_or_default()
}

async fn worker(n: usize, app: Arc<App>, jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let job = match jobs.lock().await.recv().await {
            Some(job) => job,
            None => break,
        };
        let _permit = app.limit.acquire().await;
        let thumb = resize(job.data.clone()).await;
        let path = app.dir.join(format!("{}-{}.thumb", job.id, n));
        let result = async {
            let mut f = tokio::fs::File::create(&path).await?;
            f.write_all(&thumb).await?;
            f.flush().await?;
            let mut back = Vec::new();
            tokio::fs::File::open(&path).await?.read_to_end(&mut back).await?;
            tokio::fs::remove_file(&path).await?;
            Ok::<_, std::io::Error>(back.len())
        }
        .await
        .map_err(|e| e.to_string());
        app.photos.write().await.insert(job.id, job.data);
        let _ = job.done.send(result);
    }
}

async fn read_body(mut body: Body, max: usize) -> Result<Bytes, String> {
    let mut buf = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if buf.len() + chunk.len() > max {
            return Err("too large".into());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.into())
}

fn reply(status: StatusCode, text: impl Into<Body>) -> Response<Body> {
    Response::builder().status(status).body(text.into()).unwrap()
}

async fn upload_photo(app: Arc<App>, req: Request<Body>) -> Response<Body> {
    let data = match read_body(req.into_body(), 1 << 20).await {
        Ok(d) if !d.is_empty() => d,
        Ok(_) => return reply(StatusCode::BAD_REQUEST, "empty"),
        Err(e) => return reply(StatusCode::PAYLOAD_TOO_LARGE, e),
    };
    let id = app.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (done, wait) = oneshot::channel();
    if app.jobs.send(Job { id, data, done }).await.is_err() {
        return reply(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    match tokio::time::timeout(Duration::from_secs(5), wait).await {
        Ok(Ok(Ok(n))) => reply(StatusCode::CREATED, format!("{{\"id\":{id},\"thumb\":{n}}}")),
        Ok(Ok(Err(e))) => reply(StatusCode::INTERNAL_SERVER_ERROR, e),
        _ => reply(StatusCode::GATEWAY_TIMEOUT, "worker timeout"),
    }
}

async fn get_photo(app: Arc<App>, id: &str) -> Response<Body> {
    let photos = app.photos.read().await;
    match id.parse().ok().and_then(|id: u64| photos.get(&id)) {
        Some(data) => Response::new(Body::from(data.clone())),
        None => reply(StatusCode::NOT_FOUND, format!("no photo {id}")),
    }
}

async fn route(app: Arc<App>, req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_owned();
    Ok(match (req.method(), path.split('/').collect::<Vec<_>>().as_slice()) {
        (&Method::POST, ["", "photos"]) => upload_photo(app, req).await,
        (&Method::GET, ["", "photos", id]) => get_photo(app, id).await,
        (&Method::GET, ["", "health"]) => reply(StatusCode::OK, "ok"),
        _ => reply(StatusCode::NOT_FOUND, "no route"),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (tx, rx) = mpsc::channel(64);
    let app = Arc::new(App {
        photos: RwLock::new(HashMap::new()),
        next_id: 1.into(),
        jobs: tx,
        limit: Semaphore::new(2),
        dir: std::env::temp_dir(),
    });
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let workers: Vec<_> = (0..4).map(|n| tokio::spawn(worker(n, app.clone(), rx.clone()))).collect();

    let make = make_service_fn({
        let app = app.clone();
        move |_conn| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(service_fn(move |req| route(app.clone(), req))) }
        }
    });
    let server = Server::bind(&SocketAddr::from(([127, 0, 0, 1], 0))).serve(make);
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server.with_graceful_shutdown(async { stopped.await.ok(); }));

    let client = Client::new();
    for n in 1..=8u8 {
        let req = Request::post(format!("http://{addr}/photos")).body(Body::from(vec![n; 4096]))?;
        let resp = client.request(req).await?;
        let status = resp.status();
        let body = hyper::body::to_bytes(resp.into_body()).await?;
        println!("upload {n}: {status} {}", String::from_utf8_lossy(&body));
    }
    let h2 = Client::builder().http2_only(true).build_http::<Body>();
    for id in 1..=9 {
        let uri = format!("http://{addr}/photos/{id}").parse()?;
        match tokio::time::timeout(Duration::from_secs(2), h2.get(uri)).await {
            Ok(Ok(resp)) => println!("get {id}: {}", resp.status()),
            Ok(Err(e)) => println!("get {id}: {e}"),
            Err(_) => println!("get {id}: timeout"),
        }
    }
    let _ = stop.send(());
    server.await??;
    drop(app);
    for w in workers {
        w.abort();
    }
    Ok(())
}
EOF

echo "make-profiles: building $proj (cargo +nightly build --release --offline -j$jobs)"
start=$(date +%s)
(
    cd "$proj"
    CARGO_TARGET_DIR="$proj/target" \
    RUSTFLAGS="-Zself-profile=$builddir.tmp -Zself-profile-events=default,args,llvm -Csymbol-mangling-version=v0 -Zallow-features=" \
        nice -n 10 cargo +nightly build --release --offline -j"$jobs"
)
end=$(date +%s)

largest=$(ls -S "$builddir.tmp"/*.mm_profdata | head -n 1)
rm -rf "$builddir"
mv "$builddir.tmp" "$builddir"
largest="$builddir/$(basename "$largest")"
cp "$largest" "$big.tmp" && mv "$big.tmp" "$big"

rm -rf "$proj/target" # 100 MB of build products; only the profiles matter
size=$(wc -c <"$big")
echo "make-profiles: built in $((end - start)) s; $(ls "$builddir" | wc -l) profiles, $(du -sh "$builddir" | cut -f1) in $builddir"
echo "make-profiles: $big = $(basename "$largest"), $size bytes"
if [ "$size" -lt 100000000 ]; then
    echo "make-profiles: warning: big.mm_profdata is under 100 MB" >&2
fi
