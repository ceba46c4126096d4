//! The `wiredesk` binary: parses the command line and hands over to the library.

use clap::Parser;

/// mimalloc: the core allocates many small, short-lived buffers per story (tokens, mentions,
/// features, the envelope); measured with fewer instructions per story than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = wiredesk::cli::Cli::parse();
    wiredesk::cli::execute(cli)?;
    Ok(())
}
