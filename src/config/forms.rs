//! The contact form's production backend (`contact:` in site.yaml): which provider receives the
//! form on the live site, and everything that follows from that choice — the form's action, the
//! hidden fields and honeypot the provider requires, the names of the fields, how the page's
//! script sends the form, and how `folio serve` answers in the provider's place. One function,
//! [`ContactConfig::form`], decides all of it, so the built form and serve's emulation agree.

use crate::diag::Diagnostic;
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the thank-you page is unless `contact.thanks` says otherwise.
pub const DEFAULT_THANKS: &str = "/contact/thanks/";
/// The path `folio serve` answers the stub contract on unless `contact.endpoint` says otherwise.
pub const DEFAULT_ENDPOINT: &str = "/api/contact";
/// The fields of the contact form, by the names folio stores them under.
pub const FIELDS: [&str; 5] = ["name", "email", "company", "plan", "message"];
const PROVIDERS: [&str; 3] = ["netlify", "formspree", "custom"];
const FUNCTION_HOSTS: [&str; 3] = ["netlify", "cloudflare", "vercel"];

/// `contact:` in site.yaml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContactConfig {
    /// The path of `folio serve`'s own stub (its contract never changes, whatever the provider).
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// `netlify`, `formspree` or `custom`; unset, the form posts where only `folio serve` answers.
    #[serde(default)]
    pub provider: Option<String>,
    /// Netlify: the form's name in Netlify's Forms tab (default `contact`).
    #[serde(default)]
    pub form_name: Option<String>,
    /// Formspree: the form's id, from its address `https://formspree.io/f/<id>`.
    #[serde(default)]
    pub form_id: Option<String>,
    /// Custom: the address the form posts to (https, or a same-origin path served by a function).
    #[serde(default)]
    pub action: Option<String>,
    /// Custom with a same-origin path: the host whose function answers it.
    #[serde(default)]
    pub function: Option<String>,
    /// Custom: the field names the endpoint expects, where they differ from folio's.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Custom: the honeypot field's name (default `website`).
    #[serde(default)]
    pub honeypot: Option<String>,
    /// Custom: how the endpoint answers, `json` (the page's script reads it) or `redirect`.
    #[serde(default)]
    pub answer: Option<String>,
    /// The thank-you page visitors end on.
    #[serde(default = "default_thanks")]
    pub thanks: String,
}

fn default_endpoint() -> String {
    DEFAULT_ENDPOINT.into()
}
fn default_thanks() -> String {
    DEFAULT_THANKS.into()
}

impl Default for ContactConfig {
    fn default() -> Self {
        ContactConfig {
            endpoint: default_endpoint(),
            provider: None,
            form_name: None,
            form_id: None,
            action: None,
            function: None,
            fields: BTreeMap::new(),
            honeypot: None,
            answer: None,
            thanks: default_thanks(),
        }
    }
}

/// The chosen provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Netlify,
    Formspree,
    Custom,
}

/// How the page's script sends the form and reads the answer (`data-send` on the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Send {
    /// folio's stub contract: JSON in; 201, or 422 with `{"errors": {field: message}}`.
    Stub,
    /// Netlify Forms: urlencoded with `form-name`, to the form's action; any success is thanks.
    Netlify,
    /// Formspree: JSON with `Accept: application/json`; 200 `{"ok": true}`, or
    /// `{"errors": [{"field", "code", "message"}]}`.
    Formspree,
    /// A custom endpoint that answers JSON: 2xx, or 422 with errors as an object or a list.
    Json,
    /// A plain form post; the endpoint redirects to the thank-you page itself.
    Native,
    /// A staging preview: the form sends nothing and says so.
    Preview,
}

/// Everything about the form that follows from the provider: what templates render and what
/// `folio serve` emulates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    pub provider: Option<Provider>,
    /// The form's `action`.
    pub action: String,
    /// The form's `name` attribute (Netlify matches submissions to forms by it).
    pub form_name: Option<String>,
    /// Hidden fields the provider requires, in order.
    pub hidden: Vec<(String, String)>,
    /// The honeypot field's name.
    pub honeypot: String,
    /// Each field's name on the wire, by folio's name for it.
    pub fields: BTreeMap<String, String>,
    pub send: Send,
    pub thanks: String,
    /// The action is on another site: `folio serve` routes the page's submission to its own
    /// emulation instead (through the live-reload script, so the page's HTML stays the same).
    pub off_site: bool,
}

impl Form {
    /// folio's name for a field sent under `wire` (the honeypot is `website`).
    pub fn field_for_wire(&self, wire: &str) -> Option<&'static str> {
        if wire == self.honeypot {
            return Some("website");
        }
        FIELDS.iter().copied().find(|f| self.fields.get(*f).map(String::as_str) == Some(wire))
    }

    /// The name a field of folio's is sent under.
    pub fn wire_name<'a>(&'a self, field: &'a str) -> &'a str {
        if field == "website" {
            return &self.honeypot;
        }
        self.fields.get(field).map_or(field, String::as_str)
    }

    /// The form of a staging preview: it sends nothing (its button is disabled and a note says
    /// why), so a client trying the preview never reaches the real inbox.
    pub fn preview(endpoint: &str) -> Form {
        Form { send: Send::Preview, ..Form::stub(endpoint) }
    }

    /// The stub contract of `POST /api/contact`, whatever the provider (SPEC).
    pub fn stub(endpoint: &str) -> Form {
        Form {
            provider: None,
            action: endpoint.to_string(),
            form_name: None,
            hidden: Vec::new(),
            honeypot: "website".into(),
            fields: identity_fields(),
            send: Send::Stub,
            thanks: DEFAULT_THANKS.into(),
            off_site: false,
        }
    }
}

fn identity_fields() -> BTreeMap<String, String> {
    FIELDS.iter().map(|f| (f.to_string(), f.to_string())).collect()
}

impl ContactConfig {
    pub fn provider(&self) -> Option<Provider> {
        match self.provider.as_deref()?.trim() {
            "netlify" => Some(Provider::Netlify),
            "formspree" => Some(Provider::Formspree),
            "custom" => Some(Provider::Custom),
            _ => None,
        }
    }

    /// The Formspree id, also when the whole address was pasted.
    fn formspree_id(&self) -> String {
        let id = self.form_id.as_deref().unwrap_or_default().trim();
        id.trim_end_matches('/').rsplit('/').next().unwrap_or(id).to_string()
    }

    /// The form the site renders, for `site_title`'s site.
    pub fn form(&self, site_title: &str) -> Form {
        let base = Form { thanks: self.thanks.clone(), ..Form::stub(&self.endpoint) };
        match self.provider() {
            None => base,
            Some(Provider::Netlify) => {
                let name = self.form_name.clone().unwrap_or_else(|| "contact".into());
                Form {
                    provider: Some(Provider::Netlify),
                    // Netlify answers a form post at any path of the site with the page at the
                    // form's action: the thank-you page.
                    action: self.thanks.clone(),
                    hidden: vec![("form-name".into(), name.clone())],
                    form_name: Some(name),
                    honeypot: "bot-field".into(),
                    send: Send::Netlify,
                    ..base
                }
            }
            Some(Provider::Formspree) => Form {
                provider: Some(Provider::Formspree),
                action: format!("https://formspree.io/f/{}", self.formspree_id()),
                hidden: vec![("_subject".into(), format!("New message from the {site_title} website"))],
                honeypot: "_gotcha".into(),
                send: Send::Formspree,
                off_site: true,
                ..base
            },
            Some(Provider::Custom) => {
                let action = self.action.clone().unwrap_or_default();
                let mut fields = identity_fields();
                for (field, wire) in &self.fields {
                    fields.insert(field.clone(), wire.clone());
                }
                Form {
                    provider: Some(Provider::Custom),
                    off_site: action.starts_with("https://"),
                    action,
                    honeypot: self.honeypot.clone().unwrap_or_else(|| "website".into()),
                    fields,
                    send: if self.answer.as_deref() == Some("redirect") { Send::Native } else { Send::Json },
                    ..base
                }
            }
        }
    }

    /// Every problem with `contact:`, at its line in `text` (site.yaml).
    pub fn problems(&self, src: yaml::Source<'_>, text: &str) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let mut at = |key: &str, message: String, help: &str| errors.push(src.error_at_key(text, key, message).with_help(help));
        if !self.endpoint.starts_with('/') {
            at("endpoint", "contact.endpoint must be a path starting with `/`".into(), "the default is `/api/contact`");
        }
        if !self.thanks.starts_with('/') || self.thanks.starts_with("//") {
            at(
                "thanks",
                format!("contact.thanks `{}` must be a page of this site, a path starting with `/`", self.thanks),
                "the default is `/contact/thanks/`",
            );
        }
        let Some(name) = self.provider.as_deref() else {
            for key in ["form_name", "form_id", "action", "function", "honeypot", "answer"] {
                if self.set(key) {
                    at(
                        key,
                        format!("contact.{key} only means something once `provider:` is chosen"),
                        "add `provider: netlify`, `formspree` or `custom` under `contact:`",
                    );
                }
            }
            return errors;
        };
        let Some(provider) = self.provider() else {
            let hint = crate::diag::closest(name, PROVIDERS.iter().copied()).map(|n| format!("did you mean `{n}`? ")).unwrap_or_default();
            at("provider", format!("unknown form provider `{name}`"), &format!("{hint}choose `netlify`, `formspree` or `custom`"));
            return errors;
        };
        let allowed: &[&str] = match provider {
            Provider::Netlify => &["form_name"],
            Provider::Formspree => &["form_id"],
            Provider::Custom => &["action", "function", "fields", "honeypot", "answer"],
        };
        for key in ["form_name", "form_id", "action", "function", "fields", "honeypot", "answer"] {
            if self.set(key) && !allowed.contains(&key) {
                at(key, format!("contact.{key} is not used with `provider: {name}`"), "remove the line, or choose the provider it belongs to");
            }
        }
        match provider {
            Provider::Netlify => {
                if let Some(form_name) = &self.form_name {
                    if form_name.is_empty() || !form_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                        at(
                            "form_name",
                            format!("form_name `{form_name}` must be letters, digits, `-` or `_`"),
                            "it names the form in Netlify's Forms tab, e.g. `form_name: contact`",
                        );
                    }
                }
            }
            Provider::Formspree => {
                let id = self.formspree_id();
                if id.is_empty() {
                    at(
                        "provider",
                        "`provider: formspree` needs the form's id".into(),
                        "add `form_id: \"xyzabcde\"` under `contact:`: the end of your form's address https://formspree.io/f/xyzabcde",
                    );
                } else if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    at(
                        "form_id",
                        format!("form_id `{id}` is not a Formspree form id (letters and digits)"),
                        "copy it from your form's address https://formspree.io/f/<id>",
                    );
                }
            }
            Provider::Custom => self.custom_problems(&mut at),
        }
        errors
    }

    fn custom_problems(&self, at: &mut impl FnMut(&str, String, &str)) {
        match self.action.as_deref().map(str::trim) {
            None | Some("") => at(
                "provider",
                "`provider: custom` needs the address the form posts to".into(),
                "add `action: \"https://forms.example.com/contact\"` under `contact:`",
            ),
            Some(a) if a.starts_with("http://") => {
                at("action", format!("the form would send visitors' details unencrypted to `{a}`"), "use the endpoint's https:// address")
            }
            Some(a) if a.starts_with("https://") => {
                if self.function.is_some() {
                    at("function", "contact.function is only for an action on this site (a path such as `/api/contact`)".into(), "remove the `function:` line");
                }
            }
            Some(a) if a.starts_with('/') && !a.starts_with("//") => match self.function.as_deref() {
                None => at(
                    "action",
                    format!("no static host answers a form posted to `{a}` unless a function serves that path"),
                    "say which host's function answers it: `function: netlify`, `cloudflare` or `vercel`; or post to an https:// endpoint",
                ),
                Some(f) if !FUNCTION_HOSTS.contains(&f) => at("function", format!("unknown function host `{f}`"), "choose `netlify`, `cloudflare` or `vercel`"),
                Some(_) => {}
            },
            Some(a) => at(
                "action",
                format!("contact.action `{a}` is neither an https:// address nor a path of this site"),
                "e.g. `action: \"https://forms.example.com/contact\"`",
            ),
        }
        if let Some(answer) = self.answer.as_deref() {
            if answer != "json" && answer != "redirect" {
                at("answer", format!("unknown answer `{answer}`"), "`json` (the endpoint answers JSON) or `redirect` (it redirects to the thank-you page)");
            }
        }
        for (field, wire) in &self.fields {
            if !FIELDS.contains(&field.as_str()) {
                at(
                    "fields",
                    format!("the form has no field `{field}`"),
                    "rename any of `name`, `email`, `company`, `plan`, `message`, e.g. `fields: { message: body }`",
                );
            } else if wire.trim().is_empty() || wire.contains(['"', '<', '>', '&']) {
                at("fields", format!("`{wire}` cannot be the name of the `{field}` field"), "use letters, digits, `-` or `_`");
            }
        }
    }

    fn set(&self, key: &str) -> bool {
        match key {
            "form_name" => self.form_name.is_some(),
            "form_id" => self.form_id.is_some(),
            "action" => self.action.is_some(),
            "function" => self.function.is_some(),
            "fields" => !self.fields.is_empty(),
            "honeypot" => self.honeypot.is_some(),
            "answer" => self.answer.is_some(),
            _ => false,
        }
    }
}

/// The error of a production build whose pages render a form that posts to `folio serve`'s
/// stub: what to set, with an example per provider.
pub fn no_provider_message(pages: &[String]) -> (String, String) {
    let shown = match pages {
        [one] => one.clone(),
        [one, rest @ ..] => format!("{one} and {} more", rest.len()),
        [] => "a page".into(),
    };
    (
        format!("{shown} shows the contact form, but no form provider is chosen: on the live site the form would post to a path no static host answers, and every message would be lost"),
        "add one of these under `contact:` in site.yaml (README, \"Publishing\"):\n        provider: netlify      Netlify Forms, for a site hosted on Netlify\n        provider: formspree    Formspree, any host, with  form_id: \"xyzabcde\"\n        provider: custom       your own endpoint, with  action: \"https://forms.example.com/contact\"\n      `folio serve` works without one and shows this as a warning".into(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn contact(yaml_text: &str) -> (ContactConfig, Vec<Diagnostic>) {
        let text = format!("contact:\n{yaml_text}");
        #[derive(Deserialize)]
        struct Doc {
            contact: ContactConfig,
        }
        let src = yaml::Source::file(crate::diag::Kind::Config, std::path::Path::new("site.yaml"), &text);
        let doc: Doc = yaml::parse_collecting::<Doc>(&text, src).value.unwrap();
        let problems = doc.contact.problems(src, &text);
        (doc.contact, problems)
    }

    #[test]
    fn netlify_alone_is_enough() {
        let (c, problems) = contact("  provider: netlify\n");
        assert!(problems.is_empty(), "{problems:?}");
        let f = c.form("Lanternfish");
        assert_eq!(f.action, "/contact/thanks/");
        assert_eq!(f.form_name.as_deref(), Some("contact"));
        assert_eq!(f.hidden, vec![("form-name".to_string(), "contact".to_string())]);
        assert_eq!(f.honeypot, "bot-field");
        assert_eq!(f.field_for_wire("bot-field"), Some("website"));
        assert_eq!(f.field_for_wire("email"), Some("email"));
        assert!(!f.off_site);
    }

    #[test]
    fn formspree_takes_an_id_or_the_whole_address() {
        for id in ["  form_id: xyzabcde\n", "  form_id: \"https://formspree.io/f/xyzabcde\"\n"] {
            let (c, problems) = contact(&format!("  provider: formspree\n{id}"));
            assert!(problems.is_empty(), "{problems:?}");
            let f = c.form("Lanternfish");
            assert_eq!(f.action, "https://formspree.io/f/xyzabcde");
            assert_eq!(f.honeypot, "_gotcha");
            assert!(f.off_site);
            assert_eq!(f.hidden[0].0, "_subject");
        }
        let (_, problems) = contact("  provider: formspree\n");
        assert!(problems[0].message.contains("needs the form's id"), "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn custom_endpoints_rename_fields_and_need_https_or_a_function() {
        let (c, problems) =
            contact("  provider: custom\n  action: https://forms.example.com/x\n  fields: { message: body }\n  honeypot: trap\n  answer: redirect\n");
        assert!(problems.is_empty(), "{problems:?}");
        let f = c.form("T");
        assert_eq!(f.wire_name("message"), "body");
        assert_eq!(f.field_for_wire("body"), Some("message"));
        assert_eq!(f.field_for_wire("trap"), Some("website"));
        assert_eq!(f.send, Send::Native);
        let (_, problems) = contact("  provider: custom\n  action: /api/lead\n");
        assert!(problems[0].message.contains("no static host answers"), "{problems:?}");
        let (c, problems) = contact("  provider: custom\n  action: /api/lead\n  function: cloudflare\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!c.form("T").off_site);
        let (_, problems) = contact("  provider: custom\n  action: http://forms.example.com/x\n");
        assert!(problems[0].message.contains("unencrypted"), "{problems:?}");
        let (_, problems) = contact("  provider: custom\n  action: https://x.example\n  fields: { phone: tel }\n");
        assert!(problems[0].message.contains("no field `phone`"), "{problems:?}");
    }

    #[test]
    fn misspelled_provider_and_keys_of_another_provider() {
        let (_, problems) = contact("  provider: netlfy\n");
        assert!(problems[0].message.contains("unknown form provider `netlfy`"));
        assert!(problems[0].help.as_deref().unwrap().contains("did you mean `netlify`"), "{problems:?}");
        let (_, problems) = contact("  provider: netlify\n  form_id: abc\n");
        assert!(problems[0].message.contains("not used with `provider: netlify`"), "{problems:?}");
        assert_eq!(problems[0].line, Some(3));
        let (_, problems) = contact("  form_id: abc\n");
        assert!(problems[0].message.contains("once `provider:` is chosen"), "{problems:?}");
    }

    #[test]
    fn no_provider_is_the_stub() {
        let (c, problems) = contact("  endpoint: /api/contact\n");
        assert!(problems.is_empty());
        let f = c.form("T");
        assert_eq!(f.provider, None);
        assert_eq!(f.action, "/api/contact");
        assert_eq!(f.send, Send::Stub);
    }
}
