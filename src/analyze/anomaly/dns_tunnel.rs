//! DNS tunnels and command channels over DNS: one client asking for many distinct, long,
//! random-looking names under one registered domain, often of types that carry data (TXT,
//! NULL, CNAME, MX) and often answered NXDOMAIN.
//!
//! Per (client, registered domain; the public suffix list says where a domain is
//! registered): the distinct subdomains, their mean length and character entropy, the share of
//! data-carrying types and of NXDOMAIN answers. Domains many clients ask for (antivirus and
//! reputation lookups, which look like tunnels by design) are lowered as beacons are.

use std::io;
use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::scan::EXAMPLES;
use super::{keyed_hash, popularity_penalty, ramp, round3, Anomaly, Internal, REPORTED};
use crate::analyze::app::logs::dns;
use crate::analyze::app::{Cell, LogRow};
use crate::store::SortedRows;

/// Queries from one client under one domain before they are looked at.
pub const MIN_QUERIES: u32 = 20;
/// Distinct subdomains at which the volume part of the score is whole.
pub const FULL_VOLUME: f64 = 50.0;

/// DNS types that carry a tunnel's data: TXT, NULL, CNAME, MX.
const DATA_TYPES: [u64; 4] = [16, 10, 5, 15];
const NXDOMAIN: u64 = 3;

/// What one client's queries under one domain show.
#[derive(Debug, Default)]
struct Queries {
    domain: String,
    count: u64,
    subdomains: Vec<u64>,
    length_sum: u64,
    entropy_sum: f64,
    data_types: u64,
    nxdomain: u64,
    first: i64,
    last: i64,
    examples: Vec<String>,
    names: Vec<String>,
}

/// The registered domain of `name` and the part before it, lowercased; none for a name with
/// no registered domain (a single label, a reverse lookup).
fn split(name: &str) -> Option<(String, String)> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.ends_with(".arpa") {
        return None;
    }
    let domain = psl::domain_str(&name)?.to_string();
    let sub = name[..name.len() - domain.len()]
        .trim_end_matches('.')
        .to_string();
    Some((domain, sub))
}

/// Shannon entropy, bits per character, of the characters of `sub` other than dots.
fn entropy(sub: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in sub.bytes().filter(|&b| b != b'.') {
        counts[usize::from(b)] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / f64::from(n);
            -p * p.log2()
        })
        .sum()
}

/// The findings of the dns log's rows, from clients `inside`.
pub fn findings(rows: &SortedRows<LogRow>, inside: &Internal) -> io::Result<Vec<Anomaly>> {
    // First the number of queries per (client, domain); then, for the pairs with enough,
    // everything else, and who else asks for their domains.
    let mut counts: FxHashMap<(IpAddr, u64), u32> = FxHashMap::default();
    let client_of = |r: &LogRow| {
        let c = r.flow.orig_h;
        inside.contains(c).then_some(c)
    };
    rows.for_each_chunk(1 << 16, |chunk| {
        for r in chunk {
            let (Some(client), Some(q)) = (client_of(r), r.cell(dns::QUERY).as_text()) else {
                continue;
            };
            if let Some((domain, _)) = split(q) {
                *counts.entry((client, keyed_hash(&domain))).or_default() += 1;
            }
        }
        Ok(())
    })?;
    counts.retain(|_, n| *n >= MIN_QUERIES);
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let candidate_domains: rustc_hash::FxHashSet<u64> = counts.keys().map(|k| k.1).collect();
    let mut askers: Vec<(u64, IpAddr)> = Vec::new();
    let mut all_clients: rustc_hash::FxHashSet<IpAddr> = Default::default();
    let mut pairs: FxHashMap<(IpAddr, u64), Queries> = FxHashMap::default();
    rows.for_each_chunk(1 << 16, |chunk| {
        for r in chunk {
            let (Some(client), Some(q)) = (client_of(r), r.cell(dns::QUERY).as_text()) else {
                continue;
            };
            all_clients.insert(client);
            let Some((domain, sub)) = split(q) else {
                continue;
            };
            let dh = keyed_hash(&domain);
            if !candidate_domains.contains(&dh) {
                continue;
            }
            askers.push((dh, client));
            if !counts.contains_key(&(client, dh)) {
                continue;
            }
            let p = pairs.entry((client, dh)).or_insert_with(|| Queries {
                domain: domain.clone(),
                first: r.ts_ns,
                ..Queries::default()
            });
            p.count += 1;
            p.subdomains.push(keyed_hash(&sub));
            p.length_sum += sub.len() as u64;
            p.entropy_sum += entropy(&sub);
            if matches!(r.cell(dns::QTYPE), Cell::Count(t) if DATA_TYPES.contains(t)) {
                p.data_types += 1;
            }
            if matches!(r.cell(dns::RCODE), Cell::Count(NXDOMAIN)) {
                p.nxdomain += 1;
            }
            p.last = r.ts_ns;
            if p.examples.len() < EXAMPLES {
                p.examples.push(r.flow.community_id.as_str().to_string());
            }
            if p.names.len() < 3 {
                p.names.push(q.to_string());
            }
        }
        Ok(())
    })?;
    askers.sort_unstable();
    askers.dedup();
    let mut askers_of: FxHashMap<u64, usize> = FxHashMap::default();
    for (d, _) in askers {
        *askers_of.entry(d).or_default() += 1;
    }
    let mut out = Vec::new();
    for ((client, dh), mut p) in pairs {
        p.subdomains.sort_unstable();
        p.subdomains.dedup();
        let unique = p.subdomains.len();
        let n = p.count as f64;
        let length = p.length_sum as f64 / n;
        let entropy = p.entropy_sum / n;
        let data_share = p.data_types as f64 / n;
        let nx_share = p.nxdomain as f64 / n;
        let volume = (unique as f64 / FULL_VOLUME).min(1.0);
        let length_part = ramp(length, 16.0, 40.0);
        let entropy_part = ramp(entropy, 3.0, 4.2);
        let kind_part = data_share.max(nx_share);
        let shape = 0.4 * length_part + 0.4 * entropy_part + 0.2 * kind_part;
        let askers = askers_of.get(&dh).copied().unwrap_or(1);
        let popularity = popularity_penalty(askers, all_clients.len());
        let score = volume * shape - popularity;
        if score < REPORTED {
            continue;
        }
        let detail = format!(
            "{client} asked for {unique} distinct names under {} in {} queries, {length:.0} \
             characters long on average ({entropy:.1} bits per character), {:.0}% of them \
             TXT/NULL/CNAME/MX, {:.0}% NXDOMAIN",
            p.domain,
            p.count,
            data_share * 100.0,
            nx_share * 100.0
        );
        out.push(
            Anomaly::new("dns_tunnel", score, p.count, detail)
                .about(client)
                .with_peer(&p.domain)
                .between(p.first, p.last)
                .with("queries", p.count)
                .with("unique_subdomains", unique)
                .with("subdomain_length_mean", round3(length))
                .with("subdomain_entropy_mean", round3(entropy))
                .with("data_type_share", round3(data_share))
                .with("nxdomain_share", round3(nx_share))
                .with("volume_score", round3(volume))
                .with("shape_score", round3(shape))
                .with("clients_of_domain", askers)
                .with("popularity_penalty", round3(popularity))
                .with("names", p.names)
                .with("flows", p.examples),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_their_registered_domain() {
        assert_eq!(
            split("A1b2.T.Evil.Example.co.uk."),
            Some(("example.co.uk".into(), "a1b2.t.evil".into()))
        );
        assert_eq!(
            split("example.com"),
            Some(("example.com".into(), "".into()))
        );
        assert_eq!(split("4.3.2.1.in-addr.arpa"), None);
        assert_eq!(split("localhost"), None);
    }

    #[test]
    fn random_labels_carry_more_bits_than_words() {
        assert!(entropy("mail") < 2.1);
        assert!(entropy("gezdgnbvgy3tqojqgezdgnbvgy3tqojqmfrggzdfmztwq2lk") > 4.0);
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa.aaaa"), 0.0);
    }
}
