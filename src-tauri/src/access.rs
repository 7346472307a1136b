//! What the webview may touch, decided here and nowhere else; the commands and the `srimg:`
//! protocol ask these checks.
//!
//! - Reading: pages of a location the user opened, by id (`opened_page`); for the seed's
//!   `imagePath`, a file the user opened (`opened_image`).
//! - Writing: a file the user chose in a save dialog, or one SRView wrote during this run; the
//!   seed's `savePath` may also be a new file inside the cache (`Access::seed_save_path`). An
//!   export goes to a folder chosen in the folder dialog, or to the default beside the folder read
//!   (`Access::export_target`).
//! - The cache: inside the app's cache folder only (`CacheRoots`).
//! - The models folder, whose plugins run as code: only one chosen in Rust's native dialog, kept
//!   in Rust's own record (`ModelsDirRecord`); a path from the webview is refused.
//! - `srimg:`: cache entries, opened pages by id, and the covers of books listed beside them
//!   (`srimg_target`).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use srview_core::sync::lock;
use srview_core::{ImageSource, Overwrite, ResultCache, SrError};
use tauri::http::StatusCode;

use crate::error::{blocking, AppError, AppResult};
use crate::export::{self, ExportRequest};
use crate::gallery::Gallery;

/// Asks the user where to save, suggesting a file name and extension; blocking.
pub type SaveDialog = dyn Fn(String, &'static str) -> Option<PathBuf> + Send + Sync;
/// Asks the user for a folder; blocking.
pub type FolderDialog = dyn Fn() -> Option<PathBuf> + Send + Sync;

/// The models folder the user chose in the folder dialog, kept by Rust in a file of its own
/// (`models-folder` in the app's config folder) that holds the folder's absolute path. The
/// webview's settings store writes only JSON objects, so it cannot write such a record: one
/// that does not start with `/` is ignored.
#[derive(Debug, Clone)]
pub struct ModelsDirRecord {
    file: PathBuf,
}

impl ModelsDirRecord {
    pub fn in_folder(config_dir: &Path) -> Self {
        ModelsDirRecord { file: config_dir.join("models-folder") }
    }

    /// The recorded folder, if there is a valid record. Blocking.
    pub fn read(&self) -> Option<PathBuf> {
        use std::os::unix::ffi::OsStrExt;
        let bytes = std::fs::read(&self.file).ok()?;
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
        path.is_absolute().then_some(path)
    }

    /// Records `dir`, or with `None` removes the record (the default folder then). Blocking.
    fn write(&self, dir: Option<&Path>) -> Result<(), SrError> {
        use std::os::unix::ffi::OsStrExt;
        match dir {
            Some(dir) => {
                srview_core::store::export::save_file(&self.file, dir.as_os_str().as_bytes(), Overwrite::Replace)
            }
            None => match std::fs::remove_file(&self.file) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(SrError::Io { path: self.file.display().to_string(), source: err })
                }
                _ => Ok(()),
            },
        }
    }
}

/// Where `init_sr_vulkan_manager` may put the cache: the app's own cache folder, or a folder
/// inside the folder that holds it (`~/.cache/dev.srview.app`), never one the webview names elsewhere.
#[derive(Debug, Clone)]
pub struct CacheRoots {
    default: PathBuf,
}

impl CacheRoots {
    pub fn new(default: PathBuf) -> Self {
        CacheRoots { default }
    }

    /// The cache root for `requested` (empty: the default). Blocking: it resolves links.
    pub fn resolve(&self, requested: &Path) -> Result<PathBuf, SrError> {
        if requested.as_os_str().is_empty() {
            return Ok(self.default.clone());
        }
        let app_folder = self.default.parent().unwrap_or(Path::new("/"));
        let refuse = || SrError::CacheRootRefused {
            path: requested.display().to_string(),
            reason: format!("the app keeps its cache inside {}", app_folder.display()),
        };
        let inside = requested.strip_prefix(app_folder).map_err(|_| refuse())?;
        if inside.as_os_str().is_empty() || !inside.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(refuse());
        }
        // No symbolic link may lead out: the deepest part that exists must resolve inside.
        let app_folder = app_folder.canonicalize().map_err(|_| refuse())?;
        let existing = requested.ancestors().find(|a| a.exists()).and_then(|a| a.canonicalize().ok());
        match existing {
            Some(existing) if existing.starts_with(&app_folder) => Ok(requested.to_path_buf()),
            _ => Err(refuse()),
        }
    }
}

/// The managed state of what the user granted during this run through Rust's native dialogs,
/// and the rules for the cache root and the models folder.
pub struct Access {
    cache_roots: CacheRoots,
    models_dir_record: ModelsDirRecord,
    save_dialog: OnceLock<Arc<SaveDialog>>,
    folder_dialog: OnceLock<Arc<FolderDialog>>,
    /// Files the user chose in a save dialog.
    chosen_files: Mutex<HashSet<PathBuf>>,
    /// Folders the user chose for exports.
    chosen_folders: Mutex<HashSet<PathBuf>>,
    /// Files `upscale_image_sr_vulkan` wrote, which it may write again.
    written_files: Mutex<HashSet<PathBuf>>,
}

impl Access {
    /// `default_cache_root`: the app's cache folder; `config_dir`: where Rust keeps its record of
    /// the models folder.
    pub fn new(default_cache_root: PathBuf, config_dir: &Path) -> Self {
        Access {
            cache_roots: CacheRoots::new(default_cache_root),
            models_dir_record: ModelsDirRecord::in_folder(config_dir),
            save_dialog: OnceLock::new(),
            folder_dialog: OnceLock::new(),
            chosen_files: Mutex::default(),
            chosen_folders: Mutex::default(),
            written_files: Mutex::default(),
        }
    }

    /// Installs the native save dialog (the app does at start; tests have none).
    pub fn set_save_dialog(&self, dialog: Arc<SaveDialog>) {
        let _ = self.save_dialog.set(dialog);
    }

    pub fn set_folder_dialog(&self, dialog: Arc<FolderDialog>) {
        let _ = self.folder_dialog.set(dialog);
    }

    fn folder_dialog(&self) -> AppResult<Arc<FolderDialog>> {
        self.folder_dialog.get().cloned().ok_or_else(|| AppError::Internal("no folder dialog in this build".into()))
    }

    /// The models folder the user chose in an earlier run, if Rust recorded one. Blocking.
    pub fn recorded_models_dir(&self) -> Option<PathBuf> {
        self.models_dir_record.read()
    }

    /// The cache root `requested` by the webview (empty: the default), or `cache_root_refused`.
    pub async fn cache_root(&self, requested: &str) -> AppResult<PathBuf> {
        let roots = self.cache_roots.clone();
        let requested = PathBuf::from(requested);
        Ok(blocking(move || roots.resolve(&requested)).await??)
    }

    /// Asks for the models folder in the native dialog and records it for the next start.
    /// Returns it, or nothing if cancelled.
    pub async fn choose_models_dir(&self) -> AppResult<Option<PathBuf>> {
        let ask = self.folder_dialog()?;
        let record = self.models_dir_record.clone();
        blocking(move || {
            let Some(dir) = ask() else { return Ok(None) };
            record.write(Some(&dir))?;
            Ok(Some(dir))
        })
        .await?
    }

    /// Forgets the chosen models folder: the default one is used from the next start too.
    pub async fn forget_models_dir(&self) -> AppResult<()> {
        let record = self.models_dir_record.clone();
        Ok(blocking(move || record.write(None)).await??)
    }

    /// Asks where to save in the native save dialog (which asks before replacing a file); the
    /// file chosen may then be written and replaced. Nothing if cancelled.
    pub async fn choose_save_path(&self, suggested: String, extension: &'static str) -> AppResult<Option<PathBuf>> {
        let ask =
            self.save_dialog.get().cloned().ok_or_else(|| AppError::Internal("no save dialog in this build".into()))?;
        let chosen = blocking(move || ask(suggested, extension)).await?;
        if let Some(path) = &chosen {
            self.allow_save_path(path);
        }
        Ok(chosen)
    }

    /// Asks for the folder an export goes to; an export may then write into it. Nothing if cancelled.
    pub async fn choose_export_folder(&self) -> AppResult<Option<PathBuf>> {
        let ask = self.folder_dialog()?;
        let chosen = blocking(move || ask()).await?;
        if let Some(folder) = &chosen {
            self.allow_export_folder(folder);
        }
        Ok(chosen)
    }

    /// Lets a file be written and replaced, as when the user chose it in a save dialog.
    pub fn allow_save_path(&self, path: &Path) {
        lock(&self.chosen_files).insert(path.to_path_buf());
    }

    /// Lets an export write into `folder`, as when the user chose it in the folder dialog.
    pub fn allow_export_folder(&self, folder: &Path) {
        lock(&self.chosen_folders).insert(folder.to_path_buf());
    }

    /// Remembers a file `upscale_image_sr_vulkan` wrote, so writing it again may replace it.
    pub fn wrote_file(&self, path: &Path) {
        lock(&self.written_files).insert(path.to_path_buf());
    }

    /// The seed's `savePath` (empty: none) and how it may be written: over it when the user chose
    /// it in a save dialog or this run wrote it; otherwise only as a new file inside `cache`, never
    /// over anything there (`output_exists`). Anything else is `save_path_not_chosen`.
    pub async fn seed_save_path(
        &self,
        save_path: &str,
        cache: AppResult<ResultCache>,
    ) -> AppResult<(Option<PathBuf>, Overwrite)> {
        if save_path.trim().is_empty() {
            return Ok((None, Overwrite::Never));
        }
        let path = PathBuf::from(save_path);
        if lock(&self.chosen_files).contains(&path) || lock(&self.written_files).contains(&path) {
            return Ok((Some(path), Overwrite::Replace));
        }
        let not_chosen = || AppError::SavePathNotChosen(path.display().to_string());
        let cache = cache.map_err(|_| not_chosen())?;
        let root = tokio::fs::canonicalize(cache.root()).await.map_err(|_| not_chosen())?;
        let folder = match path.parent() {
            Some(parent) if path.file_name().is_some() => tokio::fs::canonicalize(parent).await.ok(),
            _ => None,
        };
        if !folder.is_some_and(|folder| folder.starts_with(&root)) {
            return Err(not_chosen());
        }
        if tokio::fs::symlink_metadata(&path).await.is_ok() {
            return Err(SrError::OutputExists(path.display().to_string()).into());
        }
        Ok((Some(path), Overwrite::Never))
    }

    /// The source and destination of an export: the source must be a location the user opened
    /// (`not_opened`), the destination a folder chosen in the dialog (`save_path_not_chosen`),
    /// or, when none is given, the default beside the folder read (`export::default_destination`).
    pub fn export_target(&self, gallery: &Gallery, request: &ExportRequest) -> AppResult<(PathBuf, PathBuf)> {
        let source = PathBuf::from(&request.source);
        if !gallery.is_opened_location(&source) {
            return Err(AppError::NotOpened(request.source.clone()));
        }
        let destination = match &request.destination {
            Some(folder) if lock(&self.chosen_folders).contains(Path::new(folder)) => PathBuf::from(folder),
            Some(folder) => return Err(AppError::SavePathNotChosen(folder.clone())),
            None => export::default_destination(&source, request.layout, &request.options),
        };
        Ok((source, destination))
    }
}

/// A models folder named by the webview: only the empty path (the default folder) is accepted;
/// any other is `models_dir_not_chosen`, as the folder is chosen in Rust's dialog alone.
pub fn models_dir_from_webview(path: &str) -> AppResult<()> {
    if path.is_empty() {
        Ok(())
    } else {
        Err(AppError::ModelsDirNotChosen(path.to_owned()))
    }
}

/// An opened page by id, or `not_opened`.
pub fn opened_page(gallery: &Gallery, page_id: u32) -> AppResult<ImageSource> {
    gallery.page(page_id).ok_or_else(|| AppError::NotOpened(format!("page {page_id}")))
}

/// The seed's `imagePath`, when it is a file the user opened (after resolving links), or `not_opened`.
pub async fn opened_image(gallery: &Gallery, image_path: &str) -> AppResult<PathBuf> {
    let image = PathBuf::from(image_path);
    let canonical = tokio::fs::canonicalize(&image).await.ok();
    match canonical {
        Some(path) if gallery.is_opened_file(&path) => Ok(image),
        _ => Err(AppError::NotOpened(image_path.to_owned())),
    }
}

/// What a `srimg:` path may be answered with.
pub enum SrimgTarget {
    /// A cache entry (`/cache/<2 hex>/<64 hex>.<ext>`).
    CacheEntry(PathBuf),
    /// An opened page (`/page/<id>`).
    Page(ImageSource),
    /// An opened page's thumbnail (`/thumb/<id>`).
    Thumbnail(ImageSource),
    /// The cover of a book the shelf listed (`/cover/<id>`).
    Cover(PathBuf),
    /// A finished tile of a page being upscaled (`/tile/<id>`).
    Tile(u64),
}

/// What `path` of a `srimg:` URL names, if the webview may load it; otherwise the status to
/// answer with. Nothing but cache entries and opened pages is served.
pub fn srimg_target(path: &str, cache: Option<ResultCache>, gallery: &Gallery) -> Result<SrimgTarget, StatusCode> {
    if let Some(relative) = path.strip_prefix("/cache/") {
        let relative = Path::new(relative);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(StatusCode::FORBIDDEN);
        }
        let cache = cache.ok_or(StatusCode::NOT_FOUND)?;
        let file = cache.root().join(relative);
        return if cache.is_entry(&file) { Ok(SrimgTarget::CacheEntry(file)) } else { Err(StatusCode::FORBIDDEN) };
    }
    let page = |id: &str| -> Result<ImageSource, StatusCode> {
        let id: u32 = id.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
        gallery.page(id).ok_or(StatusCode::FORBIDDEN)
    };
    if let Some(id) = path.strip_prefix("/cover/") {
        let id: u32 = id.parse().map_err(|_| StatusCode::BAD_REQUEST)?;
        return gallery.cover(id).map(SrimgTarget::Cover).ok_or(StatusCode::FORBIDDEN);
    }
    if let Some(id) = path.strip_prefix("/tile/") {
        return id.parse().map(SrimgTarget::Tile).map_err(|_| StatusCode::BAD_REQUEST);
    }
    if let Some(id) = path.strip_prefix("/thumb/") {
        return page(id).map(SrimgTarget::Thumbnail);
    }
    if let Some(id) = path.strip_prefix("/page/") {
        return page(id).map(SrimgTarget::Page);
    }
    Err(StatusCode::NOT_FOUND)
}
