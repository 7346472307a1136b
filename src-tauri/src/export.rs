//! Exporting the open folder or book, or the books of the open folder: a batch in the
//! background, one at a time, reported over a `Channel` and cancellable.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use srview_core::batch::{self, BatchProgress, BatchSpec, BatchSummary, Layout, PageReport};
use srview_core::books::book::has_book_extension;
use srview_core::models::rules::ModelRules;
use srview_core::sync::lock;
use srview_core::{Bookshelf, CancellationToken, Engine, Overwrite, SrError, UpscaleOptions};

use crate::error::{blocking, AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ExportLayout {
    /// Image files, mirroring the source.
    Folder,
    /// One .cbz per book.
    Cbz,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// The folder or book that is open.
    pub source: String,
    /// A folder chosen with `choose_export_folder`; none: beside the source.
    pub destination: Option<String>,
    pub layout: ExportLayout,
    /// `{name}`, `{scale}`, `{model}`, `{ext}`.
    pub pattern: String,
    pub options: UpscaleOptions,
    /// With the model `auto`: the rules that choose each page's model (the viewer's).
    #[serde(default)]
    pub model_rules: Option<ModelRules>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportEvent {
    pub page: PageReport,
    pub progress: BatchProgress,
}

/// `folder`'s sibling `<name> (upscaled)`, or none for a folder without a name (`/`).
fn upscaled_sibling(folder: &Path) -> Option<PathBuf> {
    let name = folder.file_name()?.to_string_lossy();
    Some(folder.with_file_name(format!("{name} (upscaled)")))
}

/// The file SRView leaves in each folder its default exports make, so that they are known as its
/// own without the record (another config, another machine).
pub const FOLDER_MARK: &str = ".srview-export";

/// Whether `folder` was made by an export of SRView: it holds `FOLDER_MARK`. Blocking.
fn is_marked(folder: &Path) -> bool {
    folder.join(FOLDER_MARK).is_file()
}

/// `folder`, or when a folder of the user's has that name, `folder (2)`, `folder (3)`, …: an
/// export never writes into the user's own folder. Blocking.
fn own_folder(folder: PathBuf) -> PathBuf {
    let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    (1..)
        .map(|n| if n == 1 { folder.clone() } else { folder.with_file_name(format!("{name} ({n})")) })
        .find(|f| !f.exists() || is_marked(f))
        .expect("an unused name")
}

/// Where an export goes when no folder was chosen: never inside the library read, and never
/// into a folder of the user's (a folder of that name that SRView did not make gives way to
/// `… (2)`). A book goes to its library's sibling, `Library (upscaled)`, where one book written
/// as a .cbz is `Library (upscaled)/Vol 1_x2.cbz`; a folder of images (a book too) to
/// `Library (upscaled)/Photo Folder`; a folder of books to its sibling `Photos (upscaled)`.
/// Blocking: it reads the folder.
pub fn default_destination(source: &Path, layout: ExportLayout, options: &UpscaleOptions) -> PathBuf {
    let stem =
        source.file_stem().or_else(|| source.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let library = source.parent().unwrap_or(Path::new("/"));
    let shelf = upscaled_sibling(library).map(own_folder);
    if !has_book_extension(source) {
        let folder_book = crate::gallery::holds_images(source).then(|| Some(shelf?.join(source.file_name()?)));
        return match folder_book.flatten() {
            Some(folder) => own_folder(folder),
            None => {
                upscaled_sibling(source).map(own_folder).unwrap_or_else(|| source.join(format!("{stem} (upscaled)")))
            }
        };
    }
    let Some(shelf) = shelf else { return library.join(format!("{stem} (upscaled)")) };
    if layout == ExportLayout::Cbz {
        let scale = srview_core::models::options::size_label(options.size);
        return shelf.join(format!("{stem}_{scale}.cbz"));
    }
    shelf
}

/// The outputs SRView's exports made: the folders they created and the books they wrote. Rust
/// keeps them in a file of its own (`exports` in the app's config folder, one absolute path a
/// line), so that the books list and "next book" never offer them, wherever they were written.
/// (A `.cbz` SRView wrote also carries `batch::EXPORT_MARK` in its archive comment.)
#[derive(Clone, Default)]
pub struct ExportRecord {
    file: Option<PathBuf>,
    /// The paths, oldest first; read from the file when first needed.
    paths: Arc<Mutex<Option<Vec<PathBuf>>>>,
}

/// The record keeps the most recent outputs only.
const RECORDED_OUTPUTS: usize = 2000;

impl ExportRecord {
    pub fn in_folder(config_dir: &Path) -> Self {
        ExportRecord { file: Some(config_dir.join("exports")), paths: Arc::default() }
    }

    fn paths(&self) -> MutexGuard<'_, Option<Vec<PathBuf>>> {
        let mut paths = lock(&self.paths);
        if paths.is_none() {
            let text = self.file.as_ref().and_then(|f| std::fs::read(f).ok()).unwrap_or_default();
            let lines = text.split(|&b| b == b'\n').filter(|l| l.starts_with(b"/"));
            *paths = Some(lines.map(|l| PathBuf::from(OsStr::from_bytes(l))).collect());
        }
        paths
    }

    /// Whether SRView wrote `path`: recorded, a .cbz with SRView's mark, or a folder with its
    /// `FOLDER_MARK`. Blocking.
    pub fn wrote(&self, path: &Path) -> bool {
        self.paths().iter().flatten().any(|p| p == path)
            || (path.is_file() && batch::is_srview_export(path))
            || (path.is_dir() && is_marked(path))
    }

    /// Records outputs (absolute paths). Blocking.
    pub fn add(&self, outputs: impl IntoIterator<Item = PathBuf>) -> Result<(), SrError> {
        let mut guard = self.paths();
        let paths = guard.get_or_insert_with(Vec::new);
        for output in outputs {
            paths.retain(|p| *p != output);
            paths.push(output);
        }
        let excess = paths.len().saturating_sub(RECORDED_OUTPUTS);
        paths.drain(..excess);
        let Some(file) = &self.file else { return Ok(()) };
        let text: Vec<u8> = paths.iter().flat_map(|p| [p.as_os_str().as_bytes(), b"\n"].concat()).collect();
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder).map_err(|e| io_error(folder, e))?;
        }
        srview_core::store::export::save_file(file, &text, Overwrite::Replace)
    }
}

fn io_error(path: &Path, source: std::io::Error) -> SrError {
    SrError::Io { path: path.display().to_string(), source }
}

/// Creates the default destination's folder (a book's .cbz: the folder that holds it) and the
/// `Library (upscaled)` above it, when the export starts, each marked as SRView's; the library's
/// folder must exist. Returns the folders this call created. Blocking.
fn create_default_folder(destination: &Path) -> Result<Vec<PathBuf>, SrError> {
    let folder = if has_book_extension(destination) { destination.parent() } else { Some(destination) };
    let Some(folder) = folder else { return Ok(Vec::new()) };
    let mut made = Vec::new();
    let levels: Vec<&Path> = folder.ancestors().take(2).collect();
    for folder in levels.into_iter().rev() {
        match std::fs::create_dir(folder) {
            Ok(()) => {
                let mark = folder.join(FOLDER_MARK);
                srview_core::store::export::save_file(&mark, batch::EXPORT_MARK.as_bytes(), Overwrite::Never)?;
                made.push(folder.to_path_buf());
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(err) => return Err(io_error(folder, err)),
        }
    }
    Ok(made)
}

/// Removes the folders an export made (innermost first) that still hold nothing but their mark,
/// as after a cancel before the first page. A folder with anything else in it stays. Blocking.
fn remove_unused_folders(made: &[PathBuf]) {
    for folder in made.iter().rev() {
        let Ok(entries) = std::fs::read_dir(folder) else { continue };
        let names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        if names == [std::ffi::OsStr::new(FOLDER_MARK)] {
            let _ = std::fs::remove_file(folder.join(FOLDER_MARK)).and_then(|()| std::fs::remove_dir(folder));
        }
    }
}

/// What an export is about to create where it writes: the books (.cbz) and the folders below
/// `destination` that do not exist yet. Folders and files that exist are the user's, or were
/// recorded when SRView made them. Blocking.
fn outputs_to_come(destination: &Path, targets: &[PathBuf]) -> Vec<PathBuf> {
    let root = if destination.is_dir() { destination } else { destination.parent().unwrap_or(destination) };
    let mut outputs: Vec<PathBuf> = Vec::new();
    for target in targets {
        let Ok(inside) = target.strip_prefix(root) else { continue };
        let Some(first) = inside.components().next() else { continue };
        let output = root.join(first);
        let nested = inside.components().count() > 1;
        if (nested || has_book_extension(&output)) && !output.exists() && !outputs.contains(&output) {
            outputs.push(output);
        }
    }
    outputs
}

/// The managed state of exports: the one in progress, if any, and the record of what they made.
#[derive(Default)]
pub struct Exports {
    running: Mutex<Option<CancellationToken>>,
    record: ExportRecord,
}

/// Marks an export as running until it is dropped: when the export ends, fails, panics or
/// its command is dropped, the next export may start.
struct Running<'a> {
    exports: &'a Exports,
    token: CancellationToken,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *lock(&self.exports.running) = None;
    }
}

impl Exports {
    pub fn new(record: ExportRecord) -> Self {
        Exports { running: Mutex::default(), record }
    }

    fn begin(&self) -> AppResult<Running<'_>> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Err(AppError::InvalidArgument("an export is already running; cancel it or wait for it".into()));
        }
        let token = CancellationToken::new();
        *running = Some(token.clone());
        Ok(Running { exports: self, token })
    }

    /// Cancels the running export: queued pages are dropped; the page that is running
    /// finishes into the cache. Returns whether one was running.
    pub fn cancel(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Plans and runs an export, opening books through `shelf`; `report` hears about each page in
    /// order. With `create_folder` (the default destination), its folder is made first. What the
    /// export will create is recorded before it is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        engine: Engine,
        shelf: Bookshelf,
        source: PathBuf,
        destination: PathBuf,
        create_folder: bool,
        request: &ExportRequest,
        report: impl FnMut(&PageReport, &BatchProgress),
    ) -> AppResult<BatchSummary> {
        let running = self.begin()?;
        let made = if create_folder {
            let (record, destination) = (self.record.clone(), destination.clone());
            blocking(move || {
                let made = create_default_folder(&destination)?;
                record.add(made.clone())?;
                Ok::<_, SrError>(made)
            })
            .await??
        } else {
            Vec::new()
        };
        if let Some(rules) = &request.model_rules {
            // The engine's own rules are only for requests without theirs: the viewer sends its with each page.
            engine.set_model_rules(rules.clone());
        }
        let pattern = request.pattern.clone();
        let spec = BatchSpec {
            inputs: vec![source],
            output: Some(destination.clone()),
            layout: match request.layout {
                ExportLayout::Folder => Layout::Files { pattern },
                ExportLayout::Cbz => Layout::Cbz { pattern },
            },
            options: request.options.clone(),
            overwrite: Overwrite::Never,
            window: 0,
        };
        let plan = batch::plan_with(shelf, &spec).await?;
        let (record, targets) = (self.record.clone(), plan.targets());
        blocking(move || record.add(outputs_to_come(&destination, &targets))).await??;
        let summary = batch::run(&engine, plan, &spec, running.token.clone(), report).await;
        if summary.written.is_empty() {
            blocking(move || remove_unused_folders(&made)).await?;
        }
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use srview_core::{DeviceChoice, EngineConfig, SizeRequest};

    use super::*;

    fn shelf() -> Bookshelf {
        Bookshelf::new(srview_core::Limits::default())
    }

    fn page_folder(dir: &Path) -> PathBuf {
        let pages = dir.join("pages");
        std::fs::create_dir(&pages).unwrap();
        image::RgbImage::from_fn(12, 10, |x, y| image::Rgb([(x * 20) as u8, (y * 20) as u8, 90]))
            .save(pages.join("p1.png"))
            .unwrap();
        pages
    }

    /// Real sr_vulkan in CPU mode; the panic is injected where a caller's code runs: the report.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_during_an_export_does_not_block_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let pages = page_folder(dir.path());
        let config = EngineConfig {
            device: DeviceChoice::Cpu,
            cache_root: Some(dir.path().join("cache")),
            ..EngineConfig::default()
        };
        let engine = tokio::task::spawn_blocking(move || Engine::start(config)).await.unwrap().unwrap();
        let request = ExportRequest {
            source: pages.display().to_string(),
            destination: None,
            layout: ExportLayout::Folder,
            pattern: "{name}_x{scale}.{ext}".into(),
            options: UpscaleOptions {
                model: "WAIFU2X_ANIME_UP2X".into(),
                size: SizeRequest::Scale { factor: 2.0 },
                ..UpscaleOptions::default()
            },
            model_rules: None,
        };
        let exports = Arc::new(Exports::default());

        let panicking = {
            let (exports, engine, pages, request) = (exports.clone(), engine.clone(), pages.clone(), request.clone());
            let out = dir.path().join("first");
            tokio::spawn(async move {
                exports.run(engine, shelf(), pages, out, false, &request, |_, _| panic!("a bug while reporting")).await
            })
        };
        assert!(panicking.await.unwrap_err().is_panic());

        let out = dir.path().join("second");
        let summary = exports.run(engine, shelf(), pages, out.clone(), false, &request, |_, _| {}).await.unwrap();
        assert_eq!((summary.total, summary.failures.len()), (1, 0), "{summary:?}");
        let written = image::open(out.join("p1_x2.webp")).unwrap();
        assert_eq!((written.width(), written.height()), (24, 20));
        assert!(!exports.cancel(), "no export is left marked as running");
    }

    #[test]
    fn the_record_keeps_what_exports_made_across_starts_beside_the_users_files() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir(&config).unwrap();
        std::fs::write(config.join("settings.json"), b"{\"user\": true}").unwrap();
        std::fs::write(config.join("exports"), b"not a path\n/m/old (upscaled)\n").unwrap();
        let record = ExportRecord::in_folder(&config);
        assert!(record.wrote(Path::new("/m/old (upscaled)")), "an earlier run's record is read");
        let made: Vec<PathBuf> = (0..RECORDED_OUTPUTS + 5).map(|i| PathBuf::from(format!("/m/out {i}"))).collect();
        record.add(made.clone()).unwrap();

        let later = ExportRecord::in_folder(&config);
        assert!(later.wrote(made.last().unwrap()) && later.wrote(&made[5]));
        assert!(
            !later.wrote(&made[4]) && !later.wrote(Path::new("/m/old (upscaled)")),
            "only the most recent are kept"
        );
        assert!(!later.wrote(Path::new("not a path")) && !later.wrote(Path::new("/m/Library")));
        assert_eq!(std::fs::read(config.join("settings.json")).unwrap(), b"{\"user\": true}");
        let names: Vec<_> = std::fs::read_dir(&config).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    }

    #[test]
    fn the_default_folder_is_made_once_and_a_users_file_in_its_place_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let shelf = dir.path().join("Library (upscaled)");
        let book = shelf.join("Vol 1_x2.cbz");
        assert_eq!(create_default_folder(&book).unwrap(), [shelf.clone()]);
        assert!(shelf.is_dir() && is_marked(&shelf));
        assert!(create_default_folder(&book).unwrap().is_empty(), "made already: not recorded again");
        let photos = dir.path().join("Photos (upscaled)");
        std::fs::write(&photos, b"the user's file").unwrap();
        assert!(create_default_folder(&photos).is_err());
        assert_eq!(std::fs::read(&photos).unwrap(), b"the user's file");
    }

    fn engine(dir: &Path) -> Engine {
        let config =
            EngineConfig { device: DeviceChoice::Cpu, cache_root: Some(dir.join("cache")), ..EngineConfig::default() };
        Engine::start(config).unwrap()
    }

    /// A library of two books (`Vol 1.cbz`, `Vol 2.cbz`, two pages each) and a folder of photos.
    fn library(dir: &Path) -> PathBuf {
        let library = dir.join("Library");
        let pages = dir.join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        std::fs::create_dir_all(library.join("Photo Folder")).unwrap();
        for (i, name) in ["p1.png", "p2.png"].iter().enumerate() {
            let page =
                image::RgbImage::from_fn(12, 10, |x, y| image::Rgb([(x * 20) as u8, (y * 20) as u8, 40 * i as u8]));
            page.save(pages.join(name)).unwrap();
            page.save(library.join("Photo Folder").join(name)).unwrap();
        }
        for book in ["Vol 1.cbz", "Vol 2.cbz"] {
            let zipped = std::process::Command::new("zip")
                .args(["-q", library.join(book).to_str().unwrap(), "p1.png", "p2.png"])
                .current_dir(&pages)
                .status()
                .unwrap();
            assert!(zipped.success());
        }
        library
    }

    fn request(source: &Path, layout: ExportLayout) -> ExportRequest {
        ExportRequest {
            source: source.display().to_string(),
            destination: None,
            layout,
            pattern: "{name}_x{scale}.{ext}".into(),
            options: UpscaleOptions {
                model: "WAIFU2X_ANIME_UP2X".into(),
                size: SizeRequest::Scale { factor: 2.0 },
                ..UpscaleOptions::default()
            },
            model_rules: None,
        }
    }

    /// With the model `auto`, an export follows the rules it was sent (the viewer's).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_export_with_the_model_auto_follows_the_rules_it_was_sent() {
        use srview_core::models::rules::{ModelRule, RuleScale};
        let dir = tempfile::tempdir().unwrap();
        let pages = page_folder(dir.path());
        let root = dir.path().to_path_buf();
        let engine = tokio::task::spawn_blocking(move || engine(&root)).await.unwrap();
        let rule = ModelRule {
            name: "Everything".into(),
            model: "WAIFU2X_CUNET_UP2X".into(),
            scale: RuleScale::Factor { factor: 1.5 },
            ..ModelRule::default()
        };
        let mut request = request(&pages, ExportLayout::Folder);
        request.options.model = "auto".into();
        request.model_rules = Some(ModelRules { rules: vec![rule], target_height: 1080 });
        let out = dir.path().join("out");
        let mut models = Vec::new();
        let summary = Exports::default()
            .run(engine, shelf(), pages, out.clone(), false, &request, |page, _| {
                let detail = page.detail.as_ref().expect("upscaled");
                models.push((detail.model.clone(), detail.rule.clone()));
            })
            .await
            .unwrap();
        assert_eq!((summary.total, summary.failures.len()), (1, 0), "{summary:?}");
        assert_eq!(models, [("WAIFU2X_CUNET_UP2X".to_owned(), Some("Everything".to_owned()))]);
        let written = image::open(out.join("p1_xauto.webp")).unwrap();
        assert_eq!((written.width(), written.height()), (18, 15));
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn exports_go_beside_the_library_never_into_a_users_folder() {
        let dir = tempfile::tempdir().unwrap();
        let library = library(dir.path());
        let photos = library.join("Photo Folder");
        let options = request(&photos, ExportLayout::Folder).options;
        let shelf = dir.path().join("Library (upscaled)");
        let to = default_destination(&photos, ExportLayout::Folder, &options);
        assert_eq!(to, shelf.join("Photo Folder"));
        assert_eq!(
            default_destination(&library, ExportLayout::Folder, &options),
            shelf,
            "a folder of books: its sibling"
        );
        assert_eq!(create_default_folder(&to).unwrap(), [shelf.clone(), to.clone()]);
        let record = ExportRecord::default();
        assert!(record.wrote(&shelf) && record.wrote(&to), "known as SRView's by their mark alone");
        assert_eq!(
            default_destination(&photos, ExportLayout::Folder, &options),
            to,
            "SRView's own folder is used again"
        );

        // In SRView's own shelf, a folder of the user's with the book's name is never written into.
        std::fs::remove_dir_all(&to).unwrap();
        std::fs::create_dir_all(&to).unwrap();
        std::fs::write(to.join("p1_x2.webp"), b"the user's").unwrap();
        let beside = default_destination(&photos, ExportLayout::Folder, &options);
        assert_eq!(beside, shelf.join("Photo Folder (2)"));
        assert_eq!(create_default_folder(&beside).unwrap(), [beside.clone()]);
        assert!(!record.wrote(&to));
        assert_eq!(std::fs::read(to.join("p1_x2.webp")).unwrap(), b"the user's");

        // A user's folder named like the shelf is not written into either: a book, as files or
        // as a .cbz, and a folder of images go to `Library (upscaled) (2)`.
        std::fs::remove_dir_all(&shelf).unwrap();
        std::fs::create_dir_all(&shelf).unwrap();
        std::fs::write(shelf.join("mine.txt"), b"the user's").unwrap();
        let second = dir.path().join("Library (upscaled) (2)");
        let book = library.join("Vol 1.cbz");
        assert_eq!(default_destination(&book, ExportLayout::Folder, &options), second);
        assert_eq!(default_destination(&book, ExportLayout::Cbz, &options), second.join("Vol 1_x2.cbz"));
        let to = default_destination(&photos, ExportLayout::Folder, &options);
        assert_eq!(to, second.join("Photo Folder"));
        assert_eq!(create_default_folder(&to).unwrap(), [second.clone(), to.clone()]);
        assert!(!record.wrote(&shelf) && record.wrote(&second));
        assert_eq!(std::fs::read_dir(&shelf).unwrap().count(), 1, "nothing was added to the user's folder");
        assert_eq!(std::fs::read(shelf.join("mine.txt")).unwrap(), b"the user's");
    }

    #[test]
    fn folders_an_export_made_and_left_empty_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("Library (upscaled)").join("Photo Folder");
        let made = create_default_folder(&to).unwrap();
        assert_eq!(made.len(), 2);
        remove_unused_folders(&made);
        assert!(!dir.path().join("Library (upscaled)").exists(), "both were empty but for their mark");

        let made = create_default_folder(&to).unwrap();
        std::fs::write(made[0].join("notes.txt"), b"the user's").unwrap();
        let unmarked = dir.path().join("Yours");
        std::fs::create_dir(&unmarked).unwrap();
        remove_unused_folders(&[made.clone(), vec![unmarked.clone()]].concat());
        assert!(!to.exists(), "the inner one was empty");
        assert_eq!(std::fs::read(made[0].join("notes.txt")).unwrap(), b"the user's");
        assert!(
            made[0].join(FOLDER_MARK).is_file() && unmarked.is_dir(),
            "a folder with more in it, or without the mark, stays"
        );
    }

    #[test]
    fn the_default_destination_is_beside_the_folder_read_never_inside_it() {
        let options = request(Path::new("/x"), ExportLayout::Cbz).options;
        let book = Path::new("/m/Library/Manga Vol 1.cbz");
        assert_eq!(
            default_destination(book, ExportLayout::Cbz, &options),
            Path::new("/m/Library (upscaled)/Manga Vol 1_x2.cbz")
        );
        assert_eq!(default_destination(book, ExportLayout::Folder, &options), Path::new("/m/Library (upscaled)"));
        let folder = Path::new("/m/Chapter 1.5");
        assert_eq!(default_destination(folder, ExportLayout::Folder, &options), Path::new("/m/Chapter 1.5 (upscaled)"));
        assert_eq!(default_destination(folder, ExportLayout::Cbz, &options), Path::new("/m/Chapter 1.5 (upscaled)"));
    }

    /// Real sr_vulkan in CPU mode. The default export of `Vol 1` goes to `Library (upscaled)`,
    /// made when it starts; exported again into the library itself (a folder the user chose),
    /// as a .cbz and as image files, neither output is listed as a book or offered as the next
    /// one. The user's files beside them are untouched.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn exports_are_never_listed_as_books_nor_offered_as_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let library = library(dir.path()).canonicalize().unwrap();
        let before = srview_test_support::snapshot(&library);
        let root = dir.path().to_path_buf();
        let engine = tokio::task::spawn_blocking(move || engine(&root)).await.unwrap();
        let record = ExportRecord::in_folder(&dir.path().join("config"));
        let exports = Exports::new(record.clone());
        let vol1 = library.join("Vol 1.cbz");

        let cbz = request(&vol1, ExportLayout::Cbz);
        let to = default_destination(&vol1, ExportLayout::Cbz, &cbz.options);
        let summary =
            exports.run(engine.clone(), shelf(), vol1.clone(), to.clone(), true, &cbz, |_, _| {}).await.unwrap();
        assert_eq!((summary.written.clone(), summary.failures.len()), (vec![to.clone()], 0), "{summary:?}");
        assert!(to.starts_with(dir.path().canonicalize().unwrap().join("Library (upscaled)")), "{}", to.display());
        assert_eq!(srview_test_support::snapshot(&library), before, "the library is untouched");
        assert!(batch::is_srview_export(&to), "the .cbz carries SRView's mark");
        assert!(!batch::is_srview_export(&vol1));

        // Into the library, as a chosen folder: `Vol 1_x2.cbz`, then `Vol 1/p1_x2.webp`, ….
        let (cbz, files) = (request(&vol1, ExportLayout::Cbz), request(&vol1, ExportLayout::Folder));
        let into_library =
            |request| exports.run(engine.clone(), shelf(), vol1.clone(), library.clone(), false, request, |_, _| {});
        let summary = into_library(&cbz).await.unwrap();
        assert_eq!(names(&summary.written), ["Vol 1_x2.cbz"], "{summary:?}");
        let summary = into_library(&files).await.unwrap();
        assert_eq!(summary.written.len(), 2, "{summary:?}");
        assert!(summary.written.iter().all(|w| w.starts_with(library.join("Vol 1"))), "{summary:?}");

        for outputs in [record.clone(), ExportRecord::in_folder(&dir.path().join("config"))] {
            let listing = crate::gallery::list(&vol1, &shelf(), &outputs).ok().unwrap();
            assert_eq!(names(&listing.books), ["Photo Folder", "Vol 1.cbz", "Vol 2.cbz"]);
            assert_eq!(listing.next_book.as_deref(), Some(library.join("Vol 2.cbz").as_path()));
        }
        // Without the record, the .cbz is still known by its mark; the image folder is not.
        let listing = crate::gallery::list(&vol1, &shelf(), &ExportRecord::default()).ok().unwrap();
        assert_eq!(names(&listing.books), ["Photo Folder", "Vol 1", "Vol 1.cbz", "Vol 2.cbz"]);
        let after = srview_test_support::snapshot(&library);
        for (file, bytes) in &before {
            assert_eq!(after.get(file), Some(bytes), "{} changed", file.display());
        }
    }
}
