//! Metrics to other systems: InfluxDB line protocol ([`mod@line`]), its writer ([`influx`]) and
//! the writer's settings ([`settings`]).

pub mod influx;
pub mod line;
pub mod settings;
