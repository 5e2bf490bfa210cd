//! What outlives the page: the texts saved in this browser ([`storage`]) and share links
//! ([`share`]).

pub mod share;
pub mod storage;
