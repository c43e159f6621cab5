//! The services a flow can be found to speak, by Zeek's names for them (conn.log's `service`).

use std::fmt;

/// One application protocol, as Zeek names it in conn.log's `service` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Service {
    /// DNS.
    Dns,
    /// HTTP/1.x.
    Http,
    /// TLS (and SSL).
    Ssl,
    /// QUIC.
    Quic,
    /// SSH.
    Ssh,
    /// DHCP.
    Dhcp,
    /// DHCPv6.
    Dhcpv6,
    /// NTP.
    Ntp,
    /// SMTP.
    Smtp,
    /// FTP control.
    Ftp,
    /// SMB over NetBIOS or direct TCP.
    Smb,
    /// Kerberos.
    Krb,
    /// RDP.
    Rdp,
    /// LDAP and CLDAP.
    Ldap,
    /// SIP.
    Sip,
    /// SNMP.
    Snmp,
    /// Multicast DNS.
    Mdns,
    /// LLMNR.
    Llmnr,
    /// NetBIOS name, datagram and session services.
    Netbios,
    /// Syslog.
    Syslog,
    /// MySQL.
    Mysql,
    /// PostgreSQL.
    Postgresql,
    /// IMAP.
    Imap,
    /// POP3.
    Pop3,
    /// IRC.
    Irc,
    /// RADIUS.
    Radius,
    /// SOCKS.
    Socks,
    /// MQTT.
    Mqtt,
    /// DTLS.
    Dtls,
    /// RFB (VNC).
    Rfb,
    /// SSDP: HTTP over UDP multicast (UPnP discovery).
    Ssdp,
    /// XMPP (Jabber).
    Xmpp,
    /// Telnet.
    Telnet,
}

impl Service {
    /// Every service, in the order of their bits in [`Services`].
    pub const ALL: [Service; 33] = [
        Service::Dns,
        Service::Http,
        Service::Ssl,
        Service::Quic,
        Service::Ssh,
        Service::Dhcp,
        Service::Dhcpv6,
        Service::Ntp,
        Service::Smtp,
        Service::Ftp,
        Service::Smb,
        Service::Krb,
        Service::Rdp,
        Service::Ldap,
        Service::Sip,
        Service::Snmp,
        Service::Mdns,
        Service::Llmnr,
        Service::Netbios,
        Service::Syslog,
        Service::Mysql,
        Service::Postgresql,
        Service::Imap,
        Service::Pop3,
        Service::Irc,
        Service::Radius,
        Service::Socks,
        Service::Mqtt,
        Service::Dtls,
        Service::Rfb,
        Service::Ssdp,
        Service::Xmpp,
        Service::Telnet,
    ];

    /// Zeek's name.
    pub fn name(self) -> &'static str {
        match self {
            Service::Dns => "dns",
            Service::Http => "http",
            Service::Ssl => "ssl",
            Service::Quic => "quic",
            Service::Ssh => "ssh",
            Service::Dhcp => "dhcp",
            Service::Dhcpv6 => "dhcpv6",
            Service::Ntp => "ntp",
            Service::Smtp => "smtp",
            Service::Ftp => "ftp",
            Service::Smb => "smb",
            Service::Krb => "krb",
            Service::Rdp => "rdp",
            Service::Ldap => "ldap",
            Service::Sip => "sip",
            Service::Snmp => "snmp",
            Service::Mdns => "mdns",
            Service::Llmnr => "llmnr",
            Service::Netbios => "netbios",
            Service::Syslog => "syslog",
            Service::Mysql => "mysql",
            Service::Postgresql => "postgresql",
            Service::Imap => "imap",
            Service::Pop3 => "pop3",
            Service::Irc => "irc",
            Service::Radius => "radius",
            Service::Socks => "socks",
            Service::Mqtt => "mqtt",
            Service::Dtls => "dtls",
            Service::Rfb => "rfb",
            Service::Ssdp => "ssdp",
            Service::Xmpp => "xmpp",
            Service::Telnet => "telnet",
        }
    }

    /// The service Zeek calls `name` (Zeek's per-transport names, `krb_tcp`, `ldap_udp`, …,
    /// are the service's).
    pub fn from_name(name: &str) -> Option<Service> {
        let name = match name {
            "krb_tcp" => "krb",
            "ldap_tcp" | "ldap_udp" => "ldap",
            other => other,
        };
        Service::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The ports IANA assigns the service (the first is the usual one); a service seen on
    /// none of them is worth a look.
    pub fn usual_ports(self) -> &'static [u16] {
        match self {
            Service::Dns => &[53, 5353, 5355],
            Service::Http => &[80, 8080, 8000, 8008, 8888, 3128, 591, 8081],
            Service::Ssl => &[
                443, 8443, 465, 993, 995, 636, 853, 989, 990, 992, 994, 5061, 8883, 5223, 3269,
            ],
            Service::Quic => &[443, 80, 8443],
            Service::Ssh => &[22, 2222],
            Service::Dhcp => &[67, 68],
            Service::Dhcpv6 => &[546, 547],
            Service::Ntp => &[123],
            Service::Smtp => &[25, 587, 2525],
            Service::Ftp => &[21],
            Service::Smb => &[445, 139],
            Service::Krb => &[88],
            Service::Rdp => &[3389],
            Service::Ldap => &[389, 3268],
            Service::Sip => &[5060, 5061],
            Service::Snmp => &[161, 162],
            Service::Mdns => &[5353],
            Service::Llmnr => &[5355],
            Service::Netbios => &[137, 138, 139],
            Service::Syslog => &[514],
            Service::Mysql => &[3306],
            Service::Postgresql => &[5432],
            Service::Imap => &[143],
            Service::Pop3 => &[110],
            Service::Irc => &[6667, 6665, 6666, 6668, 6669, 6697, 194],
            Service::Radius => &[1812, 1813, 1645, 1646],
            Service::Socks => &[1080],
            Service::Mqtt => &[1883],
            Service::Dtls => &[443, 4433, 5061, 5684, 3478],
            Service::Rfb => &[5900, 5901, 5902, 5903],
            Service::Ssdp => &[1900],
            Service::Xmpp => &[5222, 5223, 5269],
            Service::Telnet => &[23],
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of services, one bit each: what a flow was found to speak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Services(u64);

impl Services {
    /// No service.
    pub const NONE: Services = Services(0);

    /// Adds `s`.
    #[inline]
    pub fn insert(&mut self, s: Service) {
        self.0 |= 1u64 << s as u8;
    }

    /// Whether `s` is in the set.
    #[inline]
    pub fn contains(self, s: Service) -> bool {
        self.0 & (1u64 << s as u8) != 0
    }

    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Both sets together.
    #[inline]
    pub fn union(self, other: Services) -> Services {
        Services(self.0 | other.0)
    }

    /// The services, in [`Service::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Service> {
        Service::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// The bits, for storage.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// The set of `bits` (unknown bits dropped).
    pub fn from_bits(bits: u64) -> Services {
        Services(bits & ((1u64 << Service::ALL.len()) - 1))
    }

    /// The set of comma-joined names, as [`fmt::Display`] writes it (`-` for none); `None` when
    /// a name is unknown.
    pub fn parse(text: &str) -> Option<Services> {
        let mut set = Services::NONE;
        if text == "-" || text.is_empty() {
            return Some(set);
        }
        for name in text.split(',') {
            set.insert(Service::from_name(name)?);
        }
        Some(set)
    }
}

impl fmt::Display for Services {
    /// Zeek's form: names joined by commas, `-` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("-");
        }
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(s.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_has_its_own_bit_and_name() {
        for (i, s) in Service::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i);
            assert_eq!(Service::from_name(s.name()), Some(s));
        }
    }

    #[test]
    fn a_set_reads_back_what_it_writes() {
        let mut set = Services::NONE;
        assert_eq!(set.to_string(), "-");
        set.insert(Service::Smtp);
        set.insert(Service::Ssl);
        assert_eq!(set.to_string(), "ssl,smtp");
        assert_eq!(Services::parse("ssl,smtp"), Some(set));
        assert_eq!(Services::parse("-"), Some(Services::NONE));
        assert_eq!(Services::parse("gopher"), None);
        assert_eq!(Services::from_bits(set.bits()), set);
    }
}
