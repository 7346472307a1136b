//! The model chosen by what the page is: rules, the first that matches wins, decide the model
//! and scale of each page whose request asks for the model `auto`.
//!
//! A rule tests any of: greyscale or colour (`is_greyscale`, from the pixels), the page's height
//! in pixels, its height against the target height (the screen's, in the viewer), and a glob on
//! its path or book name. A test left empty matches every page.
//!
//! **Greyscale, from the pixels.** Up to `SAMPLES` pixels are read on an even grid over the
//! first frame. A pixel is coloured when its channels spread, `max(r, g, b) − min(r, g, b)`,
//! is above `COLOUR_SPREAD` (24 of 255): JPEG's colour noise on a black-and-white scan stays
//! below that. A page is greyscale when at most `COLOUR_SHARE` (1 %) of its samples are
//! coloured, so a coloured speck or a small stamp does not make it colour. An image stored
//! grey (no colour channels) is greyscale without looking. Yellowed or sepia scans spread
//! more than 24 and count as colour.
//!
//! **The default rules** (`default_rules`), for a manga book read on a screen:
//! 1. "Already large enough": a page at least as tall as the target height is not upscaled.
//! 2. "Black-and-white pages": waifu2x UpConv7 anime. Black-and-white pages are line art and
//!    screentone, what waifu2x was trained on; they are most of a manga book, so they get the
//!    fastest installed network, the one that keeps up with reading on a CPU (issue 21's rule:
//!    about 19 s for a 2 MP page on 2 CPU cores, 3× faster than CUNet; fractions of a second on a GPU).
//! 3. "Colour pages": Real-CUGAN standard. Colour pages carry gradients and colour, where
//!    Real-CUGAN (trained on anime art at a larger scale) keeps them cleaner; they are few in
//!    a manga book (covers, inserts), so its cost (about 65 s a page on 2 CPU cores, keeping up
//!    on a GPU) falls on those pages only.
//!
//! Both upscale "to the target": 2× when that reaches the target height, else 4×.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use image::{DynamicImage, GenericImageView};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SrError};

/// The model name that asks for the rules.
pub const AUTO_MODEL: &str = "auto";
/// The target height when none is given: a 4K screen's (the CLI's default).
pub const DEFAULT_TARGET_HEIGHT: u32 = 2160;
/// A sampled pixel whose channels spread more than this (of 255) is coloured.
pub const COLOUR_SPREAD: u8 = 24;
/// A page is greyscale when at most this share of its sampled pixels are coloured.
pub const COLOUR_SHARE: f64 = 0.01;
/// At most this many pixels are sampled for the greyscale test.
pub const SAMPLES: u64 = 65_536;

/// Whether `model` asks for the rules.
pub fn is_auto(model: &str) -> bool {
    model.trim().eq_ignore_ascii_case(AUTO_MODEL)
}

/// Greyscale or colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ColourTest {
    #[default]
    Any,
    Greyscale,
    Colour,
}

/// The page's height against the target height.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum TargetTest {
    #[default]
    Any,
    /// Shorter than the target height.
    Below,
    /// At least the target height.
    Reached,
}

/// How much a rule upscales.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum RuleScale {
    /// 2× when that reaches the target height, else 4×.
    #[default]
    ToTarget,
    Factor {
        factor: f64,
    },
}

/// One rule: its tests (empty ones match every page), and what a page it matches gets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct ModelRule {
    /// Shown in the status line and the CLI's `--json`.
    pub name: String,
    /// A default rule's stable id (`DEFAULT_RULE_IDS`), by which the viewer and the CLI show its
    /// name in the reader's language; none for a rule the user wrote, whose name is shown as written.
    pub id: Option<String>,
    pub colour: ColourTest,
    /// The page is at least this many pixels tall.
    pub min_height: Option<u32>,
    /// The page is at most this many pixels tall.
    pub max_height: Option<u32>,
    pub target: TargetTest,
    /// A glob on the page's path (in a book: the book's path, `/`, the page's path inside it)
    /// or its file name; `*` crosses folders, case is ignored.
    pub glob: Option<String>,
    /// Not upscaled: the page is shown (or exported) as it is.
    pub skip: bool,
    pub model: String,
    pub scale: RuleScale,
}

/// The rules, and the height they upscale towards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct ModelRules {
    pub rules: Vec<ModelRule>,
    pub target_height: u32,
}

impl Default for ModelRules {
    fn default() -> Self {
        ModelRules { rules: default_rules(), target_height: DEFAULT_TARGET_HEIGHT }
    }
}

/// The ids of the default rules, in their order.
pub const DEFAULT_RULE_IDS: [&str; 3] = ["alreadyLargeEnough", "blackAndWhitePages", "colourPages"];

/// The default rules (see the module docs for why each).
pub fn default_rules() -> Vec<ModelRule> {
    vec![
        ModelRule {
            name: "Already large enough".into(),
            id: Some(DEFAULT_RULE_IDS[0].into()),
            target: TargetTest::Reached,
            skip: true,
            ..ModelRule::default()
        },
        ModelRule {
            name: "Black-and-white pages".into(),
            id: Some(DEFAULT_RULE_IDS[1].into()),
            colour: ColourTest::Greyscale,
            model: "WAIFU2X_ANIME_UP2X".into(),
            ..ModelRule::default()
        },
        ModelRule {
            name: "Colour pages".into(),
            id: Some(DEFAULT_RULE_IDS[2].into()),
            colour: ColourTest::Colour,
            model: "REALCUGAN_SE_UP2X".into(),
            ..ModelRule::default()
        },
    ]
}

/// What the rules chose for a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Chosen {
    Upscale { rule: String, model: String, factor: f64 },
    Skip { rule: String },
}

/// What the rules look at: the page's names and size; whether it is greyscale is asked only
/// when a rule tests it.
pub struct PageFacts<'a> {
    /// The page's path (in a book: `book path/inner path`) and its file name.
    pub names: &'a [String],
    pub height: u32,
}

impl ModelRules {
    /// The first rule that matches the page; `greyscale` is called at most once, and only when
    /// a rule before the match needs it. A page no rule matches is an error that says so.
    pub fn choose(&self, page: &PageFacts, greyscale: impl FnOnce() -> Result<bool>) -> Result<Chosen> {
        let mut greyscale = Some(greyscale);
        let mut known: Option<bool> = None;
        for rule in &self.rules {
            if !rule.matches_without_colour(page, self.target_height)? {
                continue;
            }
            let colour_fits = match rule.colour {
                ColourTest::Any => true,
                test => {
                    let grey = match known {
                        Some(grey) => grey,
                        None => {
                            let grey = (greyscale.take().expect("asked once"))()?;
                            known = Some(grey);
                            grey
                        }
                    };
                    grey == (test == ColourTest::Greyscale)
                }
            };
            if colour_fits {
                return rule.chosen(page.height, self.target_height);
            }
        }
        Err(SrError::InvalidOption(format!(
            "no model rule matches {}; add a last rule without conditions",
            page.names.first().map(String::as_str).unwrap_or("the page")
        )))
    }

    /// Whether any rule needs to know if a page is greyscale.
    pub fn tests_colour(&self) -> bool {
        self.rules.iter().any(|rule| rule.colour != ColourTest::Any)
    }
}

impl ModelRule {
    fn matches_without_colour(&self, page: &PageFacts, target_height: u32) -> Result<bool> {
        let height_fits = self.min_height.is_none_or(|min| page.height >= min)
            && self.max_height.is_none_or(|max| page.height <= max);
        let target_fits = match self.target {
            TargetTest::Any => true,
            TargetTest::Below => page.height < target_height,
            TargetTest::Reached => page.height >= target_height,
        };
        if !(height_fits && target_fits) {
            return Ok(false);
        }
        match self.glob.as_deref().map(str::trim).filter(|glob| !glob.is_empty()) {
            None => Ok(true),
            Some(glob) => {
                let matcher = self.matcher(glob)?;
                Ok(page.names.iter().any(|name| matcher.is_match(name)))
            }
        }
    }

    fn matcher(&self, glob: &str) -> Result<GlobMatcher> {
        GlobBuilder::new(glob)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .map(|g| g.compile_matcher())
            .map_err(|err| {
                SrError::InvalidOption(format!("the rule “{}” has a pattern that cannot be used: {err}", self.name))
            })
    }

    fn chosen(&self, height: u32, target_height: u32) -> Result<Chosen> {
        let rule = self.name.clone();
        if self.skip {
            return Ok(Chosen::Skip { rule });
        }
        if self.model.trim().is_empty() || is_auto(&self.model) {
            return Err(SrError::InvalidOption(format!("the rule “{}” names no model", self.name)));
        }
        let factor = match self.scale {
            RuleScale::ToTarget => scale_to_reach(height, target_height),
            RuleScale::Factor { factor } => factor,
        };
        Ok(Chosen::Upscale { rule, model: self.model.clone(), factor })
    }
}

/// 2× when that reaches `target_height`, else 4×.
pub fn scale_to_reach(height: u32, target_height: u32) -> f64 {
    if height as u64 * 2 >= target_height as u64 {
        2.0
    } else {
        4.0
    }
}

/// The names a glob is matched against: the path (`/`-joined in a book) and the file name.
pub fn page_names(display_name: &str, file_name: &Path) -> Vec<String> {
    let path = display_name.replace(" › ", "/");
    let file = file_name.to_string_lossy().into_owned();
    if file == path {
        vec![path]
    } else {
        vec![path, file]
    }
}

/// Whether the image is black and white (see the module docs for the method and threshold).
pub fn is_greyscale(image: &DynamicImage) -> bool {
    use image::ColorType::*;
    if matches!(image.color(), L8 | La8 | L16 | La16) {
        return true;
    }
    let (width, height) = image.dimensions();
    let pixels = width as u64 * height as u64;
    if pixels == 0 {
        return true;
    }
    let step = ((pixels as f64 / SAMPLES as f64).sqrt().ceil() as u32).max(1);
    let (mut sampled, mut coloured) = (0u64, 0u64);
    for y in (step / 2..height).step_by(step as usize) {
        for x in (step / 2..width).step_by(step as usize) {
            let [r, g, b, _] = image.get_pixel(x, y).0;
            let spread = r.max(g).max(b) - r.min(g).min(b);
            sampled += 1;
            coloured += u64::from(spread > COLOUR_SPREAD);
        }
    }
    coloured as f64 <= COLOUR_SHARE * sampled as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};
    use std::io::Cursor;

    fn rule(name: &str) -> ModelRule {
        ModelRule { name: name.into(), model: "WAIFU2X_CUNET_UP2X".into(), ..ModelRule::default() }
    }

    fn facts(names: &[String], height: u32) -> PageFacts<'_> {
        PageFacts { names, height }
    }

    fn choose(rules: &ModelRules, name: &str, height: u32, grey: bool) -> Result<Chosen> {
        let names = page_names(name, Path::new(name.rsplit('/').next().unwrap()));
        rules.choose(&facts(&names, height), || Ok(grey))
    }

    fn rule_of(chosen: Result<Chosen>) -> String {
        match chosen.unwrap() {
            Chosen::Upscale { rule, .. } | Chosen::Skip { rule } => rule,
        }
    }

    /// A manga-like page: grey gradients and black lines, through a real codec.
    fn encoded(image: &DynamicImage, format: ImageFormat) -> DynamicImage {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        image::load_from_memory(&bytes).unwrap()
    }

    fn grey_page_as_rgb() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(300, 420, |x, y| {
            let v = if (x / 7 + y / 5) % 9 == 0 { 20 } else { (200 + (x * 3 + y) % 50) as u8 };
            Rgb([v, v, v])
        }))
    }

    fn colour_page() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(300, 420, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128])))
    }

    #[test]
    fn a_black_and_white_page_saved_as_colour_jpeg_is_greyscale() {
        let page = encoded(&grey_page_as_rgb(), ImageFormat::Jpeg);
        assert_eq!(page.color(), image::ColorType::Rgb8, "the test needs colour channels");
        assert!(is_greyscale(&page));
        assert!(is_greyscale(&encoded(&grey_page_as_rgb().grayscale(), ImageFormat::Png)));
    }

    #[test]
    fn a_colour_page_is_colour_and_a_small_coloured_stamp_is_not() {
        assert!(!is_greyscale(&encoded(&colour_page(), ImageFormat::Jpeg)));
        let mut stamped = grey_page_as_rgb().to_rgb8();
        for y in 10..30 {
            for x in 10..30 {
                stamped.put_pixel(x, y, Rgb([220, 20, 20])); // 400 of 126,000 pixels: 0.3 %
            }
        }
        assert!(is_greyscale(&encoded(&DynamicImage::ImageRgb8(stamped.clone()), ImageFormat::Png)));
        for y in 30..120 {
            for x in 10..120 {
                stamped.put_pixel(x, y, Rgb([220, 20, 20])); // now about 8 %
            }
        }
        assert!(!is_greyscale(&encoded(&DynamicImage::ImageRgb8(stamped), ImageFormat::Png)));
    }

    #[test]
    fn the_default_rules_skip_tall_pages_and_split_black_and_white_from_colour() {
        let rules = ModelRules { rules: default_rules(), target_height: 1600 };
        let ids: Vec<_> = rules.rules.iter().map(|rule| rule.id.as_deref()).collect();
        assert_eq!(ids, DEFAULT_RULE_IDS.map(Some), "the default rules are named by their ids in each language");
        assert_eq!(
            choose(&rules, "/b/p1.png", 1600, true).unwrap(),
            Chosen::Skip { rule: "Already large enough".into() }
        );
        let Chosen::Upscale { rule, model, factor } = choose(&rules, "/b/p1.png", 900, true).unwrap() else { panic!() };
        assert_eq!((rule.as_str(), model.as_str(), factor), ("Black-and-white pages", "WAIFU2X_ANIME_UP2X", 2.0));
        let Chosen::Upscale { rule, model, factor } = choose(&rules, "/b/p1.png", 500, false).unwrap() else {
            panic!()
        };
        assert_eq!((rule.as_str(), model.as_str(), factor), ("Colour pages", "REALCUGAN_SE_UP2X", 4.0));
    }

    #[test]
    fn the_first_match_wins_and_colour_is_looked_at_only_when_needed() {
        let rules = ModelRules {
            rules: vec![
                ModelRule { max_height: Some(100), ..rule("tiny") },
                ModelRule { colour: ColourTest::Colour, ..rule("colour") },
                rule("rest"),
            ],
            target_height: 1000,
        };
        let names = vec!["/a/p.png".to_owned()];
        let never = || -> Result<bool> { panic!("the colour test ran for a page the first rule took") };
        assert_eq!(rule_of(rules.choose(&facts(&names, 80), never)), "tiny");
        let mut calls = 0;
        let chosen = rules.choose(&facts(&names, 500), || {
            calls += 1;
            Ok(true)
        });
        assert_eq!((rule_of(chosen), calls), ("rest".to_owned(), 1));
        assert_eq!(rule_of(choose(&rules, "/a/p.png", 500, false)), "colour");
    }

    #[test]
    fn heights_against_pixels_and_the_target() {
        let rules = ModelRules {
            rules: vec![
                ModelRule { min_height: Some(2000), max_height: Some(3000), ..rule("2000 to 3000") },
                ModelRule { target: TargetTest::Below, ..rule("below") },
                ModelRule { target: TargetTest::Reached, ..rule("reached") },
            ],
            target_height: 1080,
        };
        assert_eq!(rule_of(choose(&rules, "p.png", 2000, true)), "2000 to 3000");
        assert_eq!(rule_of(choose(&rules, "p.png", 3001, true)), "reached");
        assert_eq!(rule_of(choose(&rules, "p.png", 1079, true)), "below");
        assert_eq!(rule_of(choose(&rules, "p.png", 1080, true)), "reached");
    }

    #[test]
    fn globs_match_the_path_the_book_and_the_file_name() {
        let rules = ModelRules {
            rules: vec![
                ModelRule { glob: Some("*/Colour Vol*".into()), ..rule("book") },
                ModelRule { glob: Some("cover.*".into()), ..rule("file") },
                ModelRule { glob: Some("".into()), ..rule("empty glob matches all") },
            ],
            target_height: 1080,
        };
        let in_book = |book: &str, inner: &str| {
            let display = format!("{book} › {inner}");
            let names = page_names(&display, Path::new(inner.rsplit('/').next().unwrap()));
            rule_of(rules.choose(&facts(&names, 500), || Ok(true)))
        };
        assert_eq!(in_book("/lib/colour vol 2.cbz", "ch1/001.png"), "book");
        assert_eq!(in_book("/lib/Mono Vol 2.cbz", "extras/Cover.JPG"), "file");
        assert_eq!(in_book("/lib/Mono Vol 2.cbz", "ch1/001.png"), "empty glob matches all");
        let broken =
            ModelRules { rules: vec![ModelRule { glob: Some("[a".into()), ..rule("broken") }], target_height: 9 };
        let err = choose(&broken, "p.png", 5, true).unwrap_err();
        assert_eq!(err.kind(), "invalid_option");
        assert!(err.to_string().contains("“broken”"), "{err}");
    }

    #[test]
    fn no_match_and_no_model_are_clear_errors() {
        let rules = ModelRules { rules: vec![ModelRule { colour: ColourTest::Colour, ..rule("c") }], target_height: 9 };
        let err = choose(&rules, "/a/p.png", 5, true).unwrap_err();
        assert!(err.to_string().contains("no model rule matches /a/p.png"), "{err}");
        let no_model =
            ModelRules { rules: vec![ModelRule { name: "empty".into(), ..ModelRule::default() }], target_height: 9 };
        assert!(choose(&no_model, "p.png", 5, true).unwrap_err().to_string().contains("names no model"));
    }

    #[test]
    fn to_target_takes_2x_when_it_reaches_else_4x() {
        assert_eq!(scale_to_reach(540, 1080), 2.0);
        assert_eq!(scale_to_reach(539, 1080), 4.0);
        let rules = ModelRules {
            rules: vec![ModelRule { scale: RuleScale::Factor { factor: 1.5 }, ..rule("fixed") }],
            target_height: 1080,
        };
        let Chosen::Upscale { factor, .. } = choose(&rules, "p.png", 100, true).unwrap() else { panic!() };
        assert_eq!(factor, 1.5);
    }

    #[test]
    fn rules_read_back_from_json_with_defaults_for_what_is_missing() {
        let rules: ModelRules =
            serde_json::from_str(r#"{"rules":[{"name":"x","model":"M","scale":{"mode":"factor","factor":2}}]}"#)
                .unwrap();
        assert_eq!(rules.target_height, DEFAULT_TARGET_HEIGHT);
        assert_eq!(rules.rules[0].colour, ColourTest::Any);
        assert_eq!(rules.rules[0].scale, RuleScale::Factor { factor: 2.0 });
        let round: ModelRules = serde_json::from_str(&serde_json::to_string(&ModelRules::default()).unwrap()).unwrap();
        assert_eq!(round, ModelRules::default());
    }
}
