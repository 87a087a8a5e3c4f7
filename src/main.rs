//! ims-share: parse, run, exit. Everything else lives in the library.

fn main() {
    let code = ims_share::app::main(
        std::env::args_os().collect(),
        ims_share::settings::env::Env::from_process(),
        ims_share::app::detect_terminal(),
    );
    std::process::exit(code);
}
