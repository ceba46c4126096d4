//! The `wiredesk` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = wiredesk::cli::Cli::parse();
    wiredesk::cli::execute(cli)?;
    Ok(())
}
