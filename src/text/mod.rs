//! Text helpers that both ends of the data flow use: RFC 3339 timestamps, decimal digits,
//! markup escaping. They import nothing of the crate.

pub mod digits;
pub mod escape;
pub mod time;
