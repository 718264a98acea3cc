// Sample program whose symbols feed the demangler test vectors (regen.sh).
// Varied on purpose: generics, closures, async fns, trait objects, const
// generics, associated-type bindings in dyn types, unicode identifiers.
#![allow(non_snake_case, dead_code, uncommon_codepoints, mixed_script_confusables)]

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

pub trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String { String::from("shape") }
}

pub struct Circle(pub f64);
pub struct Grid<T, const W: usize, const H: usize> { pub cells: [[T; W]; H] }
pub struct Flag<const B: bool, const C: char>;
pub struct Signed<const N: i32>;

impl Shape for Circle {
    fn area(&self) -> f64 { 3.14159 * self.0 * self.0 }
}

impl<T: Copy + Default + Debug, const W: usize, const H: usize> Grid<T, W, H> {
    #[inline(never)]
    pub fn new() -> Self { Grid { cells: [[T::default(); W]; H] } }
    #[inline(never)]
    pub fn count(&self) -> usize { W * H }
}

impl<const B: bool, const C: char> Flag<B, C> {
    #[inline(never)]
    pub fn get(&self) -> (bool, char) { (B, C) }
}

impl<const N: i32> Signed<N> {
    #[inline(never)]
    pub fn get(&self) -> i32 { N }
}

#[inline(never)]
pub fn apply<F: Fn(u32) -> u32>(f: F, x: u32) -> u32 { f(x) }

#[inline(never)]
pub fn boxed_iter(v: &[u64]) -> Box<dyn Iterator<Item = u64> + '_> {
    Box::new(v.iter().map(|x| x * 2).filter(|x| x % 3 != 0))
}

#[inline(never)]
pub fn call_dyn(f: &dyn Fn(&str) -> usize, s: &str) -> usize { f(s) }

#[inline(never)]
pub fn hr_fn(f: for<'a> fn(&'a [u8], &'a mut Vec<u8>) -> &'a u8) -> usize { f as usize }

#[inline(never)]
pub unsafe extern "C" fn c_entry(p: *const u8, q: *mut i16) -> i32 { (*p as i32) + (*q as i32) }

pub mod 東京 {
    #[inline(never)]
    pub fn größe(x: &[u8]) -> usize { x.len() }
    pub struct Straße<T>(pub T);
    impl<T: Clone> Straße<T> {
        #[inline(never)]
        pub fn ñandú(&self) -> T { self.0.clone() }
    }
}

pub mod nested {
    pub mod deeper {
        #[inline(never)]
        pub fn tuple_fn(a: (u8, i16), b: (char,), c: ()) -> (u8, (i16, char), ()) { (a.0, (a.1, b.0), c) }
        pub trait Visitor { type Out; fn visit(&mut self, n: u32) -> Self::Out; }
        pub struct Counter(pub u32);
        impl Visitor for Counter {
            type Out = u32;
            #[inline(never)]
            fn visit(&mut self, n: u32) -> u32 { self.0 += n; self.0 }
        }
        #[inline(never)]
        pub fn run_visitor(v: &mut dyn Visitor<Out = u32>, n: u32) -> u32 { v.visit(n) }
    }
}

async fn leaf(x: u32) -> u32 { x + 1 }

async fn process_photo(n: u32) -> u32 {
    let a = leaf(n).await;
    let b = async { leaf(a).await * 2 }.await;
    let c = async move { let inner = async { b + 3 }; inner.await }.await;
    a + b + c
}

async fn generic_async<T: Debug + Send>(t: T) -> String { format!("{:?}", t) }

fn noop_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker { RawWaker::new(std::ptr::null(), &VTABLE) }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

#[inline(never)]
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = Box::pin(f);
    let w = noop_waker();
    let mut cx = Context::from_waker(&w);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    }
}

type Deep = HashMap<String, Vec<Option<Arc<Result<(u8, Box<[i64]>), String>>>>>;

#[inline(never)]
fn deep_generic(m: &mut Deep) -> usize { m.len() }

#[inline(never)]
fn pinned(p: Pin<&mut Vec<Box<dyn Shape + Send + Sync>>>) -> usize { p.len() }

#[inline(never)]
fn slices_ptrs(a: &[&'static str], b: *const [u8; 4], c: &mut [f32], d: &&mut u128) -> i128 {
    a.len() as i128 + b as usize as i128 + c.len() as i128 + **d as i128
}

fn main() {
    let shapes: Vec<Box<dyn Shape + Send + Sync>> = vec![Box::new(Circle(1.0))];
    let mut total = 0.0;
    for s in &shapes { total += s.area(); let _ = s.name(); }
    let g: Grid<u16, 3, 2> = Grid::new();
    let g2: Grid<(u8, char), 1, 4> = Grid::new();
    let k = 7;
    let r = apply(move |x| x + k, 3) + apply(|x| x * 2, 4);
    let v = vec![1u64, 2, 3, 4];
    let it: u64 = boxed_iter(&v).sum();
    let n = call_dyn(&|s: &str| s.len(), "hi");
    let f = Flag::<true, 'x'>.get();
    let sg = Signed::<{ -5 }>.get();
    let sz = 東京::größe(b"abc") + 東京::Straße(5u8).ñandú() as usize;
    let mut c = nested::deeper::Counter(0);
    let vis = nested::deeper::run_visitor(&mut c, 3);
    let t = nested::deeper::tuple_fn((1, 2), ('a',), ());
    let pr = block_on(process_photo(4));
    let ga = block_on(generic_async(vec![Some(1u8)]));
    let mut deep: Deep = HashMap::new();
    deep.insert("k".into(), vec![None]);
    let dl = deep_generic(&mut deep);
    let mut shapes2 = shapes;
    let pl = pinned(Pin::new(&mut shapes2));
    let hr = hr_fn(|a, _b| &a[0]);
    let q: i16 = 1;
    let ce = unsafe { c_entry(b"x".as_ptr(), &q as *const i16 as *mut i16) };
    let m: u128 = 9;
    let sp = slices_ptrs(&["a"], std::ptr::null(), &mut [1.0], &&mut { m });
    println!("{} {} {} {} {} {:?} {} {} {} {:?} {} {} {} {} {} {} {}", total, g.count(), g2.count(), r, it, n, f.0, sg, sz, t, vis, pr, ga, dl, pl, hr + ce as usize, sp);
}
