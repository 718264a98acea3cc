//! Upstream crate: async fns, async blocks and closures whose tail names
//! (`call::{closure#0}`, `get_or_init::{closure#0}`) also occur downstream.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = Box::pin(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

pub struct YieldNow(bool);
impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 { Poll::Ready(()) } else { self.0 = true; Poll::Pending }
    }
}
pub fn yield_now() -> YieldNow { YieldNow(false) }

pub mod dns {
    /// `call` holds a plain closure here ...
    pub struct GaiResolver { pub base: u64 }
    impl GaiResolver {
        pub fn call(&self, x: u64) -> u64 {
            let b = self.base;
            (0..x).map(|i| i.wrapping_mul(b) ^ 7).sum()
        }
    }
    /// ... and an async block in another impl of the same module.
    pub struct Cache { pub v: Vec<u64> }
    impl Cache {
        pub fn call(&self, x: u64) -> impl std::future::Future<Output = u64> + '_ {
            async move {
                crate::yield_now().await;
                self.v.iter().sum::<u64>() + x
            }
        }
    }
}

pub mod http {
    /// The only `call` in its module: an async block, known exactly.
    pub struct HttpConnector { pub port: u16 }
    impl HttpConnector {
        pub fn call(&self, host: String) -> impl std::future::Future<Output = usize> + '_ {
            async move {
                crate::yield_now().await;
                host.len() + self.port as usize
            }
        }
    }
}

pub mod once {
    /// A synchronous cell: its `get_or_init` closure is a plain closure.
    pub struct OnceCell<T>(Option<T>);
    impl<T> OnceCell<T> {
        pub fn new() -> Self { OnceCell(None) }
        pub fn get_or_init<F: FnOnce() -> T>(&mut self, f: F) -> &T {
            self.0.get_or_insert_with(|| f())
        }
    }
}

/// A generic async fn: its body is instantiated in the downstream crate.
pub async fn fetch<T: Clone + std::fmt::Debug>(x: T, n: u64) -> Vec<T> {
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(x.clone());
        yield_now().await;
    }
    v
}

/// An async closure, called within this crate.
pub fn run_async_closure(n: u64) -> u64 {
    let c = async |k: u64| { yield_now().await; k * 3 };
    block_on(async move { c(n).await + 1 })
}
