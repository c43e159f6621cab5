//! Metrics to other systems: InfluxDB line protocol ([`line`]) and its writer ([`influx`]).

pub mod influx;
pub mod line;
