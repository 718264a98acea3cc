// Reference demangler for regen.sh: the real rustc-demangle crate, linked
// from the nightly sysroot (rustc_private).  Prints mangled, {:#} and {}.
#![feature(rustc_private)]
extern crate rustc_demangle;
use std::io::BufRead;
fn main() {
    for line in std::io::stdin().lock().lines() {
        let l = line.unwrap();
        match rustc_demangle::try_demangle(&l) {
            Ok(d) => println!("{}\t{:#}\t{}", l, d, d),
            Err(_) => println!("{}\t!\t!", l),
        }
    }
}
