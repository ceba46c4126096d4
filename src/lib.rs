//! wiredesk: newsroom wire deduplication, story clustering and entity tagging over Kafka.
//!
//! Architecture (sources → transforms → sinks):
//! - [`story`]: the input model (ninjs 1.x/2.x/3.x → `Story`) and reject reasons;
//! - [`dedup`], [`entities`], [`cluster`]: the enrichment stages;
//! - [`enrich`]: the pure core tying them together (story in, envelope out);
//! - [`processor`]: raw bytes → envelope JSON or rejection, shared by every mode;
//! - [`process`]: files in, JSON Lines out; [`kafka`]: the Kafka service; [`demo`]: embedded demo;
//! - [`config`], [`metrics`], [`cli`]: configuration, observability, command line.

pub mod ascii;
pub mod bench;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod dedup;
pub mod demo;
pub mod enrich;
pub mod entities;
pub mod envelope;
pub mod eval;
pub mod kafka;
pub mod metrics;
pub mod process;
pub mod processor;
pub mod replica;
pub mod story;
pub mod synth;
