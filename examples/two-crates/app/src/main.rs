//! Downstream crate: instantiates the upstream generic async fn and has
//! its own `call` and `get_or_init` with a different kind.
use asynclib::{block_on, fetch, yield_now};

mod once {
    /// An async `get_or_init`: its body is a coroutine, unlike the
    /// upstream crate's synchronous one of the same name.
    pub struct Lazy { pub v: Option<u64> }
    impl Lazy {
        pub async fn get_or_init(&mut self) -> u64 {
            if self.v.is_none() { asynclib::yield_now().await; self.v = Some(41); }
            self.v.unwrap() + 1
        }
    }
}

mod dns {
    /// A `call` whose closure is plain, named like the upstream one.
    pub struct Local;
    impl Local {
        pub fn call(&self, v: &[u64]) -> u64 { v.iter().map(|x| x * 2).sum() }
    }
}

async fn upload_photo(name: String, n: u64) -> usize {
    let parts = fetch(name.clone(), n).await;
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let extra = async { yield_now().await; total / 2 }.await;
    total + extra
}

fn main() {
    let n = std::env::args().count() as u64 + 3;
    let r = asynclib::dns::GaiResolver { base: n };
    let c = asynclib::dns::Cache { v: vec![1, 2, n] };
    let h = asynclib::http::HttpConnector { port: 80 };
    let mut cell = asynclib::once::OnceCell::new();
    let v = *cell.get_or_init(|| n * 10);
    let mut lazy = once::Lazy { v: None };
    let out = block_on(async {
        let a = upload_photo(format!("photo{}", n), n).await;
        let b = c.call(r.call(n)).await;
        let d = h.call("example.org".to_string()).await;
        let e = lazy.get_or_init().await;
        let f = fetch(7u32, n).await.len();
        a as u64 + b + d as u64 + e + f as u64
    });
    let l = dns::Local.call(&[v, out]);
    println!("{} {}", l, asynclib::run_async_closure(n));
}
