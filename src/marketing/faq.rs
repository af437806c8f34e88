//! FAQ topics: `content/faq/<topic>.md` (each `## ` heading a question, the Markdown under it
//! the answer) or `content/faq/<topic>.yaml` (`questions: [{question, answer}]`). Both become one
//! [`FaqTopic`].

use crate::diag::{Diagnostic, Kind};
use crate::load::SourceFile;
use crate::parse::front_matter;
use crate::parse::markdown::{heading_id, unique_id};
use crate::yaml;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub question: String,
    /// Anchor on the topic page, unique within the topic.
    pub id: String,
    #[serde(skip)]
    pub answer_md: String,
    /// Line of the answer's first line in the source file (for diagnostics).
    #[serde(skip)]
    pub answer_line: usize,
    /// Columns before each of the answer's lines in the file: a YAML block's indentation, or
    /// where a one-line YAML string starts; 0 in a Markdown topic.
    #[serde(skip)]
    pub answer_col_offset: usize,
    pub answer: String,
}

#[derive(Debug, Clone)]
pub struct FaqTopic {
    /// Content key, e.g. `faq/working-with-us.yaml`.
    pub key: String,
    pub shown: PathBuf,
    /// Full text of the source file (for diagnostic snippets).
    pub text: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub questions: Vec<Question>,
    /// Warnings about the file (curly quotes around a front-matter value), reported with the
    /// marketing data's other problems.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlTopic {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    questions: Vec<YamlQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlQuestion {
    question: String,
    answer: String,
}

/// Most questions one topic may hold.
pub const MAX_QUESTIONS: usize = 500;

/// The slug of the topic in `rel` (`faq/billing.md` → `billing`).
fn topic_slug(rel: &str) -> String {
    let stem = rel.trim_start_matches("faq/").rsplit_once('.').map_or(rel, |(s, _)| s);
    crate::text::slugify(stem)
}

/// The address of the topic in `rel` (`faq/billing.md` → `/faq/billing/`).
pub fn topic_url(rel: &str) -> String {
    format!("/faq/{}/", topic_slug(rel))
}

pub fn parse(f: &SourceFile) -> Result<FaqTopic, Vec<Diagnostic>> {
    let slug = topic_slug(&f.rel);
    let mut topic = FaqTopic {
        key: f.rel.clone(),
        shown: f.shown.clone(),
        text: f.text.clone(),
        url: topic_url(&f.rel),
        slug,
        title: String::new(),
        description: None,
        weight: 0,
        questions: Vec::new(),
        warnings: Vec::new(),
    };
    let mut raw: Vec<(String, String, usize, usize)> = Vec::new();
    if f.rel.ends_with(".md") {
        let parsed = front_matter::parse(&f.shown, &f.text, false)?;
        topic.title = parsed.meta.title.clone().unwrap_or_default();
        topic.description = parsed.meta.description.clone();
        topic.weight = parsed.meta.weight;
        topic.warnings = parsed.warnings.clone();
        let mut in_fence: Option<&str> = None;
        let mut current: Option<(String, String, usize, usize)> = None;
        for (i, line) in parsed.body.lines().enumerate() {
            let file_line = parsed.body_line_offset + i + 1;
            let t = line.trim_start();
            if let Some(fence) = in_fence {
                if t.starts_with(fence) {
                    in_fence = None;
                }
            } else if t.starts_with("```") || t.starts_with("~~~") {
                in_fence = Some(&t[..3]);
            } else if let Some(q) = line.strip_prefix("## ") {
                if let Some(done) = current.take() {
                    raw.push(done);
                }
                current = Some((q.trim().to_string(), String::new(), file_line + 1, 0));
                continue;
            }
            if let Some((_, answer, ..)) = current.as_mut() {
                answer.push_str(line);
                answer.push('\n');
            }
        }
        raw.extend(current);
    } else {
        let src = yaml::Source::file(Kind::Marketing, &f.shown, &f.text);
        let t: YamlTopic = yaml::parse(&f.text, src).map_err(|d| vec![d])?;
        topic.title = t.title;
        topic.description = t.description;
        topic.weight = t.weight;
        let mut search_from = 0;
        for q in t.questions {
            // Locate the question in the file for diagnostics.
            let line = f.text[search_from..].find(&q.question).map(|off| {
                search_from += off;
                crate::diag::line_col(&f.text, search_from).0
            });
            let (line, col_offset) = match (line, answer_start(&f.text, search_from)) {
                (Some(_), Some(start)) => start,
                (line, _) => (line.unwrap_or(1) + 1, 0),
            };
            raw.push((q.question, q.answer, line, col_offset));
        }
    }
    let mut errors = Vec::new();
    if raw.is_empty() {
        let (line, col) = if f.rel.ends_with(".md") {
            let body_line = f
                .text
                .lines()
                .position(|l| l.trim() == "---")
                .and_then(|first| f.text.lines().skip(first + 1).position(|l| l.trim() == "---").map(|second| first + second + 3));
            (body_line.unwrap_or(1).min(f.text.lines().count().max(1)), 1)
        } else {
            crate::yaml::key_position(&f.text, "questions").unwrap_or((1, 1))
        };
        errors.push(
            Diagnostic::at(&f.shown, &f.text, line, col, format!("FAQ topic `{}` has no questions", topic.title))
                .with_help(if f.rel.ends_with(".md") {
                    "write each question as a `## Question?` heading with its answer below it"
                } else {
                    "add `questions:` with items `- question: \"…\"` and `answer: \"…\"`"
                })
                .kind(Kind::Marketing),
        );
    }
    if raw.len() > MAX_QUESTIONS {
        errors.push(
            Diagnostic::file(&f.shown, format!("{} questions in one topic, over the limit of {MAX_QUESTIONS}", raw.len()))
                .with_help("split the topic into several files")
                .kind(Kind::Marketing),
        );
    }
    let mut used = HashSet::new();
    for (question, answer, line, col_offset) in raw {
        if question.is_empty() || answer.trim().is_empty() {
            errors.push(
                Diagnostic::at(
                    &f.shown,
                    &f.text,
                    line.saturating_sub(1).max(1),
                    1,
                    if question.is_empty() { "FAQ question is empty" } else { "FAQ question has no answer" },
                )
                .with_help("every question needs text and an answer below it")
                .kind(Kind::Marketing),
            );
            continue;
        }
        let id = unique_id(heading_id(&question), &mut used);
        topic.questions.push(Question { question, id, answer_md: answer, answer_line: line, answer_col_offset: col_offset, answer: String::new() });
    }
    if errors.is_empty() {
        Ok(topic)
    } else {
        Err(errors)
    }
}

/// Where the text of the first `answer:` after byte `from` of a YAML topic starts: the line of
/// its first line and the columns before each line — for a block (`answer: |`, `>-`…) the line
/// after the key and the block's indentation, for a one-line value its line and where it starts
/// (after an opening quote). `None` when there is no `answer:` key.
fn answer_start(text: &str, from: usize) -> Option<(usize, usize)> {
    let key = from + text.get(from..)?.find("answer:")?;
    let (line, _) = crate::diag::line_col(text, key);
    let after = &text[key + "answer:".len()..];
    let rest = after.lines().next().unwrap_or("");
    let value = rest.trim_start();
    if value.starts_with('|') || value.starts_with('>') {
        let indent = after.lines().skip(1).find(|l| !l.trim().is_empty()).map_or(0, |l| l.len() - l.trim_start().len());
        return Some((line + 1, indent));
    }
    let quote = usize::from(value.starts_with('"') || value.starts_with('\''));
    let (_, value_col) = crate::diag::line_col(text, key + "answer:".len() + (rest.len() - value.len()));
    Some((line, value_col - 1 + quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile { rel: rel.into(), shown: PathBuf::from(format!("content/{rel}")), text: text.into() }
    }

    #[test]
    fn markdown_topic_questions_from_h2() {
        let t =
            parse(&file("faq/cto.md", "---\ntitle: CTO\n---\nIntro ignored\n## What is it?\nAn answer.\n\n```\n## not a question\n```\n## Why?\nBecause.\n"))
                .unwrap();
        assert_eq!(t.url, "/faq/cto/");
        assert_eq!(t.questions.len(), 2);
        assert_eq!(t.questions[0].id, "what-is-it");
        assert!(t.questions[0].answer_md.contains("## not a question"));
        assert_eq!(t.questions[1].answer_line, 12);
    }

    #[test]
    fn yaml_answers_are_placed_where_their_text_is() {
        let text = "title: T\nquestions:\n  - question: \"One?\"\n    answer: \"Yes.\"\n  - question: \"Two?\"\n    answer: |\n\n      First.\n      Second.\n";
        let t = parse(&file("faq/t.yaml", text)).unwrap();
        let placed: Vec<(usize, usize)> = t.questions.iter().map(|q| (q.answer_line, q.answer_col_offset)).collect();
        // "Yes." is at line 4, column 14; the block's first line is 7 (a blank one), indented 6.
        assert_eq!(placed, [(4, 13), (7, 6)]);
    }

    #[test]
    fn yaml_topic_and_empty_topic_error() {
        let t = parse(&file("faq/w.yaml", "title: W\nquestions:\n  - question: \"Q1?\"\n    answer: \"A1\"\n")).unwrap();
        assert_eq!(t.questions[0].question, "Q1?");
        let e = parse(&file("faq/e.yaml", "title: E\nquestions: []\n")).unwrap_err();
        assert!(e[0].message.contains("has no questions"));
    }
}
