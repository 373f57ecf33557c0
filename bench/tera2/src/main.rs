//! Renders themes/default/templates/page.html (with base.html) in Tera 1,
//! Tera 2 and MiniJinja, `RUNS` times each, alternating, and prints the
//! median time per page. The context is page-context.json: the `page` and `site` of
//! `berita/air-bersih-agrabinta-1297.md` of the 1 × 10,000 corpus, as
//! laman 0.1 gives it to the template.
//!
//! Tera 2 needs two changes to the templates: its tests take named
//! arguments (`is ending_with(pat="/")`), and it has no `filter` filter
//! (one is registered here).
//!
//! MiniJinja needs the same tests under their Jinja names (`endingwith`,
//! `startingwith`), `replace` with positional arguments, and `selectattr`
//! for `filter`; it renders with fuel (bounded execution), as laman would
//! render a site's own templates. laman's escape is its formatter.

use std::time::Instant;

const RUNS: usize = 7;
/// The last commit whose theme was written for Tera.
const TERA_THEME: &str = "227bb4b";
const PAGES: usize = 5_000;

fn main() {
    let here = env!("CARGO_MANIFEST_DIR");
    let theme = format!("{here}/../../themes/default/templates");
    let raw = std::fs::read_to_string(format!("{here}/page-context.json")).expect("context");
    let (name, json) = raw.split_once('\n').expect("template name, then JSON");
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let files: Vec<(String, String)> = ["base.html", "page.html"]
        .iter()
        .map(|f| {
            // The Tera theme as it was before laman moved to MiniJinja.
            let out = std::process::Command::new("git")
                .args(["-C", &theme, "show", &format!("{TERA_THEME}:./{f}")])
                .output()
                .expect("git");
            let text = String::from_utf8(out.stdout).expect("template");
            assert!(!text.is_empty(), "{f} at {TERA_THEME}");
            (
                f.to_string(),
                text.replace("{% import \"macros.html\" as m %}", ""),
            )
        })
        .collect();

    let mut one = tera1::Tera::default();
    one.add_raw_templates(files.clone())
        .expect("Tera 1 templates");
    one.set_escape_fn(escape_html);
    type Args1 = std::collections::HashMap<String, tera1::Value>;
    one.register_filter("tanggal", |v: &tera1::Value, _: &Args1| Ok(v.clone()));
    one.register_filter("rupiah", |v: &tera1::Value, _: &Args1| Ok(v.clone()));
    let ctx1 = tera1::Context::from_value(value.clone()).expect("Tera 1 context");

    let mut two = tera2::Tera::default();
    let same = |v: &tera2::Value, _: tera2::Kwargs, _: &tera2::State| v.clone();
    two.register_filter("tanggal", same);
    two.register_filter("rupiah", same);
    // Tera 1's `filter(attribute, value)`, which Tera 2 does not have.
    two.register_filter(
        "filter",
        |v: &tera2::Value, kw: tera2::Kwargs, _: &tera2::State| {
            let attribute = kw.must_get::<&str>("attribute")?;
            let wanted = kw.must_get::<tera2::Value>("value")?;
            let kept: Vec<tera2::Value> = v
                .as_array()
                .unwrap_or_default()
                .iter()
                .filter(|x| {
                    x.as_map()
                        .and_then(|m| m.get(&tera2::value::Key::Str(attribute)))
                        .is_some_and(|a| *a == wanted)
                })
                .cloned()
                .collect();
            Ok::<_, tera2::Error>(tera2::Value::from(kept))
        },
    );
    two.add_raw_templates(files.iter().map(|(n, t)| {
        let t = t
            .replace("is ending_with(\"/\")", "is ending_with(pat=\"/\")")
            .replace(
                "is starting_with(item.url)",
                "is starting_with(pat=item.url)",
            );
        (n.clone(), t)
    }))
    .expect("Tera 2 templates");
    let ctx2 = tera2::Context::from_serialize(&value).expect("Tera 2 context");

    let mut three = minijinja::Environment::new();
    three.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("syntax"),
    );
    three.set_fuel(Some(10_000_000));
    three.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("laman".into()));
    three.set_formatter(|out, state, value| {
        if value.is_safe() || *state.auto_escape() == minijinja::AutoEscape::None {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = match value.as_str() {
            Some(s) => escape_html(s),
            None => escape_html(&value.to_string()),
        };
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    three.add_filter("tanggal", |v: minijinja::Value| v);
    three.add_filter("rupiah", |v: minijinja::Value| v);
    for (n, t) in &files {
        let t = t
            .replace("is ending_with(\"/\")", "is endingwith(\"/\")")
            .replace("is starting_with(item.url)", "is startingwith(item.url)")
            .replace(
                "filter(attribute=\"level\", value=2)",
                "selectattr(\"level\", \"equalto\", 2) | list",
            );
        let t = ["' '", "'('", "')'", "'-'"].iter().fold(t, |t, c| {
            t.replace(&format!("replace(from={c}, to='')"), &format!("replace({c}, '')"))
        });
        three
            .add_template_owned(n.clone(), t)
            .expect("MiniJinja templates");
    }
    let tpl3 = three.get_template(name).expect("MiniJinja template");
    let ctx3 = minijinja::Value::from(minijinja::value::Serde(&value));

    let a = one.render(name, &ctx1).expect("Tera 1 render");
    let b = two.render(name, &ctx2).expect("Tera 2 render");
    let c = tpl3.render(&ctx3).expect("MiniJinja render");
    assert_eq!(a, c, "MiniJinja's page is Tera 1's, byte for byte");
    let words = |s: &str| s.split_whitespace().count();
    if std::env::var_os("TERA_BENCH_WRITE").is_some() {
        std::fs::write("/tmp/tera1.html", &a).expect("write");
        std::fs::write("/tmp/tera2.html", &b).expect("write");
    }
    println!(
        "one page: Tera 1 {} bytes ({} words), Tera 2 {} bytes ({} words)",
        a.len(),
        words(&a),
        b.len(),
        words(&b)
    );

    let (mut t1, mut t2, mut t3) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let s = Instant::now();
        for _ in 0..PAGES {
            std::hint::black_box(one.render(name, &ctx1).expect("render"));
        }
        t1.push(s.elapsed().as_secs_f64() * 1e6 / PAGES as f64);
        let s = Instant::now();
        for _ in 0..PAGES {
            std::hint::black_box(two.render(name, &ctx2).expect("render"));
        }
        t2.push(s.elapsed().as_secs_f64() * 1e6 / PAGES as f64);
        let s = Instant::now();
        for _ in 0..PAGES {
            std::hint::black_box(tpl3.render(&ctx3).expect("render"));
        }
        t3.push(s.elapsed().as_secs_f64() * 1e6 / PAGES as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (m1, m2, m3) = (median(&mut t1), median(&mut t2), median(&mut t3));
    println!(
        "Tera 1.20.1: {m1:.1} µs/page; Tera 2.4.0: {m2:.1} µs/page, ratio {:.2}; \
         MiniJinja 3.1.0 with fuel: {m3:.1} µs/page, ratio {:.2}",
        m2 / m1,
        m3 / m1
    );
}

/// laman's escape (src/render/mod.rs): the five characters of HTML.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
