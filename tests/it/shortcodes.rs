//! Where `{{ … }}` is a shortcode and where it is text (issue 13), over the real binary: the
//! escape `{{/* … */}}`, braces in `<script>`, `<style>`, comments, code and link destinations
//! left as written, other template languages' braces left as text (Hugo's with a warning), and a
//! well-formed call of an unknown name an error at its place. Whether a name is a shortcode
//! depends on the site's templates, so a rebuild after adding one matches a fresh build.

use crate::support::*;
use folio::pipeline::BuildOptions;
use folio::session::Session;

const CONFIG: &str = "title: \"Braces Co\"\nbase_url: \"https://braces.example.com\"\n";

fn site(name: &str) -> Site {
    let site = Site::empty(name);
    site.write("site.yaml", CONFIG);
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site
}

const PAGE: &str = r#"---
title: Braces
---
Show a call: {{/* cta(text="Book", href="/contact/") */}} and {{/*x*/}}.

{{ cta(text="Real", href="/contact/") }}

<script>
var site = {{ site | toJSON }};
var c = "{{ cta(text='x') }}";
</script>

<style>
.a::after { content: "{{ cta() }}"; }
</style>

<!-- {{ cta(text="hidden") }} -->

Flask writes {{ url_for('static', filename='app.css') }} and Go {{ .Title }}.

[with title](/x/{{y}} 't {{ cta(text="z") }}') and [ref][r] and ![pic](/img/{{cta(text='w')}}.png)

`{{/* in code */}}` and `{{ cta() }}`

```
{{/* in a block */}}
```

{{< figure src="/a.png" >}}

[r]: /ref/{{cta(text='v')}}
"#;

#[test]
fn braces_are_text_where_folio_leaves_them() {
    let site = site("braces");
    site.write("content/braces.md", PAGE);
    // The image exists under the literal name: an image that leads nowhere is an error.
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 4).write_to(&mut png, image::ImageFormat::Png).unwrap();
    site.write_bytes("static/img/{{cta(text='w')}}.png", png.get_ref());
    let run = site.build();
    run.ok()
        .stderr_has("warning: Hugo shortcode `figure` is not a folio shortcode; shown as text")
        .stderr_has("content/braces.md:29:1")
        .stderr_has("Markdown image");
    let html = site.read("braces/index.html");
    let body = unescape(&html);
    // The escape, exactly; code keeps it as written.
    assert_contains(&body, r#"Show a call: {{ cta(text="Book", href="/contact/") }} and {{x}}."#);
    assert_contains(&body, "<code>{{/* in code */}}</code>");
    assert_contains(&body, "<code>{{ cta() }}</code>");
    assert_contains(&body, "{{/* in a block */}}");
    // One real call: one button.
    assert_eq!(html.matches("Real").count(), 1, "{html}");
    assert!(!html.contains(">Book<") && !html.contains("hidden</a>"), "{html}");
    // Scripts, styles and comments as written.
    assert_contains(&html, "var site = {{ site | toJSON }};\nvar c = \"{{ cta(text='x') }}\";");
    assert_contains(&html, ".a::after { content: \"{{ cta() }}\"; }");
    assert_contains(&html, "<!-- {{ cta(text=\"hidden\") }} -->");
    // Other template languages' braces are text.
    assert_contains(&body, "Flask writes {{ url_for('static', filename='app.css') }} and Go {{ .Title }}.");
    assert_contains(&body, r#"{{< figure src="/a.png" >}}"#);
    // Link destinations and titles keep their braces; nothing is expanded into an attribute.
    assert_contains(&body, r#"<a href="/x/%7B%7By%7D%7D" title="t {{ cta(text="z") }}">with title</a>"#);
    assert_contains(&body, "<a href=\"/ref/%7B%7Bcta(text='v')%7D%7D\">ref</a>");
    assert_contains(&body, "<img src=\"/img/%7B%7Bcta(text='w')%7D%7D-4w.png\" srcset=\"/img/%7B%7Bcta(text='w')%7D%7D-4w.png 4w\"");
    assert_eq!(html.matches("<p class=\"cta\">").count(), 1, "no button but the real one: {html}");
    assert_contains(&html, "<p class=\"cta\"><a class=\"button button--primary\" href=\"/contact/\">Real</a></p>");
}

#[test]
fn calls_that_look_wrong_are_errors_at_their_place() {
    let site = site("braces-errors");
    site.write(
        "content/calls.md",
        "---\ntitle: Calls\n---\nIntro.\n\n{{ ctaa(text=\"Book\", href=\"/contact/\") }}\n\nA {{ cta('Book') }} b.\n\n{{ lower(\"x\") }} stays text.\n\n[a](/x/{{ cta(text=\"y\") }})\n",
    );
    let run = site.build();
    run.fails()
        .no_panic()
        .stderr_has("content/calls.md:6:1")
        .stderr_has("unknown shortcode `ctaa`")
        .stderr_has("did you mean `cta`?")
        .stderr_has("content/calls.md:8:10")
        .stderr_has("expected an argument name or `)` in shortcode `cta`")
        .stderr_has("to show braces as they are, write {{/* … */}}")
        .stderr_lacks("lower");
    assert_eq!(run.error_count(), 2, "{}", run.stderr());
}

#[test]
fn adding_or_removing_a_shortcode_template_rebuilds_what_it_decides() {
    let site = site("braces-names");
    site.write("content/a.md", "---\ntitle: A\n---\nBraces {{ note('x') }} stay, and {{/* note() */}} too.\n");
    let opts = BuildOptions { root: site.root.clone(), ..Default::default() };
    let mut session = Session::new(opts.clone());
    session.build().unwrap_or_else(|e| panic!("{e}"));
    let page = |s: &Session| String::from_utf8(session_files(s).remove("a/index.html").unwrap()).unwrap();
    assert_contains(&unescape(&page(&session)), "Braces {{ note('x') }} stay, and {{ note() }} too.");

    // With a shortcode `note`, `note('x')` is a call with a mistake: an error, as in a fresh build.
    let template = site.root.join("templates/shortcodes/note.html");
    site.write("templates/shortcodes/note.html", "<em>{{ text }}</em>\n");
    let err = session.rebuild(std::slice::from_ref(&template)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("expected an argument name or `)` in shortcode `note`"), "the rebuild: {err:?}");
    let fresh = folio::pipeline::build(&opts).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(err, fresh);

    // Removed again: text again.
    site.remove("templates/shortcodes/note.html");
    session.rebuild(std::slice::from_ref(&template)).unwrap_or_else(|e| panic!("{e}"));
    assert_contains(&unescape(&page(&session)), "Braces {{ note('x') }} stay");
}
