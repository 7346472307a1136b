//! What SRView writes: the result cache, which owns only its own files, and safe saves.

pub mod cache;
pub mod export;
mod usage;
