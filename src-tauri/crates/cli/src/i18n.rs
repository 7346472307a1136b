//! srview's human output in the reader's language: Project Fluent catalogues (locales/*.ftl),
//! the language from LC_ALL, LC_MESSAGES and LANG (`sys-locale`). `--json` stays as it is.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use srview_core::models::rules::{ModelRules, DEFAULT_RULE_IDS};
use srview_core::SrError;
use unic_langid::LanguageIdentifier;

/// Each language with its catalogue; English first, the fallback.
pub const CATALOGUES: [(&str, &str); 3] = [
    ("en", include_str!("../locales/en.ftl")),
    ("ja", include_str!("../locales/ja.ftl")),
    ("zh-CN", include_str!("../locales/zh-CN.ftl")),
];

/// The catalogue for `locale` ("ja-JP", "zh_CN.UTF-8", "C"): its language, else English.
pub fn language_of(locale: Option<&str>) -> &'static str {
    let tag = locale.unwrap_or_default().split(['.', '@']).next().unwrap_or_default().replace('_', "-").to_lowercase();
    match tag.split('-').next().unwrap_or_default() {
        "ja" => "ja",
        "zh" => "zh-CN",
        _ => "en",
    }
}

pub fn bundle(language: &str) -> FluentBundle<FluentResource> {
    let (language, source) = CATALOGUES.iter().find(|(l, _)| *l == language).unwrap_or(&CATALOGUES[0]);
    let id: LanguageIdentifier = language.parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the output is a terminal's, not a page's.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source.to_string()).expect("the catalogues parse (tested)");
    bundle.add_resource(resource).expect("no message is defined twice (tested)");
    bundle
}

struct Catalogues {
    chosen: FluentBundle<FluentResource>,
    english: FluentBundle<FluentResource>,
}

static CHOSEN: OnceLock<Catalogues> = OnceLock::new();

fn catalogues() -> &'static Catalogues {
    CHOSEN.get_or_init(|| Catalogues {
        chosen: bundle(language_of(sys_locale::get_locale().as_deref())),
        english: bundle("en"),
    })
}

/// The language the output is in.
pub fn language() -> &'static str {
    catalogues().chosen.locales[0].language.as_str()
}

/// The text of message `id` with `args`, in the chosen language (English where it lacks one).
pub fn text(id: &str, args: &[(&str, FluentValue)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let catalogues = catalogues();
    for bundle in [&catalogues.chosen, &catalogues.english] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text: Cow<str> = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            return text.into_owned();
        }
    }
    id.to_owned()
}

/// `t!("id")`, `t!("id", name = value, …)`: a message of the catalogue.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::text($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($id, &[$((stringify!($name), fluent_bundle::FluentValue::from($value))),+])
    };
}

/// An error as the reader sees it: the engine's message in English; otherwise a sentence for
/// its kind, then the message as the detail.
pub fn describe_error(err: &SrError) -> String {
    if language() == "en" {
        return err.to_string();
    }
    let sentence = text(&format!("kind-{}", err.kind()), &[]);
    text("error-detail", &[("sentence", sentence.into()), ("detail", err.to_string().into())])
}

/// The ids of the rules in use by their names: the default rules'.
static RULE_IDS: OnceLock<HashMap<String, &'static str>> = OnceLock::new();

/// The rules `--model auto` follows; those with a default rule's id are named in the language.
pub fn use_rule_names(rules: &ModelRules) {
    let ids = rules.rules.iter().filter_map(|rule| {
        let id = DEFAULT_RULE_IDS.iter().find(|id| rule.id.as_deref() == Some(**id))?;
        Some((rule.name.clone(), *id))
    });
    let _ = RULE_IDS.set(ids.collect());
}

/// A rule's name as the reader reads it: a default rule's from the catalogue (`rule-<id>`), a
/// rule the user wrote as written.
pub fn rule_label(name: &str) -> String {
    match RULE_IDS.get().and_then(|ids| ids.get(name)) {
        Some(id) => text(&format!("rule-{id}"), &[]),
        None => name.to_owned(),
    }
}

/// Why a page was kept as it is: a rule's leaving it, in the reader's words, else as an error.
pub fn kept_reason(reason: &str) -> String {
    let by_rule = reason.strip_prefix("the rule “").and_then(|rest| rest.strip_suffix("” leaves this page as it is"));
    match by_rule {
        Some(rule) => crate::t!("kept-by-rule", rule = rule_label(rule)),
        None => describe_error(&SrError::Skipped(reason.to_owned())),
    }
}

/// How many columns `text` takes on a terminal: CJK characters take two.
pub fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// `text` padded with spaces to `columns` on a terminal.
pub fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}

/// `text` right-aligned in `columns` on a terminal.
pub fn pad_left(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, errors)| panic!("{errors:?}"));
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message_english_has() {
        let english = ids(CATALOGUES[0].1);
        assert!(english.len() > 100, "{}", english.len());
        for (language, source) in &CATALOGUES[1..] {
            let own = ids(source);
            assert_eq!(english.difference(&own).collect::<Vec<_>>(), Vec::<&String>::new(), "{language} lacks these");
            assert_eq!(
                own.difference(&english).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{language} has these extra"
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        for (language, source) in CATALOGUES {
            let bundle = bundle(language);
            for id in ids(source) {
                let pattern =
                    bundle.get_message(&id).and_then(|m| m.value()).unwrap_or_else(|| panic!("{language} {id}"));
                // Every variable given, as the code gives them: a missing one is an error.
                let mut args = FluentArgs::new();
                for name in variables(CATALOGUES[0].1, &id) {
                    args.set(name, FluentValue::from(2));
                }
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{language} {id}: {errors:?} in {text}");
            }
        }
    }

    /// The `$variables` English's message `id` uses (its line, and the indented ones after it).
    fn variables(source: &str, id: &str) -> BTreeSet<String> {
        let mut lines = source.lines().skip_while(|line| !line.starts_with(&format!("{id} =")));
        let first = lines.next().unwrap_or_else(|| panic!("{id}"));
        let body =
            std::iter::once(first).chain(lines.take_while(|line| line.starts_with(' '))).collect::<Vec<_>>().join("\n");
        body.split('$').skip(1).map(|v| v.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()).collect()
    }

    #[test]
    fn the_default_rules_are_named_in_every_language() {
        for (language, _) in CATALOGUES {
            let bundle = bundle(language);
            for id in DEFAULT_RULE_IDS {
                assert!(bundle.get_message(&format!("rule-{id}")).is_some(), "{language} rule-{id}");
            }
        }
        assert_eq!(rule_label("My own rule"), "My own rule", "a rule the user wrote keeps its name");
    }

    #[test]
    fn the_locale_chooses_the_language() {
        assert_eq!(language_of(Some("ja_JP.UTF-8")), "ja");
        assert_eq!(language_of(Some("ja-JP")), "ja");
        assert_eq!(language_of(Some("zh_CN.UTF-8")), "zh-CN");
        assert_eq!(language_of(Some("C.UTF-8")), "en");
        assert_eq!(language_of(Some("de_DE")), "en");
        assert_eq!(language_of(None), "en");
    }

    #[test]
    fn cjk_takes_two_columns() {
        assert_eq!(width("yes"), 3);
        assert_eq!(width("はい"), 4);
        assert_eq!(pad("是", 4), "是  ");
    }

    /// Literals that are not text for a person: names, keys of the JSON output, and doctor's
    /// `[ok]` mark.
    const NOT_TEXT: [&str; 17] = [
        "/dev/null",
        "error",
        "summary",
        "stats",
        "startup",
        "deviceMemory",
        "checks",
        "sr_vulkan",
        "python",
        "vulkan",
        "onnxruntime",
        "--no-cache",
        "a valid language tag",
        "-",
        "srview",
        "warn",
        "ok",
    ];

    /// Each string literal of `source` with a word in it that is neither a catalogue id (`t!`),
    /// a panic message (`expect`), in an attribute or a comment, nor on the list above.
    fn printed_literals(source: &str) -> Vec<String> {
        let code = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with("#["))
            .collect::<Vec<_>>()
            .join("\n");
        let mut found = Vec::new();
        let mut rest = code.as_str();
        let mut consumed = 0;
        while let Some(start) = rest.find('"') {
            let before = code[..consumed + start].trim_end();
            let body = &rest[start + 1..];
            let mut end = body.len();
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let literal = &body[..end];
            consumed += start + 1 + (end + 1).min(body.len());
            rest = &code[consumed.min(code.len())..];
            let has_word = words_of(literal).chars().filter(|c| c.is_alphabetic()).count() >= 2;
            let call = |name: &str| {
                before.strip_suffix(name).is_some_and(|head| !head.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
            };
            let exempt = call("t!(") || call("expect(") || NOT_TEXT.contains(&literal);
            if has_word && !exempt {
                found.push(literal.to_owned());
            }
        }
        found
    }

    /// What a format string says in words: without its `{…}` placeholders, its escapes
    /// (`\\n`) and units every language writes alike.
    fn words_of(literal: &str) -> String {
        let mut text = String::new();
        let (mut depth, mut chars) = (0, literal.chars());
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '{' => depth += 1,
                '}' => depth = (depth - 1).max(0),
                _ if depth == 0 => text.push(c),
                _ => {}
            }
        }
        text.split_whitespace().filter(|word| !["ms", "MiB", "dB"].contains(word)).collect::<Vec<_>>().join(" ")
    }

    /// The functions of main.rs and compare.rs that print or word an error.
    fn printing_functions(source: &str, names: &[&str]) -> String {
        names
            .iter()
            .map(|name| {
                let start = source.find(&format!("fn {name}(")).unwrap_or_else(|| panic!("fn {name}"));
                let end = source[start..].find("\n}\n").map_or(source.len(), |end| start + end);
                &source[start..end]
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn printed_text_comes_from_the_catalogue() {
        assert_eq!(printed_literals(include_str!("output.rs")), Vec::<String>::new(), "output.rs");
        let main = printing_functions(
            include_str!("main.rs"),
            &["parse_timeout", "output_format", "use_model_rules", "upscale", "watch_signals", "doctor"],
        );
        assert_eq!(printed_literals(&main), Vec::<String>::new(), "main.rs");
        let compare = printing_functions(include_str!("compare.rs"), &["compare"]);
        assert_eq!(printed_literals(&compare), Vec::<String>::new(), "compare.rs");
    }

    #[test]
    fn the_scan_finds_a_planted_literal() {
        let planted =
            "out.message(&format!(\"removed {} entries\", n));\nlet x = t!(\"fine-id\");\nlet y = \"{a}: {b}\";";
        assert_eq!(printed_literals(planted), vec!["removed {} entries".to_owned()]);
    }
}
