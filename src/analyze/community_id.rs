//! Community ID v1 flow hashes, as Zeek, Suricata, Elastic and Wireshark compute them.
//!
//! `1:` + base64(SHA-1(seed, src addr, dst addr, protocol, 0, src port, dst port)), with the
//! endpoints ordered so that both directions of a flow hash alike. ICMP types that have a
//! request/response counterpart use the pair as ports; the others are one-way (type, code).

use super::short_text::ShortText;
use crate::decode::ip_proto;

/// The ICMP "ports" for Community ID: (type, counterpart or code) and whether the pair is one-way.
pub fn icmp_ports(v6: bool, icmp_type: u8, code: u8) -> (u16, u16, bool) {
    let counterpart = if v6 {
        match icmp_type {
            128 => Some(129),
            129 => Some(128),
            133 => Some(134),
            134 => Some(133),
            135 => Some(136),
            136 => Some(135),
            130 => Some(131),
            131 => Some(130),
            139 => Some(140),
            140 => Some(139),
            144 => Some(145),
            145 => Some(144),
            _ => None,
        }
    } else {
        match icmp_type {
            8 => Some(0),
            0 => Some(8),
            13 => Some(14),
            14 => Some(13),
            15 => Some(16),
            16 => Some(15),
            10 => Some(9),
            9 => Some(10),
            17 => Some(18),
            18 => Some(17),
            _ => None,
        }
    };
    match counterpart {
        Some(c) => (u16::from(icmp_type), c, false),
        None => (u16::from(icmp_type), u16::from(code), true),
    }
}

/// The Community ID v1 string of a flow, with seed 0.
///
/// `src`/`dst` are 4 or 16 address bytes. For ICMP and ICMPv6 the ports are the ones from
/// [`icmp_ports`]; for protocols without ports pass 0 and 0.
pub fn community_id(src: &[u8], dst: &[u8], proto: u8, sport: u16, dport: u16) -> CommunityId {
    let has_ports = matches!(
        proto,
        ip_proto::TCP | ip_proto::UDP | ip_proto::SCTP | ip_proto::ICMP | ip_proto::ICMPV6
    );
    let one_way = match proto {
        ip_proto::ICMP => icmp_ports(false, sport as u8, dport as u8).2,
        ip_proto::ICMPV6 => icmp_ports(true, sport as u8, dport as u8).2,
        _ => false,
    };
    let (mut a, mut b, mut pa, mut pb) = (src, dst, sport, dport);
    if !one_way && (a, pa) > (b, pb) {
        std::mem::swap(&mut a, &mut b);
        std::mem::swap(&mut pa, &mut pb);
    }
    // seed, two addresses, protocol, padding, two ports: hashed in one call.
    let mut input = [0u8; 2 + 16 + 16 + 2 + 4];
    let mut len = 2;
    for part in [a, b, &[proto, 0][..]] {
        input[len..len + part.len()].copy_from_slice(part);
        len += part.len();
    }
    if has_ports {
        input[len..len + 2].copy_from_slice(&pa.to_be_bytes());
        input[len + 2..len + 4].copy_from_slice(&pb.to_be_bytes());
        len += 4;
    }
    use sha1::Digest;
    let digest = sha1::Sha1::digest(&input[..len]);
    let mut out = CommunityId::new();
    out.push_ascii(b"1:");
    out.push_ascii(&base64(&digest.into()));
    out
}

/// A Community ID v1: `1:` and the base64 of a SHA-1 digest, 30 characters.
pub type CommunityId = ShortText<30>;

/// Standard base64 with padding of a SHA-1 digest: 28 characters.
fn base64(bytes: &[u8; 20]) -> [u8; 28] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = [b'='; 28];
    for (chunk, text) in bytes.chunks(3).zip(out.chunks_mut(4)) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for (i, slot) in text.iter_mut().take(chunk.len() + 1).enumerate() {
            *slot = ALPHABET[(n >> (18 - 6 * i) & 63) as usize];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The examples of the Community ID specification's reference implementation.
    #[test]
    fn matches_the_specification_examples() {
        let tcp = community_id(&[128, 232, 110, 120], &[66, 35, 250, 204], 6, 34855, 80);
        assert_eq!(tcp, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        let reverse = community_id(&[66, 35, 250, 204], &[128, 232, 110, 120], 6, 80, 34855);
        assert_eq!(reverse, tcp);
        let udp = community_id(&[192, 168, 1, 52], &[8, 8, 8, 8], 17, 54585, 53);
        assert_eq!(udp, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
        let (sp, dp, _) = icmp_ports(false, 8, 0);
        let icmp = community_id(&[192, 168, 0, 89], &[192, 168, 0, 1], 1, sp, dp);
        assert_eq!(icmp, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    }

    #[test]
    fn base64_pads() {
        let digest: [u8; 20] = *b"abcdefghijklmnopqrst";
        assert_eq!(&base64(&digest), b"YWJjZGVmZ2hpamtsbW5vcHFyc3Q=");
    }
}
