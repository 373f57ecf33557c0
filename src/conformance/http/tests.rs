use super::*;

fn resp(head: &str) -> Response {
    parse(format!("{head}\r\n\r\n").as_bytes()).expect("parse")
}

#[test]
fn parses_chunked_and_length_bodies() {
    let r = parse(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n",
    )
    .expect("ok");
    assert_eq!(r.body, b"abcdef");
    let r = parse(b"HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nhiXX").expect("ok");
    assert_eq!((r.status, r.body.as_slice()), (404, b"hi".as_slice()));
    assert!(matches!(
        parse(b"SSH-2.0\r\n\r\n"),
        Err(HttpError::Malformed(_))
    ));
}

#[test]
fn hsts_needs_a_year_and_subdomains_on_the_apex() {
    let now = chrono::DateTime::UNIX_EPOCH;
    let ok = resp("HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000");
    assert_eq!(hsts("a.go.id", false, &ok, now).status, Status::Pass);
    assert_eq!(hsts("go.id", true, &ok, now).status, Status::Fail);
    let short = resp("HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=300");
    assert_eq!(hsts("a.go.id", false, &short, now).status, Status::Fail);
}

#[test]
fn first_hop_must_be_permanent_to_https_same_host() {
    let now = chrono::DateTime::UNIX_EPOCH;
    let hop = |s: u16, l: &str| Hop {
        url: "http://a.go.id/".into(),
        status: Some(s),
        location: Some(l.into()),
        error: None,
        timed_out: false,
    };
    assert_eq!(
        first_hop("a.go.id", &[hop(301, "https://a.go.id/")], now).status,
        Status::Pass
    );
    assert_eq!(
        first_hop("a.go.id", &[hop(308, "https://a.go.id:8443/")], now).status,
        Status::Pass
    );
    assert_eq!(
        first_hop("a.go.id", &[hop(302, "https://a.go.id/")], now).status,
        Status::Fail
    );
    assert_eq!(
        first_hop("a.go.id", &[hop(301, "https://b.go.id/")], now).status,
        Status::Fail
    );
    let timeout = Hop {
        url: "http://a.go.id/".into(),
        status: None,
        location: None,
        error: None,
        timed_out: true,
    };
    assert_eq!(
        first_hop("a.go.id", &[timeout], now).status,
        Status::Inconclusive
    );
}
