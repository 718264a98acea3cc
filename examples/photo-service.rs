//! A tiny photo service: a request router, async handlers and a pool of
//! worker tasks draining a request queue, all run by a hand-written
//! single-threaded executor (no external crates).
//!
//! It exists to give `rustc -Z self-profile` something realistic to chew on:
//! async fns calling each other, async blocks, closures, generics and trait
//! objects.  See examples/README.md.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

// ---------------------------------------------------------------- executor

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Round-robin executor: polls every task in turn until all are done.
/// Tasks never sleep on I/O here, so a no-op waker is enough.
struct Executor {
    tasks: VecDeque<Task>,
}

impl Executor {
    fn new() -> Self {
        Executor { tasks: VecDeque::new() }
    }

    fn spawn(&mut self, fut: impl Future<Output = ()> + 'static) {
        self.tasks.push_back(Box::pin(fut));
    }

    fn run(&mut self) -> usize {
        let mut cx = Context::from_waker(Waker::noop());
        let mut polls = 0;
        while let Some(mut task) = self.tasks.pop_front() {
            polls += 1;
            if task.as_mut().poll(&mut cx).is_pending() {
                self.tasks.push_back(task);
            }
        }
        polls
    }
}

/// A future that returns `Pending` once, so other tasks get a turn.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

fn yield_now() -> YieldNow {
    YieldNow(false)
}

// ---------------------------------------------------------------- model

/// An HTTP-like request: `line` is "METHOD /path".
struct Request {
    line: String,
    body: Vec<u8>,
}

impl Request {
    fn new(line: String, body: Vec<u8>) -> Self {
        Request { line, body }
    }
}

struct Response {
    status: u16,
    body: String,
}

impl Response {
    fn ok(body: String) -> Self {
        Response { status: 200, body }
    }
    fn error(status: u16, err: impl fmt::Display) -> Self {
        Response { status, body: format!("{err}") }
    }
}

enum PhotoError {
    Empty,
    TooLarge(usize),
    NotFound(usize),
}

impl fmt::Display for PhotoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhotoError::Empty => f.write_str("empty upload"),
            PhotoError::TooLarge(n) => write!(f, "photo too large ({n} bytes)"),
            PhotoError::NotFound(id) => write!(f, "photo {id} not found"),
        }
    }
}

/// A decoded greyscale image.
struct Photo {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

// ---------------------------------------------------------------- storage

trait Store {
    fn put(&self, photo: Photo) -> usize;
    fn get(&self, id: usize) -> Option<Rc<Photo>>;
}

struct MemoryStore {
    photos: RefCell<Vec<Rc<Photo>>>,
}

impl MemoryStore {
    fn new() -> Self {
        MemoryStore { photos: RefCell::new(Vec::new()) }
    }
}

impl Store for MemoryStore {
    fn put(&self, photo: Photo) -> usize {
        let mut photos = self.photos.borrow_mut();
        photos.push(Rc::new(photo));
        photos.len()
    }
    fn get(&self, id: usize) -> Option<Rc<Photo>> {
        self.photos.borrow().get(id.checked_sub(1)?).cloned()
    }
}

// ---------------------------------------------------------------- handlers

const MAX_UPLOAD: usize = 1 << 20;

async fn decode(body: &[u8]) -> Result<Photo, PhotoError> {
    match body.len() {
        0 => return Err(PhotoError::Empty),
        n if n > MAX_UPLOAD => return Err(PhotoError::TooLarge(n)),
        _ => {}
    }
    yield_now().await;
    let width = body.len().isqrt().max(1);
    let height = body.len().div_ceil(width);
    let mut pixels = body.to_vec();
    pixels.resize(width * height, 0);
    Ok(Photo { width, height, pixels })
}

/// Resize to `width` x `height`; `sample` picks the value of each pixel.
async fn resize<F>(photo: &Photo, width: usize, height: usize, sample: F) -> Photo
where
    F: Fn(&Photo, usize, usize) -> u8,
{
    yield_now().await;
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            pixels.push(sample(photo, x * photo.width / width, y * photo.height / height));
        }
    }
    Photo { width, height, pixels }
}

async fn store(db: &dyn Store, photo: Photo) -> usize {
    yield_now().await;
    db.put(photo)
}

async fn upload_photo(db: Rc<dyn Store>, req: Request) -> Result<Response, PhotoError> {
    let photo = decode(&req.body).await?;
    let thumb = resize(&photo, 8, 8, |p, x, y| p.pixels[y * p.width + x]).await;
    let id = store(&*db, photo).await;
    let thumb_id = store(&*db, thumb).await;
    Ok(Response::ok(format!("{{\"id\":{id},\"thumb\":{thumb_id}}}")))
}

async fn get_photo(db: Rc<dyn Store>, id: usize) -> Result<Response, PhotoError> {
    let photo = db.get(id).ok_or(PhotoError::NotFound(id))?;
    let mean = async {
        yield_now().await;
        photo.pixels.iter().map(|&p| p as usize).sum::<usize>() / photo.pixels.len()
    }
    .await;
    Ok(Response::ok(format!("{}x{} mean={mean}", photo.width, photo.height)))
}

// ---------------------------------------------------------------- router

type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;
type Handler = Box<dyn Fn(Rc<dyn Store>, Request) -> BoxFuture<Response>>;

struct Router {
    routes: Vec<(&'static str, Handler)>,
}

impl Router {
    fn new() -> Self {
        Router { routes: Vec::new() }
    }

    /// Adds a handler for requests whose line starts with `prefix`.
    fn route<H, Fut>(mut self, prefix: &'static str, handler: H) -> Self
    where
        H: Fn(Rc<dyn Store>, Request) -> Fut + 'static,
        Fut: Future<Output = Result<Response, PhotoError>> + 'static,
    {
        let boxed: Handler = Box::new(move |db, req| {
            let fut = handler(db, req);
            Box::pin(async move {
                match fut.await {
                    Ok(resp) => resp,
                    Err(e @ PhotoError::NotFound(_)) => Response::error(404, e),
                    Err(e) => Response::error(400, e),
                }
            })
        });
        self.routes.push((prefix, boxed));
        self
    }

    async fn dispatch(&self, db: Rc<dyn Store>, req: Request) -> Response {
        let found = self
            .routes
            .iter()
            .find(|(prefix, _)| req.line.starts_with(prefix));
        match found {
            Some((_, handler)) => handler(db, req).await,
            None => Response::error(404, format_args!("no route for {}", req.line)),
        }
    }
}

// ---------------------------------------------------------------- worker pool

type Queue = Rc<RefCell<VecDeque<Request>>>;

async fn worker(name: usize, queue: Queue, router: Rc<Router>, db: Rc<dyn Store>) {
    loop {
        let Some(req) = queue.borrow_mut().pop_front() else { break };
        let line = req.line.clone();
        let resp = router.dispatch(Rc::clone(&db), req).await;
        println!("worker {name}: {line} -> {} {}", resp.status, resp.body);
    }
}

fn main() {
    let db: Rc<dyn Store> = Rc::new(MemoryStore::new());
    let router = Rc::new(
        Router::new()
            .route("POST /photos", upload_photo)
            .route("GET /photos/", |db, req: Request| async move {
                let id = req.line.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or(0);
                get_photo(db, id).await
            }),
    );

    let queue: Queue = Rc::new(RefCell::new(VecDeque::new()));
    {
        let mut queue = queue.borrow_mut();
        for n in 0..6 {
            queue.push_back(Request::new("POST /photos".to_owned(), vec![n as u8; 64 * n]));
        }
        for id in 1..=12 {
            queue.push_back(Request::new(format!("GET /photos/{id}"), Vec::new()));
        }
        queue.push_back(Request::new("GET /albums".to_owned(), Vec::new()));
    }

    let mut executor = Executor::new();
    for name in 0..3 {
        executor.spawn(worker(name, Rc::clone(&queue), Rc::clone(&router), Rc::clone(&db)));
    }
    let polls = executor.run();
    println!("done after {polls} polls");
}
