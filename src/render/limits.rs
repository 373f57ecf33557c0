//! Bounds on a site's own templates. A site template override is
//! Diskominfo's decision (`[allow] template_overrides`), but even an
//! allowed one is written by the site's editors, and must not take the run
//! down for every other site: a template that includes itself or a macro
//! that calls itself, a loop in a loop in a loop over a long list, a
//! `range` of a billion. So, for sites with overrides only (the theme is
//! trusted and unbounded):
//!
//! - before parsing: template files at most [`MAX_FILE_BYTES`], tags and
//!   brackets nested at most [`MAX_DEPTH`] deep (the parser recurses);
//! - while rendering, MiniJinja's own bounds: at most [`MAX_STEPS`] steps
//!   of its machine per page (its `fuel`: every loop turn, every output,
//!   whatever it writes or not), includes and macro calls nested at most
//!   [`MAX_NESTING`] deep, `range` of at most 100,000 items (MiniJinja's);
//!   and at most [`MAX_OUTPUT_BYTES`] of output.
//!
//! A template that meets a bound is a `TEMA-004` error of that site only.

use std::io::Write;

use minijinja::value::Value;
use minijinja::{ErrorKind, Template};

use crate::diagnostic::TemplateLimitKind;

/// Largest site template file parsed.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Deepest nesting of block tags, or of brackets, in a site template.
pub const MAX_DEPTH: usize = 64;
/// Longest `range` MiniJinja makes.
pub const MAX_RANGE: usize = 100_000;
/// Largest output of one page rendered with site templates.
pub const MAX_OUTPUT_BYTES: usize = 8 * 1024 * 1024;
/// Most steps of MiniJinja's machine (its fuel) for one page rendered with
/// site templates: a page of the default theme takes at most 1,600 in the
/// example regency (1,450 on average), and 200,000 take about 4 ms here.
/// Once one page of a site meets a bound, its other pages are not rendered
/// ([`super::Templates::render`]), so a site's templates cost the run at
/// most about 4 ms a page.
pub const MAX_STEPS: u64 = 200_000;
/// Deepest nesting of includes and macro calls in a bounded render.
pub const MAX_NESTING: usize = 40;

/// Puts `env` (the theme's templates, to which a site's are added) within
/// the bounds of a site's own templates.
pub fn bound(env: &mut super::Env) {
    env.set_fuel(Some(MAX_STEPS));
    env.set_recursion_limit(MAX_NESTING);
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

/// Renders `template` within the bounds; `Err(Ok(kind))` when a bound
/// stopped it, `Err(Err(e))` for any other template error.
pub fn render_bounded(
    template: &Template<'_, '_>,
    ctx: Value,
) -> Result<String, Result<TemplateLimitKind, minijinja::Error>> {
    let mut out = Bounded {
        buf: Vec::new(),
        full: false,
    };
    let result = template.render_captured_to(ctx, &mut out);
    if out.full {
        return Err(Ok(TemplateLimitKind::Size {
            max_bytes: MAX_OUTPUT_BYTES,
        }));
    }
    match result {
        Ok(_) => String::from_utf8(out.buf).map_err(|e| {
            Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("template output is not UTF-8: {e}"),
            ))
        }),
        Err(e) => Err(limit_of(&e).ok_or(e)),
    }
}

/// The bound a render error is, if it or an error it was caused by (an
/// include's, a macro's) is one.
fn limit_of(e: &minijinja::Error) -> Option<TemplateLimitKind> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(limit) = c.downcast_ref::<minijinja::Error>().and_then(own_limit) {
            return Some(limit);
        }
        cause = c.source();
    }
    None
}

fn own_limit(e: &minijinja::Error) -> Option<TemplateLimitKind> {
    let detail = e.detail().unwrap_or("");
    match e.kind() {
        ErrorKind::OutOfFuel => Some(TemplateLimitKind::Steps { max: MAX_STEPS }),
        ErrorKind::InvalidOperation if detail.contains("recursion limit") => {
            Some(TemplateLimitKind::Recursion { max: MAX_NESTING })
        }
        ErrorKind::InvalidOperation if detail.contains("range has too many elements") => {
            Some(TemplateLimitKind::Range { max: MAX_RANGE })
        }
        _ => None,
    }
}

/// Output that stops growing at [`MAX_OUTPUT_BYTES`].
struct Bounded {
    buf: Vec<u8>,
    full: bool,
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT_BYTES {
            self.full = true;
            return Err(std::io::Error::other("laman: output limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(templates: &[(&'static str, &'static str)]) -> super::super::Env {
        let mut env = minijinja::Environment::new();
        bound(&mut env);
        for (name, text) in templates {
            env.add_template(name, text).expect("parses");
        }
        env
    }

    fn render(
        env: &super::super::Env,
        name: &str,
    ) -> Result<String, Result<TemplateLimitKind, minijinja::Error>> {
        render_bounded(&env.get_template(name).expect("template"), Value::UNDEFINED)
    }

    #[test]
    fn includes_and_macros_that_call_themselves_stop_at_the_nesting_bound() {
        let e = env(&[
            ("404.html", "{% include \"404.html\" %}"),
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if true %}{% include \"a.html\" %}{% endif %}"),
            (
                "m.html",
                "{% macro f(n) %}{{ f(n=n) }}{% endmacro %}{{ f(n=1) }}",
            ),
        ]);
        for name in ["404.html", "a.html", "m.html"] {
            assert_eq!(
                render(&e, name).err().and_then(Result::ok),
                Some(TemplateLimitKind::Recursion { max: MAX_NESTING }),
                "{name}"
            );
        }
    }

    #[test]
    fn renders_stop_at_their_bounds() {
        let e = env(&[
            ("big.html", "{% for i in range(2000000000) %}x{% endfor %}"),
            (
                "wide.html",
                "{% set s = 'xxxxxxxxxx' %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% for i in range(10) %}{{ s }}{% endfor %}",
            ),
            ("ok.html", "{% for i in range(3) %}{{ i }}{% endfor %}"),
        ]);
        assert_eq!(
            render(&e, "big.html").err().and_then(Result::ok),
            Some(TemplateLimitKind::Range { max: MAX_RANGE })
        );
        // MiniJinja's fuel counts the bytes of the values it makes and
        // writes, so 10 MB of output runs out of steps first…
        assert_eq!(
            render(&e, "wide.html").err().and_then(Result::ok),
            Some(TemplateLimitKind::Steps { max: MAX_STEPS })
        );
        assert_eq!(render(&e, "ok.html").ok().as_deref(), Some("012"));
        // …and the output bound still holds where the steps would not.
        let mut unmetered = e.clone();
        unmetered.set_fuel(None);
        assert_eq!(
            render(&unmetered, "wide.html").err().and_then(Result::ok),
            Some(TemplateLimitKind::Size {
                max_bytes: MAX_OUTPUT_BYTES
            })
        );
    }

    /// Loops in loops that write nothing, over a list made once: no call
    /// and no output to check a clock at, and 10^12 turns.
    #[test]
    fn a_loop_that_writes_nothing_still_stops() {
        let e = env(&[(
            "lama.html",
            "{% set xs = range(10000) | list %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}",
        )]);
        assert_eq!(
            render(&e, "lama.html").err().and_then(Result::ok),
            Some(TemplateLimitKind::Steps { max: MAX_STEPS })
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
