//! Bounds on a site's own templates. A site template override is
//! Diskominfo's decision (`[allow] template_overrides`), but even an
//! allowed one must not take the run down for every other site: Tera
//! recurses on the Rust stack (an `include` of itself or a recursive macro
//! overflows it and aborts the process), `range(end=2000000000)` allocates
//! without bound, and nested loops run as long as they like. So, for sites
//! with overrides only (the theme is trusted and unbounded):
//!
//! - before parsing: template files at most [`MAX_FILE_BYTES`], tags and
//!   brackets nested at most [`MAX_DEPTH`] deep (the parser recurses too);
//! - after parsing: no cycle of includes or macro calls through a site
//!   template (a menu tree is written with loops of fixed depth instead);
//! - while rendering: `range` of at most [`MAX_RANGE`] items, at most
//!   [`MAX_OUTPUT_BYTES`] of output and [`MAX_RENDER`] of time per page.
//!
//! A template that meets a bound is a `TEMA-004` error of that site only.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tera::ast::{Expr, ExprVal, Node};
use tera::{Tera, Value};

use crate::diagnostic::TemplateLimitKind;

/// Largest site template file parsed.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Deepest nesting of block tags, or of brackets, in a site template.
pub const MAX_DEPTH: usize = 64;
/// Longest `range` a site template may make.
pub const MAX_RANGE: usize = 10_000;
/// Largest output of one page rendered with site templates.
pub const MAX_OUTPUT_BYTES: usize = 8 * 1024 * 1024;
/// Longest render of one page with site templates.
pub const MAX_RENDER: Duration = Duration::from_secs(10);

thread_local! {
    /// The deadline of the render running on this thread (bounded renders only).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// The bound a bounded render ran into, for the error that stops it.
    static TRIPPED: Cell<Option<Tripped>> = const { Cell::new(None) };
}

#[derive(Debug, Clone, Copy)]
enum Tripped {
    Range,
    Size,
    Time,
}

/// Checks a site template's text before it is parsed.
pub fn precheck(text: &str) -> Result<(), TemplateLimitKind> {
    if text.len() > MAX_FILE_BYTES {
        return Err(TemplateLimitKind::FileSize {
            max_bytes: MAX_FILE_BYTES,
        });
    }
    let (mut blocks, mut brackets) = (0usize, 0usize);
    let mut rest = text;
    while let Some(i) = rest.find("{%") {
        let tag_end = rest[i..].find("%}").map_or(rest.len(), |e| i + e);
        let tag = rest[i + 2..tag_end]
            .trim()
            .trim_start_matches('-')
            .trim_start();
        let word = tag.split_whitespace().next().unwrap_or("");
        match word {
            "if" | "for" | "block" | "macro" | "filter" | "raw" => blocks += 1,
            w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
            _ => {}
        }
        if blocks > MAX_DEPTH {
            return Err(TemplateLimitKind::Depth { max: MAX_DEPTH });
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.starts_with("%}") {
            rest = &rest[2..];
        }
    }
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => brackets += 1,
            ')' | ']' | '}' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if brackets > MAX_DEPTH {
            return Err(TemplateLimitKind::Depth { max: MAX_DEPTH });
        }
    }
    Ok(())
}

/// A `range` that refuses more than [`MAX_RANGE`] items and checks the
/// deadline of the running render (loops are where time goes).
pub fn bounded_range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    if past_deadline() {
        return Err(trip(Tripped::Time));
    }
    let num = |k: &str, default: i64| {
        args.get(k)
            .and_then(Value::as_i64)
            .unwrap_or(default)
            .max(0)
    };
    let (start, end, step) = (num("start", 0), num("end", 0), num("step_by", 1).max(1));
    if end > start && ((end - start) / step) as usize > MAX_RANGE {
        return Err(trip(Tripped::Range));
    }
    let items: Vec<Value> = (start..end)
        .step_by(step as usize)
        .map(Value::from)
        .collect();
    Ok(Value::Array(items))
}

fn past_deadline() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() > t))
}

fn trip(t: Tripped) -> tera::Error {
    TRIPPED.with(|c| c.set(Some(t)));
    tera::Error::msg("laman: template limit")
}

/// Renders `name` within the bounds; `Err(Ok(kind))` when a bound stopped
/// it, `Err(Err(e))` for any other template error.
pub fn render_bounded(
    tera: &Tera,
    name: &str,
    ctx: &tera::Context,
) -> Result<String, Result<TemplateLimitKind, tera::Error>> {
    render_within(tera, name, ctx, MAX_RENDER)
}

/// [`render_bounded`] with another time limit.
fn render_within(
    tera: &Tera,
    name: &str,
    ctx: &tera::Context,
    max_time: Duration,
) -> Result<String, Result<TemplateLimitKind, tera::Error>> {
    TRIPPED.with(|c| c.set(None));
    DEADLINE.with(|d| d.set(Some(Instant::now() + max_time)));
    let mut out = Bounded { buf: Vec::new() };
    let result = tera.render_to(name, ctx, &mut out);
    DEADLINE.with(|d| d.set(None));
    let tripped = TRIPPED.with(|c| c.take());
    match (result, tripped) {
        (Ok(()), None) => String::from_utf8(out.buf).map_err(|e| {
            Err(tera::Error::msg(format!(
                "template output is not UTF-8: {e}"
            )))
        }),
        (_, Some(t)) => Err(Ok(match t {
            Tripped::Range => TemplateLimitKind::Range { max: MAX_RANGE },
            Tripped::Size => TemplateLimitKind::Size {
                max_bytes: MAX_OUTPUT_BYTES,
            },
            Tripped::Time => TemplateLimitKind::Time {
                max_ms: max_time.as_millis() as u64,
            },
        })),
        (Err(e), None) => Err(Err(e)),
    }
}

/// Output that stops growing at [`MAX_OUTPUT_BYTES`] and checks the deadline.
struct Bounded {
    buf: Vec<u8>,
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT_BYTES {
            TRIPPED.with(|c| c.set(Some(Tripped::Size)));
            return Err(std::io::Error::other("laman: output limit"));
        }
        if past_deadline() {
            TRIPPED.with(|c| c.set(Some(Tripped::Time)));
            return Err(std::io::Error::other("laman: time limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A cycle of includes or macro calls that passes through one of
/// `site_templates`, as the names along it.
pub fn find_cycle(tera: &Tera, site_templates: &HashSet<String>) -> Option<Vec<String>> {
    // Nodes: "t:<template>" and "m:<template>::<macro>".
    let mut edges: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (name, t) in &tera.templates {
        let namespaces: HashMap<&str, &str> = t
            .imported_macro_files
            .iter()
            .map(|(file, ns)| (ns.as_str(), file.as_str()))
            .collect();
        let mut from_template = BTreeSet::new();
        collect(&t.ast, name, &namespaces, &mut from_template);
        for parent in &t.parents {
            from_template.insert(format!("t:{parent}"));
        }
        edges.insert(format!("t:{name}"), from_template);
        for (m, def) in &t.macros {
            let mut from_macro = BTreeSet::new();
            collect(&def.body, name, &namespaces, &mut from_macro);
            edges.insert(format!("m:{name}::{m}"), from_macro);
        }
    }
    let involves_site = |node: &str| {
        let t = node[2..].split("::").next().unwrap_or("");
        site_templates.contains(t)
    };
    // Iterative DFS with colours.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    let mut keys: Vec<&String> = edges.keys().collect();
    keys.sort();
    for start in keys {
        if colour.get(start.as_str()).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), next(&edges, start))];
        colour.insert(start.as_str(), 1);
        while let Some((node, pending)) = stack.last_mut() {
            let node: &str = node;
            match pending.pop() {
                Some(n) => match colour.get(n).copied().unwrap_or(0) {
                    0 => {
                        colour.insert(n, 1);
                        let succ = next(&edges, n);
                        stack.push((n, succ));
                    }
                    1 => {
                        let pos = stack.iter().position(|(s, _)| *s == n).unwrap_or(0);
                        let cycle: Vec<String> = stack[pos..]
                            .iter()
                            .map(|(s, _)| s.to_string())
                            .chain(std::iter::once(n.to_string()))
                            .collect();
                        if cycle.iter().any(|c| involves_site(c)) {
                            return Some(cycle.iter().map(|c| c[2..].to_string()).collect());
                        }
                    }
                    _ => {}
                },
                None => {
                    colour.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }
    None
}

fn next<'a>(edges: &'a HashMap<String, BTreeSet<String>>, n: &str) -> Vec<&'a str> {
    edges
        .get(n)
        .map(|s| s.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn collect(nodes: &[Node], tpl: &str, ns: &HashMap<&str, &str>, out: &mut BTreeSet<String>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => {
                out.extend(names.iter().map(|n| format!("t:{n}")));
            }
            Node::VariableBlock(_, e) => expr(e, tpl, ns, out),
            Node::MacroDefinition(..) => {}
            Node::Set(_, s) => expr(&s.value, tpl, ns, out),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| expr(e, tpl, ns, out));
                collect(&f.body, tpl, ns, out);
            }
            Node::Block(_, b, _) => collect(&b.body, tpl, ns, out),
            Node::Forloop(_, f, _) => {
                expr(&f.container, tpl, ns, out);
                collect(&f.body, tpl, ns, out);
                if let Some(e) = &f.empty_body {
                    collect(e, tpl, ns, out);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    expr(cond, tpl, ns, out);
                    collect(body, tpl, ns, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect(body, tpl, ns, out);
                }
            }
            _ => {}
        }
    }
}

fn expr(e: &Expr, tpl: &str, ns: &HashMap<&str, &str>, out: &mut BTreeSet<String>) {
    match &e.val {
        ExprVal::MacroCall(m) => {
            let file = if m.namespace == "self" {
                tpl
            } else {
                ns.get(m.namespace.as_str()).copied().unwrap_or("")
            };
            out.insert(format!("m:{file}::{}", m.name));
            m.args.values().for_each(|a| expr(a, tpl, ns, out));
        }
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| expr(a, tpl, ns, out)),
        ExprVal::Math(m) => {
            expr(&m.lhs, tpl, ns, out);
            expr(&m.rhs, tpl, ns, out);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, tpl, ns, out);
            expr(&l.rhs, tpl, ns, out);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, tpl, ns, out)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, tpl, ns, out)),
        ExprVal::In(i) => {
            expr(&i.lhs, tpl, ns, out);
            expr(&i.rhs, tpl, ns, out);
        }
        _ => {}
    }
    for f in &e.filters {
        f.args.values().for_each(|a| expr(a, tpl, ns, out));
    }
}

/// The names a site's template files get in Tera.
pub fn names_of(files: &[(PathBuf, Option<String>)]) -> HashSet<String> {
    files.iter().filter_map(|(_, n)| n.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut t = Tera::default();
        t.register_function("range", bounded_range);
        t.add_raw_templates(templates.to_vec()).expect("parses");
        t
    }

    fn site(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn include_cycles_and_recursive_macros_are_found() {
        let t = tera(&[("404.html", "{% include \"404.html\" %}")]);
        assert_eq!(
            find_cycle(&t, &site(&["404.html"])),
            Some(vec!["404.html".to_string(), "404.html".to_string()])
        );
        let t = tera(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
        ]);
        assert!(find_cycle(&t, &site(&["b.html"])).is_some());
        let t = tera(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro %}{{ self::f(n=1) }}",
        )]);
        assert!(find_cycle(&t, &site(&["m.html"])).is_some());
        let t = tera(&[
            (
                "macros.html",
                "{% macro f() %}{{ g::h() }}{% endmacro %}{% macro h() %}x{% endmacro %}",
            ),
            ("p.html", "{% import \"macros.html\" as g %}{{ g::f() }}"),
        ]);
        assert_eq!(find_cycle(&t, &site(&["p.html", "macros.html"])), None);
        // A cycle only among trusted (theme) templates is not the site's.
        let t = tera(&[("x.html", "{% include \"x.html\" %}"), ("s.html", "ok")]);
        assert_eq!(find_cycle(&t, &site(&["s.html"])), None);
    }

    #[test]
    fn renders_stop_at_their_bounds() {
        let t = tera(&[
            (
                "big.html",
                "{% for i in range(end=2000000000) %}x{% endfor %}",
            ),
            (
                "wide.html",
                "{% for a in range(end=10000) %}{% for b in range(end=10000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
            ),
            ("ok.html", "{% for i in range(end=3) %}{{ i }}{% endfor %}"),
        ]);
        let ctx = tera::Context::new();
        assert!(matches!(
            render_bounded(&t, "big.html", &ctx),
            Err(Ok(TemplateLimitKind::Range { .. }))
        ));
        assert!(matches!(
            render_bounded(&t, "wide.html", &ctx),
            Err(Ok(TemplateLimitKind::Size { .. }))
        ));
        assert_eq!(
            render_bounded(&t, "ok.html", &ctx).ok().as_deref(),
            Some("012")
        );
    }

    #[test]
    fn a_loop_that_writes_nothing_still_stops_at_the_deadline() {
        let t = tera(&[(
            "lama.html",
            "{% for a in range(end=10000) %}{% for b in range(end=10000) %}{% endfor %}{% endfor %}",
        )]);
        let r = render_within(
            &t,
            "lama.html",
            &tera::Context::new(),
            Duration::from_millis(50),
        );
        assert_eq!(
            r.err().and_then(Result::ok),
            Some(TemplateLimitKind::Time { max_ms: 50 })
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = "{% if a %}".repeat(MAX_DEPTH + 1);
        assert_eq!(
            precheck(&deep),
            Err(TemplateLimitKind::Depth { max: MAX_DEPTH })
        );
        let parens = format!("{{{{ {} }}}}", "(".repeat(MAX_DEPTH + 1));
        assert_eq!(
            precheck(&parens),
            Err(TemplateLimitKind::Depth { max: MAX_DEPTH })
        );
        assert!(precheck("{% if a %}{% for x in y %}{{ x }}{% endfor %}{% endif %}").is_ok());
        assert!(matches!(
            precheck(&"x".repeat(MAX_FILE_BYTES + 1)),
            Err(TemplateLimitKind::FileSize { .. })
        ));
    }
}
