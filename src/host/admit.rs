//! Connection admission: who may open a connection when, and which open
//! connection makes room when the server is full. Pure bookkeeping (no
//! sockets): `server.rs` asks `admit` for every accepted connection and
//! holds the returned [`Slot`] for the connection's life.
//!
//! The rules (docs/host.md "Connection limits"):
//! - at most `max_per_ip` connections per client address (IPv4-mapped
//!   IPv6 addresses count as the IPv4 address), and `max_per_net` per
//!   IPv6 /64, the block one subscriber or office usually holds, so a
//!   client cannot dodge the address cap by rotating through its /64;
//! - at most `max_connections` in all, of which a share (a quarter) is
//!   kept for addresses holding fewer than [`LIGHT`] connections, so a
//!   few heavy addresses cannot take every place from new visitors;
//! - when a cap is reached, an *idle* connection (no request in flight:
//!   between keep-alive requests, or not yet past its handshake) of the
//!   heaviest address is closed to make room, before anyone is refused;
//!   a connection that is sending a response is never cut for another.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

/// An address with fewer open connections than this may use the share of
/// the global cap kept for new addresses (a browser opens up to six).
pub const LIGHT: usize = 8;

/// The caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections from one address.
    pub max_per_ip: usize,
    /// Open connections from one IPv6 /64.
    pub max_per_net: usize,
}

impl Caps {
    /// Places not kept for light addresses.
    fn general(&self) -> usize {
        self.max_connections - self.max_connections / 4
    }
}

/// One open connection, as the registry and its task both see it.
#[derive(Debug)]
pub struct Conn {
    id: u64,
    ip: IpAddr,
    in_flight: AtomicUsize,
    reaped: AtomicBool,
    close: Notify,
}

impl Conn {
    /// Completes when the connection was chosen to make room: its task
    /// drops the connection.
    pub async fn reaped(&self) {
        self.close.notified().await;
    }

    /// A request started; the guard ends it when dropped (with the
    /// response body, so a long download counts as busy to its end).
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        Busy(self.clone())
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) == 0
    }
}

/// A request in flight on a connection.
#[derive(Debug)]
pub struct Busy(Arc<Conn>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Its address holds `max_per_ip` busy connections.
    Address,
    /// Its IPv6 /64 holds `max_per_net` busy connections.
    Network,
    /// The server is full of busy connections (or of heavy addresses').
    Full,
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    total: usize,
    /// Open connections per address, oldest first.
    by_ip: HashMap<IpAddr, Vec<Arc<Conn>>>,
    by_net: HashMap<u64, usize>,
}

/// The registry of open connections.
#[derive(Debug)]
pub struct Admission {
    caps: Caps,
    state: Mutex<State>,
}

/// An admitted connection; gives its place back when dropped.
#[derive(Debug)]
pub struct Slot {
    admission: Arc<Admission>,
    conn: Arc<Conn>,
}

impl Slot {
    /// The connection's shared state.
    pub fn conn(&self) -> &Arc<Conn> {
        &self.conn
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.conn.reaped.load(Ordering::Relaxed) {
            let mut st = self.admission.lock();
            forget(&mut st, &self.conn);
        }
    }
}

/// The address a connection counts under: IPv4-mapped IPv6 (a
/// dual-stack listener) as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The /64 of an IPv6 address.
fn net(ip: IpAddr) -> Option<u64> {
    match ip {
        IpAddr::V6(v6) => Some((u128::from(v6) >> 64) as u64),
        IpAddr::V4(_) => None,
    }
}

fn forget(st: &mut State, conn: &Conn) {
    let mut gone = false;
    if let Some(v) = st.by_ip.get_mut(&conn.ip) {
        if let Some(i) = v.iter().position(|c| c.id == conn.id) {
            v.remove(i);
            gone = true;
        }
        if v.is_empty() {
            st.by_ip.remove(&conn.ip);
        }
    }
    if !gone {
        return;
    }
    st.total -= 1;
    if let Some(n) = net(conn.ip) {
        if let Some(c) = st.by_net.get_mut(&n) {
            *c -= 1;
            if *c == 0 {
                st.by_net.remove(&n);
            }
        }
    }
}

impl Admission {
    /// An empty registry. Caps of 0 are taken as 1.
    pub fn new(caps: Caps) -> Admission {
        Admission {
            caps: Caps {
                max_connections: caps.max_connections.max(1),
                max_per_ip: caps.max_per_ip.max(1),
                max_per_net: caps.max_per_net.max(1),
            },
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Open connections now (for tests and reports).
    pub fn open(&self) -> usize {
        self.lock().total
    }

    /// Admits a connection from `ip`, closing an idle one to make room
    /// when a cap is reached, or refuses it.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refused> {
        let ip = canonical(ip);
        let caps = self.caps;
        let mut st = self.lock();
        let held = st.by_ip.get(&ip).map_or(0, Vec::len);
        if held >= caps.max_per_ip && !reap(&mut st, |c| c.ip == ip) {
            return Err(Refused::Address);
        }
        if let Some(n) = net(ip) {
            let in_net = st.by_net.get(&n).copied().unwrap_or(0);
            if in_net >= caps.max_per_net && !reap(&mut st, |c| net(c.ip) == Some(n)) {
                return Err(Refused::Network);
            }
        }
        let held = st.by_ip.get(&ip).map_or(0, Vec::len);
        let limit = if held < LIGHT {
            caps.max_connections
        } else {
            caps.general()
        };
        if st.total >= limit && !reap(&mut st, |_| true) {
            return Err(Refused::Full);
        }
        st.next += 1;
        let conn = Arc::new(Conn {
            id: st.next,
            ip,
            in_flight: AtomicUsize::new(0),
            reaped: AtomicBool::new(false),
            close: Notify::new(),
        });
        st.total += 1;
        if let Some(n) = net(ip) {
            *st.by_net.entry(n).or_insert(0) += 1;
        }
        st.by_ip.entry(ip).or_default().push(conn.clone());
        Ok(Slot {
            admission: self.clone(),
            conn,
        })
    }
}

/// Closes the oldest idle connection among those `pick` accepts, taken
/// from the address that holds the most; true when one was closed. Its
/// place is free at once (its task ends on its own soon after).
fn reap(st: &mut State, pick: impl Fn(&Conn) -> bool) -> bool {
    let mut addrs: Vec<(usize, IpAddr)> = st
        .by_ip
        .iter()
        .filter(|(_, v)| v.first().is_some_and(|c| pick(c)))
        .map(|(ip, v)| (v.len(), *ip))
        .collect();
    addrs.sort_unstable_by(|a, b| b.cmp(a));
    for (_, ip) in addrs {
        let victim = st
            .by_ip
            .get(&ip)
            .and_then(|v| v.iter().find(|c| c.idle()).cloned());
        if let Some(c) = victim {
            c.reaped.store(true, Ordering::Relaxed);
            forget(st, &c);
            c.close.notify_one();
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(all: usize, ip: usize, net: usize) -> Arc<Admission> {
        Arc::new(Admission::new(Caps {
            max_connections: all,
            max_per_ip: ip,
            max_per_net: net,
        }))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    /// A busy connection (a response in flight), kept with its guard.
    fn busy(a: &Arc<Admission>, from: &str) -> Result<(Slot, Busy), Refused> {
        a.admit(ip(from)).map(|s| {
            let b = s.conn().busy();
            (s, b)
        })
    }

    #[test]
    fn the_address_cap_counts_mapped_ipv4_as_ipv4() {
        let a = caps(100, 2, 100);
        let _x = busy(&a, "10.0.0.1").expect("1");
        let _y = busy(&a, "::ffff:10.0.0.1").expect("2");
        assert_eq!(busy(&a, "10.0.0.1").err(), Some(Refused::Address));
        assert!(busy(&a, "10.0.0.2").is_ok());
    }

    #[test]
    fn one_ipv6_64_shares_one_cap_and_another_64_is_not_touched() {
        let a = caps(100, 4, 3);
        let held: Vec<_> = (1..=3)
            .map(|i| busy(&a, &format!("2001:db8:1:2::{i}")).expect("in"))
            .collect();
        assert_eq!(
            busy(&a, "2001:db8:1:2:ffff::9").err(),
            Some(Refused::Network)
        );
        assert!(busy(&a, "2001:db8:1:3::1").is_ok());
        drop(held);
        assert!(busy(&a, "2001:db8:1:2::1").is_ok(), "places come back");
    }

    #[test]
    fn heavy_addresses_cannot_take_the_share_kept_for_new_ones() {
        // 16 places, 12 general, 4 kept for light addresses.
        let a = caps(16, 100, 100);
        let mut held = Vec::new();
        for i in 0..12 {
            held.push(busy(&a, "10.0.0.1").unwrap_or_else(|e| panic!("{i}: {e:?}")));
        }
        assert_eq!(busy(&a, "10.0.0.1").err(), Some(Refused::Full));
        for n in 2..6 {
            held.push(busy(&a, &format!("10.0.0.{n}")).expect("a light address"));
        }
        assert_eq!(busy(&a, "10.0.0.9").err(), Some(Refused::Full));
        assert_eq!(a.open(), 16);
    }

    #[test]
    fn idle_connections_make_room_heaviest_address_first() {
        let a = caps(4, 100, 100);
        let light = a.admit(ip("10.0.0.9")).expect("light idle");
        let heavy: Vec<Slot> = (0..2)
            .map(|_| a.admit(ip("10.0.0.1")).expect("heavy idle"))
            .collect();
        let _busy = busy(&a, "10.0.0.2").expect("busy");
        // Full: the next one closes an idle connection of 10.0.0.1.
        let _new = busy(&a, "10.0.0.3").expect("room made");
        assert!(heavy[0].conn().reaped.load(Ordering::Relaxed));
        assert!(!light.conn().reaped.load(Ordering::Relaxed));
        assert_eq!(a.open(), 4);
        // The reaped slot's drop does not free a second place.
        drop(heavy);
        assert_eq!(a.open(), 3);
    }

    #[test]
    fn a_full_server_of_busy_connections_refuses_and_never_cuts_a_download() {
        let a = caps(2, 100, 100);
        let one = busy(&a, "10.0.0.1").expect("1");
        let two = busy(&a, "10.0.0.2").expect("2");
        assert_eq!(a.admit(ip("10.0.0.3")).err(), Some(Refused::Full));
        assert!(!one.0.conn().reaped.load(Ordering::Relaxed));
        drop(two);
        assert!(a.admit(ip("10.0.0.3")).is_ok());
    }

    #[test]
    fn an_address_at_its_cap_replaces_its_own_idle_connection() {
        let a = caps(100, 2, 100);
        let old = a.admit(ip("10.0.0.1")).expect("idle");
        let _b = busy(&a, "10.0.0.1").expect("busy");
        let _new = a.admit(ip("10.0.0.1")).expect("replaces the idle one");
        assert!(old.conn().reaped.load(Ordering::Relaxed));
    }
}
