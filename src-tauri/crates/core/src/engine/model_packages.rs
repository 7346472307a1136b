//! sr_vulkan's model packages: which are installed, the folder that links them when they
//! are not beside sr_vulkan, and the catalogue read from its constants.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use srview_python::SrVulkan;

use crate::error::{Result, SrError};
use crate::models::catalogue::{Catalogue, ModelFamily};

/// The catalogue of sr_vulkan's models, each marked installed or not; links the packages
/// installed outside sr_vulkan's folder so that it finds them.
pub(super) fn catalogue(sr: &SrVulkan) -> Result<Catalogue> {
    let constants = sr.model_constants()?;
    let families = [ModelFamily::Waifu2x, ModelFamily::Realcugan, ModelFamily::Realesrgan, ModelFamily::Realsr];
    let mut installed = srview_python::installed_packages(
        &[families.map(|f| f.python_module()).as_slice(), &["sr_vulkan".into()]].concat(),
    );
    let own_folder = installed.pop().and_then(|(_, folder)| folder);
    point_at_model_packages(sr, &installed, own_folder.as_deref())?;
    Ok(Catalogue::from_constants(&constants, |family: ModelFamily| {
        installed.iter().any(|(module, folder)| folder.is_some() && *module == family.python_module())
    }))
}

/// The folder of links to model packages that `setModelPath` points at, when there is one.
static MODEL_LINKS: OnceLock<PathBuf> = OnceLock::new();

/// sr_vulkan reads a family's weights from `sr_vulkan/../sr_vulkan_model_<family>/models` only,
/// so it would not find a package installed elsewhere (the user's own folder). Then every
/// installed family is linked into one temporary folder and `setModelPath` points there.
fn point_at_model_packages(sr: &SrVulkan, packages: &[(String, Option<PathBuf>)], own: Option<&Path>) -> Result<()> {
    let parent = |folder: &Path| folder.canonicalize().ok().and_then(|f| f.parent().map(Path::to_path_buf));
    let own_parent = own.and_then(parent);
    let found: Vec<(&str, &Path)> =
        packages.iter().filter_map(|(module, folder)| Some((module.as_str(), folder.as_deref()?))).collect();
    if found.iter().all(|(_, folder)| parent(folder) == own_parent) {
        return Ok(());
    }
    let failed = |e: std::io::Error| SrError::EngineUnavailable(format!("linking the model packages: {e}"));
    let links = tempfile::Builder::new().prefix("srview-models-").tempdir().map_err(failed)?.keep();
    for (module, folder) in found {
        let family = module.trim_start_matches("sr_vulkan_model_");
        std::os::unix::fs::symlink(folder.join("models"), links.join(family)).map_err(failed)?;
    }
    sr.set_model_path(&links)?;
    tracing::info!(folder = %links.display(), "model packages outside sr_vulkan's folder are linked");
    let _ = MODEL_LINKS.set(links);
    Ok(())
}

/// Removes the link folder, if there is one (at exit).
pub(super) fn remove_links() {
    if let Some(links) = MODEL_LINKS.get() {
        let _ = std::fs::remove_dir_all(links);
    }
}
