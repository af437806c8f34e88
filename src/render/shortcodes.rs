//! Shortcode dispatch: built-in shortcodes (`cta`, `banner`, `pricing`, `price`, `faq`, `figure`,
//! `testimonials`, `clients`, `team`, `case_studies`) check their
//! arguments here and get their data from the marketing model; any other name must be a
//! template under `templates/shortcodes/` (site or theme). Output is rendered by templates, so
//! a theme restyles every shortcode.

use super::Renderer;
use crate::marketing::Marketing;
use crate::parse::shortcodes::{ArgValue, Call};

/// Argument specs of the built-ins: (name, required, allowed names).
pub const BUILTINS: &[(&str, &[&str], &[&str])] = &[
    // `placement` (one of the banners scheduled there) or `id` (that banner): either alone.
    ("banner", &[], &["placement", "id"]),
    ("cta", &["text", "href"], &["text", "href", "style"]),
    ("faq", &["topic"], &["topic", "limit"]),
    ("price", &[], crate::marketing::pricing::PRICE_ARGS),
    ("pricing", &["group"], &["group"]),
    // An image with a caption: `picture` (its responsive markup) comes from the engine.
    ("figure", &["src", "alt"], &["src", "alt", "caption", "title", "class", "sizes", "link"]),
    // Content blocks (`marketing::showcase`): the data comes from the site's files and pages.
    ("testimonials", &[], &["limit"]),
    ("clients", &[], &["title"]),
    ("team", &[], &["limit"]),
    ("case_studies", &[], &["limit"]),
];

/// Whether the site has a shortcode `name`: a built-in, or a template of the site or theme.
pub fn exists(r: &Renderer, name: &str) -> bool {
    BUILTINS.iter().any(|(n, _, _)| *n == name) || r.has_template(&format!("shortcodes/{name}.html"))
}

/// Renders one call, or explains what is wrong with it.
/// `made` are variables the engine computed for the call (the `figure`'s `picture`), given to
/// its template after the arguments are checked.
pub fn render_call(r: &Renderer, m: &Marketing, call: &Call, page_key: &str, made: &[(&str, String)]) -> Result<String, (String, String)> {
    let user_templates = r.shortcode_templates();
    let template = format!("shortcodes/{}.html", call.name);
    let builtin = BUILTINS.iter().find(|(n, _, _)| *n == call.name);
    if !exists(r, &call.name) {
        let mut names: Vec<String> = BUILTINS.iter().map(|(n, _, _)| n.to_string()).collect();
        names.extend(user_templates.iter().cloned());
        names.sort();
        names.dedup();
        let near = crate::diag::closest(&call.name, names.iter().map(String::as_str));
        return Err((
            format!("unknown shortcode `{}`", call.name),
            match near {
                Some(n) => format!("did you mean `{n}`? Shortcodes available: {}", names.join(", ")),
                None => format!("shortcodes available: {}; or add templates/shortcodes/{}.html", names.join(", "), call.name),
            },
        ));
    }
    let mut ctx = r.context();
    for (k, v) in &call.args {
        ctx.insert(k.as_str(), v);
    }
    ctx.insert("page_key", page_key);
    if let Some((name, required, allowed)) = builtin {
        for k in call.args.keys() {
            if !allowed.contains(&k.as_str()) {
                let near = crate::diag::closest(k, allowed.iter().copied());
                return Err((
                    format!("shortcode `{name}` has no argument `{k}`"),
                    match near {
                        Some(n) => format!("did you mean `{n}`? `{name}` takes: {}", allowed.join(", ")),
                        None => format!("`{name}` takes: {}", allowed.join(", ")),
                    },
                ));
            }
        }
        for req in *required {
            if !call.args.contains_key(*req) {
                return Err((format!("shortcode `{name}` needs the argument `{req}`"), format!("write it like {{{{ {name}({req}=\"…\") }}}}")));
            }
        }
        if *name == "banner" && !call.args.contains_key("placement") && !call.args.contains_key("id") {
            return Err((
                "shortcode `banner` needs `placement` or `id`".into(),
                "write {{ banner(placement=\"in-article\") }} for one of the banners scheduled there, or {{ banner(id=\"…\") }} (an id from content/banners.yaml) for that banner".into(),
            ));
        }
        for (k, v) in &call.args {
            let expect_int = *k == "limit";
            let ok = if expect_int { matches!(v, ArgValue::Int(n) if *n > 0) } else { matches!(v, ArgValue::Str(_)) };
            if !ok {
                return Err((
                    format!(
                        "argument `{k}` of `{name}` must be {}, not {}",
                        if expect_int { "a whole number above 0" } else { "text in quotes" },
                        v.type_name()
                    ),
                    format!("write e.g. {}", if expect_int { format!("{k}=3") } else { format!("{k}=\"…\"") }),
                ));
            }
        }
        for (name, value) in super::marketing::shortcode_data(m, call, page_key)? {
            ctx.insert(name, &value);
        }
    }
    for (name, value) in made {
        ctx.insert(*name, value);
    }
    // A shortcode template may show a price too; the answer is the rendered text, which the
    // Markdown's recorded answers compare.
    let (rendered, _) = super::with_prices(&std::sync::Arc::new(m.groups.clone()), || r.render(&template, &ctx));
    rendered.map_err(|e| {
        let d = e.on_page(std::path::Path::new(page_key));
        (d.message, d.help.unwrap_or_default())
    })
}
