// Nightly-only const generics (str, struct, tuple, array, reference values),
// which v0 mangles as structured constants.
#![feature(adt_const_params, unsized_const_params)]
#![allow(incomplete_features, dead_code)]
use std::marker::ConstParamTy;

#[derive(PartialEq, Eq, ConstParamTy)]
pub struct Point { pub x: i32, pub y: u8 }
#[derive(PartialEq, Eq, ConstParamTy)]
pub enum Mode { Fast, Slow(u8), Named { level: u16 } }

pub struct S<const T: &'static str>;
pub struct P<const V: Point>;
pub struct M<const V: Mode>;
pub struct Tu<const V: (u8, bool, char)>;
pub struct Ar<const V: [u16; 3]>;
pub struct Re<const V: &'static [u8]>;

impl<const T: &'static str> S<T> { #[inline(never)] pub fn get(&self) -> &'static str { T } }
impl<const V: Point> P<V> { #[inline(never)] pub fn get(&self) -> i32 { V.x } }
impl<const V: Mode> M<V> { #[inline(never)] pub fn get(&self) -> bool { matches!(V, Mode::Fast) } }
impl<const V: (u8, bool, char)> Tu<V> { #[inline(never)] pub fn get(&self) -> u8 { V.0 } }
impl<const V: [u16; 3]> Ar<V> { #[inline(never)] pub fn get(&self) -> u16 { V[1] } }
impl<const V: &'static [u8]> Re<V> { #[inline(never)] pub fn get(&self) -> usize { V.len() } }

fn main() {
    let a = S::<"hello \"world\"\n\u{e9}'">.get().len();
    let b = S::<"東京">.get().len();
    let c = P::<{ Point { x: -3, y: 7 } }>.get();
    let d = M::<{ Mode::Fast }>.get() as u8 + M::<{ Mode::Slow(2) }>.get() as u8
        + M::<{ Mode::Named { level: 9 } }>.get() as u8;
    let e = Tu::<{ (1, true, '\t') }>.get();
    let f = Ar::<{ [1, 2, 3] }>.get();
    let g = Re::<{ b"ab" }>.get();
    println!("{} {} {} {} {} {} {}", a, b, c, d, e, f, g);
}
