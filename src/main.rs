//! ims-share: run, exit. Everything else lives in the library.

fn main() {
    std::process::exit(ims_share::app::main());
}
