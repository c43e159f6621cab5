//! Metrics to other systems: InfluxDB line protocol ([`mod@line`]) and its writer ([`influx`]).

pub mod influx;
pub mod line;
